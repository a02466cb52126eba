/**
 * Browsers without JSPI (WebAssembly.Suspending): components run with synchronous glue, waits are
 * bounded busy-waits and outbound HTTP uses synchronous XMLHttpRequest. Chromium has JSPI and no
 * flag turns it off, so `?jspi=off` forces the engine onto exactly that path; the log line proves
 * which path loaded each component.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser } from 'playwright-core';
import { launchChromium } from '../support/chromium.ts';
import { serveStatic, type StaticServer } from '../support/static-server.ts';
import { startEchoServer } from '../support/echo-server.ts';
import { newContext, openPlayground, previewFrame, sendFromConsole, waitForStatus } from '../support/playground.ts';

let browser: Browser;
let server: StaticServer;
let echo: { port: number; close(): Promise<void> };
before(async () => {
  browser = await launchChromium();
  server = await serveStatic(new URL('../fixtures/dist/', import.meta.url).pathname);
  echo = await startEchoServer();
});
after(async () => {
  await browser?.close();
  await server?.close();
  await echo?.close();
});

test('the default app runs with synchronous glue', async () => {
  const context = await newContext(browser);
  const page = await openPlayground(context, '?jspi=off');
  await page
    .getByRole('region', { name: 'Logs' })
    .getByText(/synchronous glue, without JSPI/)
    .waitFor();
  const response = await sendFromConsole(page, 'GET', '/');
  assert.match(response.status, /^200\b/);
  assert.match(response.body, /^set test-key = test-value\nexists\(test-key\) = true\n/);
  await context.close();
});

test("an HTML app's form post and page script work without JSPI", async () => {
  const context = await newContext(browser);
  const page = await openPlayground(context, '?example=guestbook&jspi=off');
  const preview = await previewFrame(page);
  await preview.waitForFunction(() => document.getElementById('live-count')?.textContent !== '?');
  const unique = `no-jspi ${Date.now()}`;
  await preview.locator('input[name="name"]').fill('Sync');
  await preview.locator('[name="message"]').fill(unique);
  await Promise.all([preview.waitForNavigation(), preview.locator('form button, form [type="submit"]').first().click()]);
  assert.match(await preview.evaluate(() => document.body.innerText), new RegExp(unique));
  await context.close();
});

test('outbound HTTP goes out with synchronous XMLHttpRequest and returns the echo', async () => {
  const context = await newContext(browser);
  const page = await openPlayground(context, `?app=${encodeURIComponent(`${server.url}/conformance/outbound-wasi-http/spin.toml`)}&preview=off&jspi=off`);
  await page.locator('#variables summary').click();
  await page.locator('#variables').getByLabel('Variable url').fill(`http://127.0.0.1:${echo.port}/`);
  await page.getByRole('button', { name: 'Run' }).click();
  await waitForStatus(page, 'Running');
  const response = await sendFromConsole(page, 'GET', '/');
  assert.match(response.status, /^200\b/, response.body);
  assert.equal(response.body, 'Hello, world!');
  await context.close();
});
