/**
 * Start-up (docs/architecture.md §3, docs/toolchain.md "Transpile cache"): the runner starts the
 * engine and the UI loads the app without waiting for `navigator.serviceWorker.register()`, which
 * can stall for seconds; only the preview waits for the service worker. Here `register()` is held
 * in the runner until the test lets it go, so the order is forced, not timed. And a bundled example
 * comes transpiled at build time, so the engine never downloads jco's transpiler for it.
 * Against the production build, in Chromium.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, Frame, Page } from 'playwright-core';
import { launchChromium } from '../support/chromium.ts';
import { serveStatic, type StaticServer } from '../support/static-server.ts';
import { PG_URL, newContext, openPlayground, previewFrame, sendFromConsole, waitForStatus } from '../support/playground.ts';

let browser: Browser;
let fixtures: StaticServer;
before(async () => {
  browser = await launchChromium();
  fixtures = await serveStatic(new URL('../fixtures/dist/', import.meta.url).pathname);
});
after(async () => {
  await browser?.close();
  await fixtures?.close();
});

/** In the runner page: `register()` settles only after `window.releaseRegister()`. */
const HOLD_REGISTER = `(() => {
  if (!location.pathname.endsWith('/__pg/runner.html') || !navigator.serviceWorker) return;
  const container = navigator.serviceWorker;
  const register = container.register.bind(container);
  let release;
  const released = new Promise((resolve) => (release = resolve));
  window.releaseRegister = () => release();
  window.registerSettled = false;
  container.register = (...args) => released.then(() => register(...args)).finally(() => (window.registerSettled = true));
})();`;

function runnerFrame(page: Page): Frame {
  const frame = page.frames().find((f) => f.url().includes('/__pg/runner.html'));
  if (!frame) throw new Error('no runner frame');
  return frame;
}

test('first visit: the app loads and answers the request console while register() is held; the preview opens once it settles', async () => {
  const context = await newContext(browser);
  await context.addInitScript(HOLD_REGISTER);
  const page = await context.newPage();
  await page.goto(`${PG_URL}/?example=kv-basics`);
  await waitForStatus(page, 'Running');
  const runner = runnerFrame(page);
  assert.equal(await runner.evaluate(() => (window as unknown as { registerSettled: boolean }).registerSettled), false);
  const response = await sendFromConsole(page, 'GET', '/');
  assert.match(response.status, /^200/);
  // No service worker yet: the preview frame has not been sent anywhere (it would reach the server).
  assert.equal(await page.locator('iframe[name="preview"]').getAttribute('src'), null);

  await runner.evaluate(() => (window as unknown as { releaseRegister(): void }).releaseRegister());
  const preview = await previewFrame(page);
  assert.match(preview.url(), /^http:\/\/ex-kv-basics\.localhost:\d+\/$/);
  assert.match((await preview.textContent('body')) ?? '', /\S/);
  assert.equal(await runner.evaluate(() => (window as unknown as { registerSettled: boolean }).registerSettled), true);
  await context.close();
});

test('later visit: the worker that already controls the origin serves the preview while register() never settles', async () => {
  const context = await newContext(browser);
  const first = await context.newPage();
  await first.goto(`${PG_URL}/?example=kv-basics`);
  await previewFrame(first);
  await first.close();

  await context.addInitScript(HOLD_REGISTER);
  const page = await context.newPage();
  await page.goto(`${PG_URL}/?example=kv-basics`);
  await waitForStatus(page, 'Running');
  const preview = await previewFrame(page);
  const body = await preview.evaluate(async () => {
    const response = await fetch('/');
    return { status: response.status, viaWorker: navigator.serviceWorker.controller !== null, text: await response.text() };
  });
  assert.equal(body.status, 200);
  assert.equal(body.viaWorker, true);
  assert.match(body.text, /\S/);
  assert.equal(await runnerFrame(page).evaluate(() => (window as unknown as { registerSettled: boolean }).registerSettled), false);
  await context.close();
});

/** The engine Worker's resource fetches and the page's log lines. */
async function engineFetchesAndLogs(page: Page): Promise<{ fetched: string[]; logs: string }> {
  const worker = page.workers().find((w) => /\/__pg\/assets\/worker/.test(w.url()));
  assert.ok(worker, 'the engine Worker runs in this page');
  const fetched = await worker.evaluate(() => performance.getEntriesByType('resource').map((e) => new URL(e.name).pathname));
  return { fetched, logs: (await page.getByRole('region', { name: 'Logs' }).textContent()) ?? '' };
}

test("a bundled example is transpiled at build time: the engine uses that and never fetches jco's transpiler; an uploaded app still transpiles", async () => {
  const context = await newContext(browser);
  const page = await openPlayground(context, '?example=kv-basics');
  const example = await engineFetchesAndLogs(page);
  assert.match(example.logs, /loaded app\.wasm \([^)]*transpiled at build time, compiled in \d+ ms\)/);
  assert.ok(
    example.fetched.some((p) => /^\/__pg\/transpiled\/[0-9a-f]{64}\.jspi\.json$/.test(p)),
    example.fetched.join('\n'),
  );
  assert.equal(example.fetched.filter((p) => /js-component-bindgen/.test(p)).length, 0, "jco's transpiler is not downloaded");
  assert.match((await sendFromConsole(page, 'GET', '/')).status, /^200/);

  // An app from elsewhere has no build-time transpile: jco runs in the engine, once; the next
  // visit reads the cache (glue plus the core modules' ranges in the component) and answers alike.
  const query = `?app=${encodeURIComponent(`${fixtures.url}/apps/kv-tiny/spin.toml`)}&preview=off`;
  const fresh = await openPlayground(context, query);
  const uploaded = await engineFetchesAndLogs(fresh);
  assert.match(uploaded.logs, /loaded \S+\.wasm \([^)]*transpiled in \d+ ms/);
  assert.ok(
    uploaded.fetched.some((p) => /js-component-bindgen/.test(p)),
    "jco's transpiler is downloaded on a cache miss",
  );
  const first = await sendFromConsole(fresh, 'GET', '/');
  await fresh.close();
  const again = await openPlayground(context, query);
  assert.match((await engineFetchesAndLogs(again)).logs, /loaded \S+\.wasm \([^)]*transpiled output from cache/);
  const second = await sendFromConsole(again, 'GET', '/');
  const withoutTime = (status: string) => status.replace(/ · [\d.]+ ms/, '');
  assert.equal(withoutTime(second.status), withoutTime(first.status));
  assert.match(first.status, /^200 OK · [\d.]+ ms · kv-tiny$/);
  await context.close();
});
