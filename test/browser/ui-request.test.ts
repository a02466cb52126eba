/**
 * The "Request" console: headers, a body as text or JSON, the response as pretty JSON, text or
 * hex with the timing split, a replayable history, "Copy as curl" for `spin up`, and HTML shown in
 * the preview.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from '../support/chromium.ts';
import { serveStatic, type StaticServer } from '../support/static-server.ts';
import { newContext, openPlayground, previewFrame, sendFromConsole } from '../support/playground.ts';
import { panel, screenshot } from './ui-helpers.ts';

let browser: Browser;
let apps: StaticServer;
before(async () => {
  browser = await launchChromium();
  const dir = mkdtempSync(join(tmpdir(), 'spin-ui-request-'));
  const dist = new URL('../fixtures/dist/apps/spin1-component/', import.meta.url).pathname;
  mkdirSync(join(dir, 'echo'));
  for (const file of ['spin.toml', 'spin1-component.wasm']) copyFileSync(join(dist, file), join(dir, 'echo', file));
  apps = await serveStatic(dir);
});
after(async () => {
  await browser?.close();
  await apps?.close();
});

const request = (page: Page) => panel(page, 'Request');

test('headers, timing split, a replayable history and Copy as curl', async () => {
  const context = await newContext(browser);
  const page = await openPlayground(context, `?app=${encodeURIComponent(`${apps.url}/echo/spin.toml`)}&preview=off`);
  const console_ = request(page);
  // A Host header from the console becomes the authority the guest sees.
  await console_.getByText('Headers (0)').click();
  await console_.getByRole('button', { name: 'Add header' }).click();
  await console_.getByLabel('Header name').fill('Host');
  await console_.getByLabel('Header value').fill('example.com');
  await console_.getByText('Headers (1)').waitFor();
  const first = await sendFromConsole(page, 'GET', '/echo/path?x=1');
  assert.match(first.status, /^200 OK · [\d.<]+ m?s · spin1-component$/);
  assert.match(first.body, /^spin-full-url: http:\/\/example\.com\/echo\/path\?x=1$/m);
  const timing = (await console_.getByRole('definition').allTextContents()).length;
  assert.equal(timing, 5, 'routing, instantiation, handler, persistence and total');
  assert.deepEqual(await console_.getByRole('term').allTextContents(), ['Routing', 'Instantiation', 'Handler', 'Persistence', 'Total']);

  // Copy as curl: the same request against spin up.
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  await console_.getByRole('button', { name: 'Copy as curl' }).click();
  const curl = "curl -i 'http://127.0.0.1:3000/echo/path?x=1' \\\n  -H 'Host: example.com'";
  await page.waitForFunction(() => document.querySelector('.curl-out')?.getAttribute('data-copied') !== null);
  assert.equal(await console_.getByLabel('curl command').textContent(), curl);
  assert.equal(await page.evaluate(() => navigator.clipboard.readText()), curl);

  // History: every request, newest first; Replay sends one again.
  await sendFromConsole(page, 'DELETE', '/other');
  await console_.getByText('History (2)').click();
  const items = console_.getByRole('list', { name: 'Request history' }).getByRole('listitem');
  assert.match((await items.nth(0).textContent()) ?? '', /^DELETE \/other → 200/);
  assert.match((await items.nth(1).textContent()) ?? '', /^GET \/echo\/path\?x=1 → 200/);
  await page.locator('#response-status').evaluate((el) => (el.textContent = ''));
  await items.nth(1).getByRole('button', { name: 'Replay' }).click();
  await page.waitForFunction(() => /^200/.test(document.getElementById('response-status')?.textContent ?? ''));
  assert.match((await page.locator('#response-body').textContent()) ?? '', /^GET \/echo\/path\?x=1$/m);
  await console_.getByText('History (3)').waitFor();
  assert.equal(await console_.getByLabel('Path').inputValue(), '/echo/path?x=1', 'replay loads the request into the form');

  // A JSON body is checked before it is sent, and sent with its content type.
  await console_.getByLabel('Method').selectOption('POST');
  await console_.getByLabel('Body type').selectOption('json');
  await console_.getByLabel('Body', { exact: true }).fill('{"a":1');
  await console_.getByRole('button', { name: 'Send' }).click();
  await page
    .locator('#response-status')
    .filter({ hasText: /^Request failed: the body is not valid JSON/ })
    .waitFor();
  await console_.getByLabel('Body', { exact: true }).fill('{"a":1}');
  await console_.getByRole('button', { name: 'Format JSON' }).click();
  assert.equal(await console_.getByLabel('Body', { exact: true }).inputValue(), '{\n  "a": 1\n}');
  await console_.getByRole('button', { name: 'Copy as curl' }).click();
  await console_.getByLabel('curl command').filter({ hasText: 'application/json' }).waitFor();
  assert.match(
    (await console_.getByLabel('curl command').textContent()) ?? '',
    /-H 'content-type: application\/json' \\\n {2}--data-raw '\{\n {2}"a": 1\n\}'$/,
  );
  await context.close();
});

test('response bodies as pretty JSON, text and hex, and HTML shown in the preview', async () => {
  const context = await newContext(browser);
  const page = await openPlayground(context, '?example=guestbook&preview=off');
  const console_ = request(page);
  await sendFromConsole(page, 'POST', '/entries', 'name=Ada&message=hi');
  const api = await sendFromConsole(page, 'GET', '/api/entries');
  assert.equal(api.body, '[\n  {\n    "name": "Ada",\n    "message": "hi"\n  }\n]', 'JSON is pretty-printed');
  const views = console_.getByRole('group', { name: 'Show body as' });
  await views.getByRole('button', { name: 'Text' }).click();
  assert.equal(await page.locator('#response-body').textContent(), '[{"name":"Ada","message":"hi"}]');
  await views.getByRole('button', { name: 'Hex' }).click();
  assert.match((await page.locator('#response-body').textContent()) ?? '', /^\(31 B\)\n00000000 {2}5b 7b 22 6e 61 6d 65 22/);
  await views.getByRole('button', { name: 'Pretty' }).click();

  // HTML is never rendered in the console; "Show in Preview" opens the path in the preview.
  const about = await sendFromConsole(page, 'GET', '/about');
  assert.match(about.body, /^<!doctype html>/i);
  await console_.getByRole('button', { name: 'Show in Preview' }).click();
  const frame = await previewFrame(page);
  assert.match(frame.url(), /\/about$/);
  assert.equal(await panel(page, 'Preview').getByLabel('Address').inputValue(), '/about');
  await screenshot(page, 'request-console');
  await context.close();
});
