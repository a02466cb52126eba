/**
 * Spin 4's default Rust template (templates/http-rust: spin-sdk 6, `#[http_service] async fn`) as
 * `spin build` makes it: test/fixtures/wat-p3/spin4-template.wat has that component's shape
 * (docs/spin4.md). Under `spin up` it answers 200 `text/plain` "Hello World!" and prints
 * `Handling request to Some("<spin-full-url>")` through the WASI 0.3 stdout stream, while it also
 * carries the WASI 0.2.6 imports Rust's std links in; both generations are served in one instance.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser } from 'playwright-core';
import type { StaticServer } from '../support/static-server.ts';
import { fixtureAppQuery, withChromiumAndFixtureApps } from '../support/fixture-apps.ts';
import { newContext, openPlayground, previewFrame } from '../support/playground.ts';
import { panel } from './ui-helpers.ts';

let browser: Browser;
let apps: StaticServer;

withChromiumAndFixtureApps((b, a) => {
  browser = b;
  apps = a;
});

const appQuery = (app: string) => fixtureAppQuery(apps, app);

test('the template component answers through the preview as spin up does: 200, text/plain, "Hello World!", and its line in the log', async () => {
  const context = await newContext(browser);
  const page = await openPlayground(context, appQuery('spin4-template'));
  const preview = await previewFrame(page);
  const results = await preview.evaluate(async () => {
    const out: Array<{ status: number; contentType: string | null; body: string; url: string }> = [];
    for (const path of ['/', '/hello?name=spin']) {
      const response = await fetch(path);
      const url = new URL(path, location.href).href;
      out.push({ status: response.status, contentType: response.headers.get('content-type'), body: await response.text(), url });
    }
    return out;
  });
  for (const result of results) {
    const { status, contentType, body } = result;
    assert.deepEqual({ status, contentType, body }, { status: 200, contentType: 'text/plain', body: 'Hello World!' }, result.url);
  }
  // println!("Handling request to {:?}", req.headers().get("spin-full-url")), one line per request.
  const logs = panel(page, 'Logs');
  // The template's glue has no host-to-guest stream writer; it still runs on the edited stream runtime.
  await logs
    .getByText(/loaded spin4-template\.wasm .*streams copy byte chunks/)
    .first()
    .waitFor();
  assert.equal(await logs.getByText(/does not have the shape the stream rewrite/).count(), 0, 'no rewrite warning in the log');
  await logs.getByText('Handling request to', { exact: false }).nth(2).waitFor({ timeout: 30_000 });
  // Each entry reads `<time> <component>` then the line; the first is the preview frame's own load of `/`.
  const lines = (await logs.getByText('Handling request to', { exact: false }).allTextContents()).map((l) => l.slice(l.indexOf('Handling')));
  assert.deepEqual(lines, [`Handling request to Some("${results[0]!.url}")`, ...results.map((r) => `Handling request to Some("${r.url}")`)]);
  await context.close();
});

test("the template component's head carries only what the guest and the host set: content-type and date, a body of exactly 12 bytes", async () => {
  const context = await newContext(browser);
  const page = await openPlayground(context, `${appQuery('spin4-template')}&preview=off`);
  // A string, so the test runner's transform adds no helper the page lacks.
  const result = await page.evaluate(`(async () => {
    const { engine } = window.spinPlayground;
    const body = new TextEncoder().encode('{"ignored":true}').buffer;
    const r = await engine.request({ method: 'POST', pathWithQuery: '/anything', headers: [['content-type', 'application/json']], body });
    const bytes = r.body ? new Uint8Array(await new Response(r.body).arrayBuffer()) : new Uint8Array();
    const headers = r.headers.map(([n]) => n.toLowerCase()).filter((n) => n !== 'content-length').sort();
    return { status: r.status, headers, length: bytes.length, text: new TextDecoder().decode(bytes) };
  })()`);
  // `date` is added by the host, as Spin's HTTP server does.
  assert.deepEqual(result, { status: 200, headers: ['content-type', 'date'], length: 12, text: 'Hello World!' });
  await context.close();
});
