/**
 * Monaco with Spin-aware help: validation as you type (squiggles with Spin's messages, before
 * Run), hover documentation for manifest keys, and completion for keys and known labels.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser } from 'playwright-core';
import { launchChromium } from '../support/chromium.ts';
import { newContext, openPlayground } from '../support/playground.ts';
import { KV_BASICS_MANIFEST, replaceManifest } from './ui-helpers.ts';

let browser: Browser;
before(async () => {
  browser = await launchChromium();
});
after(async () => {
  await browser?.close();
});

test('a typo is squiggled as you type, before Run, and the app keeps running', async () => {
  const context = await newContext(browser);
  const page = await openPlayground(context, '?preview=off');
  await replaceManifest(page, KV_BASICS_MANIFEST.replace('route = "/..."', 'rooute = "/..."'));
  await page.locator('.monaco-editor .squiggly-error').first().waitFor();
  assert.equal(await page.getByRole('status').textContent(), 'Running');
  await page.locator('.monaco-editor .view-line').getByText('rooute').hover();
  await page
    .locator('.monaco-hover')
    .getByText(/unknown field `rooute`/)
    .first()
    .waitFor();
  await context.close();
});

test('hovering a manifest key shows its documentation', async () => {
  const context = await newContext(browser);
  const page = await openPlayground(context, '?preview=off');
  await page.locator('.monaco-editor').waitFor();
  await page.locator('.monaco-editor .view-line').filter({ hasText: 'key_value_stores' }).getByText('key_value_stores').hover();
  await page
    .locator('.monaco-hover')
    .getByText(/Key-value stores the component may open/)
    .waitFor();
  await context.close();
});

test('completion offers the keys of the current table and known store labels', async () => {
  const context = await newContext(browser);
  const page = await openPlayground(context, '?preview=off');
  await replaceManifest(page, `${KV_BASICS_MANIFEST}sql`);
  await page.keyboard.press('Control+Space');
  const suggest = page.locator('.monaco-editor .suggest-widget');
  await suggest.getByText('sqlite_databases').waitFor();
  await page.keyboard.press('Enter');
  await page
    .locator('.monaco-editor .view-lines')
    .getByText(/sqlite_databases\s=\s\["default"\]/)
    .waitFor();
  // Inside a store list: the known label.
  await page.keyboard.press('ControlOrMeta+End');
  await page.keyboard.insertText('\nallowed_outbound_hosts = ["http://s');
  await page.keyboard.press('Control+Space');
  await suggest.getByText('http://self').waitFor();
  await context.close();
});

test('typing before Monaco has loaded: the text is kept, and Monaco takes over with the cursor where it was', async () => {
  const context = await newContext(browser);
  // Hold Monaco's main chunk back so that the plain text area is certainly what the person types in.
  let release!: () => void;
  const gate = new Promise<void>((resolve) => (release = resolve));
  await context.route('**/editor.api*', async (route) => {
    await gate;
    await route.continue();
  });
  const page = await openPlayground(context, '?preview=off');
  const textarea = page.locator('#editor textarea');
  await textarea.click();
  await page.keyboard.press('ControlOrMeta+Home');
  await page.keyboard.press('End');
  await page.keyboard.type(' # typed early');
  assert.equal(await page.locator('#editor[data-editor="monaco"]').count(), 0, 'Monaco was held back while typing');
  release();
  await page.locator('#editor[data-editor="monaco"]').waitFor({ timeout: 60_000 });
  await page.keyboard.type('!');
  const firstLine = (await page.locator('.monaco-editor .view-line').first().innerText()).replace(/\u00a0/g, ' ');
  assert.equal(firstLine, 'spin_manifest_version = 2 # typed early!');
  assert.ok(await page.evaluate(() => !!document.activeElement?.closest('.monaco-editor')), 'the keyboard focus moved into Monaco');
  await context.close();
});
