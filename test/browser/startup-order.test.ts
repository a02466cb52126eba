/**
 * Start-up order (src/runner/runner.ts): the runner starts the engine and the UI loads the app
 * without waiting for `navigator.serviceWorker.register()`, which can stall for seconds; only the
 * preview waits for the service worker. Here `register()` is held in the runner until the test
 * lets it go, so the order is forced, not timed. Against the production build, in Chromium.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, Frame, Page } from 'playwright-core';
import { launchChromium } from '../support/chromium.ts';
import { PG_URL, newContext, previewFrame, sendFromConsole, waitForStatus } from '../support/playground.ts';

let browser: Browser;
before(async () => {
  browser = await launchChromium();
});
after(async () => {
  await browser?.close();
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
