/**
 * Spin 4 (WASI 0.3) components in Chromium: a hand-written p3 handler in the shape wit-bindgen
 * emits (test/fixtures/wat-p3/p3-echo.wat) answers through the service worker with its head and
 * its streamed body; mixed apps route p3, p2 and Spin 1 components side by side; without JSPI
 * (`?jspi=off` takes the path of a browser that lacks it) a p3 component is refused at load.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, Frame } from 'playwright-core';
import { launchChromium } from '../support/chromium.ts';
import { serveStatic, type StaticServer } from '../support/static-server.ts';
import { newContext, openPlayground, previewFrame } from '../support/playground.ts';

let browser: Browser;
let apps: StaticServer;

before(async () => {
  browser = await launchChromium();
  apps = await serveStatic(new URL('../fixtures/dist/apps/', import.meta.url).pathname);
});
after(async () => {
  await browser?.close();
  await apps?.close();
});

const appQuery = (app: string, extra = '') => `?app=${encodeURIComponent(`${apps.url}/${app}/spin.toml`)}${extra}`;

/** A request from the preview page itself: it goes through the service worker to the engine. */
async function fetchInPreview(preview: Frame, method: string, path: string, size = 0) {
  return preview.evaluate(
    async ({ method, path, size }) => {
      const body = new Uint8Array(size);
      for (let i = 0; i < size; i++) body[i] = (i * 7 + 3) & 0xff;
      const response = await fetch(path, { method, ...(method === 'GET' ? {} : { body }) });
      const echoed = new Uint8Array(await response.arrayBuffer());
      let same = echoed.length === body.length;
      for (let i = 0; same && i < body.length; i++) same = echoed[i] === body[i];
      return { status: response.status, echo: response.headers.get('x-echo'), contentType: response.headers.get('content-type'), length: echoed.length, same, text: size === 0 ? new TextDecoder().decode(echoed) : '' };
    },
    { method, path, size },
  );
}

test('a WASI 0.3 echo component answers a POST through the preview with its status, header and the whole streamed body', async () => {
  const context = await newContext(browser);
  const page = await openPlayground(context, appQuery('p3-echo'));
  const preview = await previewFrame(page);
  for (const size of [1, 5000, 300_000]) {
    const response = await fetchInPreview(preview, 'POST', `/echo?size=${size}`, size);
    assert.deepEqual({ status: response.status, echo: response.echo, length: response.length, same: response.same }, { status: 200, echo: 'p3', length: size, same: true }, `POST of ${size} bytes`);
  }
  await context.close();
});

test('one app routes a WASI 0.3, a WASI 0.2 and a Spin 1 component, each by its own route', async () => {
  const context = await newContext(browser);
  const page = await openPlayground(context, appQuery('p3-mixed', '&preview=off'));
  // One evaluate with a plain loop: tsx names inner functions with a helper the page lacks.
  const requests: Array<[string, string, string | null]> = [
    ['POST', '/p3/one', 'first p3 body'],
    ['GET', '/p2/count', null],
    ['GET', '/p2/count', null],
    ['GET', '/spin1/path', null],
    ['POST', '/p3/two', 'second p3 body'],
  ];
  const results = await page.evaluate(async (list) => {
    const { engine } = (window as unknown as { spinPlayground: { engine: { request(r: unknown): Promise<{ status: number; headers: Array<[string, string]>; body: ArrayBuffer | ReadableStream | null }> } } }).spinPlayground;
    const out: Array<{ status: number; echo: string | null; text: string }> = [];
    for (const [method, pathWithQuery, body] of list) {
      const r = await engine.request({ method, pathWithQuery, headers: [], body: body === null ? null : new TextEncoder().encode(body).buffer });
      const text = r.body ? new TextDecoder().decode(await new Response(r.body).arrayBuffer()) : '';
      out.push({ status: r.status, echo: r.headers.find(([n]) => n === 'x-echo')?.[1] ?? null, text });
    }
    return out;
  }, requests);
  const [p3, p2, p2again, spin1, p3again] = results;
  const result = { p3, p2, p2again, spin1: spin1!, p3again };
  assert.deepEqual(result.p3, { status: 200, echo: 'p3', text: 'first p3 body' });
  assert.deepEqual(result.p2, { status: 200, echo: null, text: 'x' });
  assert.deepEqual(result.p2again, { status: 200, echo: null, text: 'xx' });
  assert.equal(result.spin1.status, 200);
  assert.match(result.spin1.text, /^GET \/spin1\/path\n/);
  assert.deepEqual(result.p3again, { status: 200, echo: 'p3', text: 'second p3 body' });
  await context.close();
});

test('without JSPI a WASI 0.3 component is refused at load, naming JSPI and the browsers that have it', async () => {
  const context = await newContext(browser);
  const page = await openPlayground(context, appQuery('p3-mixed', '&preview=off&jspi=off'), 'error');
  const problems = (await page.getByRole('list', { name: 'Problems' }).textContent()) ?? '';
  assert.match(problems, /component "echo" \(p3-echo\.wasm\) exports wasi:http\/handler@0\.3\.0-rc-2026-03-15/);
  assert.match(problems, /needs JSPI \(JavaScript Promise Integration/);
  assert.match(problems, /Chromium-based browser/);
  assert.match(problems, /Firefox/);
  await context.close();
});
