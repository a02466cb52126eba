/**
 * The "Trace" panel: for each request, the matched route and component, every host call in order
 * with its arguments and outcome, and the timing split, with "<0.1 ms" below timer resolution.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser } from 'playwright-core';
import { launchChromium } from '../support/chromium.ts';
import { serveStatic, type StaticServer } from '../support/static-server.ts';
import { startEchoServer } from '../support/echo-server.ts';
import { newContext, openPlayground, sendFromConsole } from '../support/playground.ts';
import { KV_BASICS_MANIFEST, panel, replaceManifest, runManifest, screenshot } from './ui-helpers.ts';

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

test('a console request shows its route, component, every host call in order and the timing split', async () => {
  const context = await newContext(browser);
  const page = await openPlayground(context, '?preview=off');
  await sendFromConsole(page, 'GET', '/');
  const trace = panel(page, 'Trace');
  const row = trace.getByRole('option', { name: /console GET \/ → 200/ });
  await row.waitFor();
  assert.equal(await row.getAttribute('aria-selected'), 'true', 'the newest request is selected while following');
  const details = trace.getByRole('group', { name: 'Trace details' });
  assert.match((await details.textContent()) ?? '', /Route \/\.\.\. matched → component kv-basics/);
  const calls = (await trace.getByRole('list', { name: 'Host calls' }).getByRole('listitem').allTextContents()).map((c) =>
    c.replace(/^(<0\.1 ms|\+[\d.]+ (ms|s))/, '').trim(),
  );
  assert.deepEqual(calls, [
    'store.open("default") → ok("store(default)")',
    'set("test-key", "test-value") → ok(none)',
    'exists("test-key") → ok(true)',
    'get-keys() → ok(["test-key"])',
    'get("test-key") → ok("test-value")',
    'delete("test-key") → ok(none)',
    'exists("test-key") → ok(false)',
  ]);
  const timing = (await details.locator('.trace-timing').textContent()) ?? '';
  assert.match(timing, /^routing (<0\.1 ms|\d+\.\d ms) · instantiation (<0\.1 ms|[\d.]+ m?s) · handler [^·]+ · persistence [^·]+ · total [\d.]+ m?s/);
  // No false precision: never more than one decimal of a millisecond.
  assert.doesNotMatch(timing, /\d\.\d\d/);
  await screenshot(page, 'trace');
  await context.close();
});

test('a host call that fails shows its error, and requests from the preview are traced too', async () => {
  const context = await newContext(browser);
  const page = await openPlayground(context);
  const trace = panel(page, 'Trace');
  await trace.getByRole('option', { name: /preview GET \/ → 200/ }).waitFor();
  // Without key_value_stores the component may not open "default": access-denied, as in Spin.
  await replaceManifest(page, KV_BASICS_MANIFEST.replace('key_value_stores = ["default"]\n', ''));
  await runManifest(page);
  await sendFromConsole(page, 'GET', '/denied');
  await trace.getByRole('option', { name: /console GET \/denied →/ }).waitFor();
  const failed = trace.getByRole('list', { name: 'Host calls' }).getByRole('listitem').first();
  assert.match((await failed.textContent()) ?? '', /store\.open\("default"\) → err\(access-denied\)/);
  assert.equal(await failed.evaluate((el) => el.classList.contains('err')), true);
  await context.close();
});

test('unmatched paths and reserved paths say who answered', async () => {
  const context = await newContext(browser);
  const page = await openPlayground(context, '?preview=off');
  const trace = panel(page, 'Trace');
  await sendFromConsole(page, 'GET', '/.well-known/spin/health');
  await trace.getByRole('option', { name: /GET \/\.well-known\/spin\/health → 200/ }).waitFor();
  assert.match((await trace.getByRole('group', { name: 'Trace details' }).textContent()) ?? '', /Reserved Spin path .* \(health\)/);
  // Picking an older request stops following; the newest request does not take the selection.
  await sendFromConsole(page, 'GET', '/');
  await trace.getByRole('option', { name: /GET \/\.well-known\/spin\/health/ }).click();
  assert.equal(await trace.getByLabel('Follow latest').isChecked(), false);
  await sendFromConsole(page, 'GET', '/again');
  await trace.getByRole('option', { name: /GET \/again/ }).waitFor();
  assert.match((await trace.getByRole('group', { name: 'Trace details' }).textContent()) ?? '', /health/);
  await context.close();
});

test('variable reads are traced with their values and errors', async () => {
  const context = await newContext(browser);
  const page = await openPlayground(context, `?app=${encodeURIComponent(`${fixtures.url}/conformance/variables/spin.toml`)}&preview=off`);
  assert.match((await sendFromConsole(page, 'GET', '/')).status, /^200\b/);
  const trace = panel(page, 'Trace');
  await trace.getByRole('option', { name: /console GET \/ → 200/ }).waitFor();
  const calls = await trace.getByRole('list', { name: 'Host calls' }).getByRole('listitem').allTextContents();
  assert.ok(
    calls.some((c) => /variables\.get\("variable"\) → ok\("value"\)/.test(c)),
    calls.join('\n'),
  );
  assert.ok(
    calls.some((c) => /variables\.get\(".*"\) → err\(invalid-name/.test(c)),
    calls.join('\n'),
  );
  await context.close();
});

test('outbound requests are traced with their URL and status', async () => {
  const echo = await startEchoServer();
  const context = await newContext(browser);
  const page = await openPlayground(context, `?app=${encodeURIComponent(`${fixtures.url}/conformance/outbound-wasi-http/spin.toml`)}&preview=off`);
  const console_ = panel(page, 'Request');
  await console_.getByText('Headers (0)').click();
  await console_.getByRole('button', { name: 'Add header' }).click();
  await console_.getByLabel('Header name').fill('url');
  await console_.getByLabel('Header value').fill(`http://localhost:${echo.port}/`);
  assert.match((await sendFromConsole(page, 'GET', '/')).status, /^200\b/);
  const trace = panel(page, 'Trace');
  await trace.getByRole('option', { name: /console GET \/ → 200/ }).waitFor();
  const calls = await trace.getByRole('list', { name: 'Host calls' }).getByRole('listitem').allTextContents();
  assert.ok(
    calls.some((c) => new RegExp(`outbound POST http://localhost:${echo.port}/ → ok\\(200`).test(c)),
    calls.join('\n'),
  );
  await context.close();
  await echo.close();
});
