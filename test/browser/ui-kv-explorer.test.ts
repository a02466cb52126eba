/**
 * The "Key-value explorer": live refresh when the app writes, add/edit/delete through the engine
 * (so the data survives a reload), views as text, JSON and hex, prefix search, import and export
 * JSON, clearing a store, and a store of 10,000 keys rendered fast (virtualized).
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from '../support/chromium.ts';
import { newContext, openPlayground, sendFromConsole, waitForStatus } from '../support/playground.ts';
import { KV_BASICS_MANIFEST, panel, replaceManifest, runManifest, screenshot } from './ui-helpers.ts';

let browser: Browser;
before(async () => {
  browser = await launchChromium();
});
after(async () => {
  await browser?.close();
});

const explorer = (page: Page) => panel(page, 'Key-value explorer');
const keys = (page: Page) => explorer(page).getByRole('listbox', { name: 'Keys' });
const count = async (page: Page) => (await explorer(page).locator('.count').textContent()) ?? '';

test('the explorer refreshes when the app writes, and edits go through the engine and persist', async () => {
  const context = await newContext(browser);
  const page = await openPlayground(context, '?example=guestbook&preview=off');
  const kv = explorer(page);
  await kv.getByRole('tab', { name: /^default/ }).waitFor();
  assert.equal(await kv.getByRole('tab', { name: /^default/ }).getAttribute('aria-selected'), 'true');
  // The app writes two keys; the explorer shows them without being asked.
  const posted = await sendFromConsole(page, 'POST', '/entries', 'name=Ada&message=hello');
  assert.match(posted.status, /^303\b/);
  await keys(page).getByRole('option', { name: 'entry:000001' }).waitFor();
  await keys(page).getByRole('option', { name: 'count' }).waitFor();
  assert.match(await count(page), /^2 keys$/);

  // View a value as JSON, text and hex.
  await keys(page).getByRole('option', { name: 'entry:000001' }).click();
  const value = kv.getByRole('group', { name: 'Value' });
  await value.getByLabel('Value contents').filter({ hasText: '"name": "Ada"' }).waitFor();
  await value.getByRole('button', { name: 'Hex' }).click();
  assert.match((await value.getByLabel('Value contents').textContent()) ?? '', /^00000000 {2}7b 22 6e 61 6d 65 22 3a/);
  await value.getByRole('button', { name: 'Text' }).click();
  assert.equal(await value.getByLabel('Value contents').textContent(), '{"name":"Ada","message":"hello"}');

  // Add a key, then edit it.
  await kv.getByRole('button', { name: 'Add key' }).click();
  await value.getByLabel('Key', { exact: true }).fill('user:1');
  await value.getByLabel('Value format').selectOption('json');
  await value.getByLabel('Value', { exact: true }).fill('{"name":"Grace"');
  await value.getByRole('button', { name: 'Save' }).click();
  await value
    .getByRole('alert')
    .filter({ hasText: /Not valid JSON/ })
    .waitFor();
  await value.getByLabel('Value', { exact: true }).fill('{"name":"Grace"}');
  await value.getByRole('button', { name: 'Save' }).click();
  await keys(page).getByRole('option', { name: 'user:1', selected: true }).waitFor();
  await value.getByRole('button', { name: 'Edit' }).click();
  await value.getByLabel('Value', { exact: true }).fill('{"name":"Grace Hopper"}');
  await value.getByRole('button', { name: 'Save' }).click();
  await value.getByLabel('Value contents').filter({ hasText: 'Grace Hopper' }).waitFor();

  // Prefix search.
  await kv.getByLabel('Key prefix').fill('entry:');
  await keys(page).getByRole('option', { name: 'user:1' }).waitFor({ state: 'detached' });
  assert.match(await count(page), /^1 of 3 keys start with "entry:"$/);
  await kv.getByLabel('Key prefix').fill('');
  await keys(page).getByRole('option', { name: 'user:1' }).waitFor();

  // The edit went through the engine: the app sees it, and it survives a reload.
  await page.reload();
  await waitForStatus(page, 'Running');
  await keys(page).getByRole('option', { name: 'user:1' }).click();
  await explorer(page).getByRole('group', { name: 'Value' }).getByLabel('Value contents').filter({ hasText: 'Grace Hopper' }).waitFor();
  await screenshot(page, 'kv-explorer');

  // Delete the key, then clear the store (a second click confirms).
  await explorer(page).getByRole('button', { name: 'Delete' }).click();
  await keys(page).getByRole('option', { name: 'user:1' }).waitFor({ state: 'detached' });
  await explorer(page).getByRole('button', { name: 'Clear store' }).click();
  await explorer(page).getByRole('button', { name: 'Confirm clear' }).click();
  await page.waitForFunction(() => document.querySelector('[aria-label="Key-value explorer"] .count')?.textContent === '0 keys');
  const api = await sendFromConsole(page, 'GET', '/api/entries');
  assert.equal(api.body.trim(), '[]', 'the app sees the cleared store');
  await context.close();
});

test('import and export JSON, with binary values as base64', async () => {
  const context = await newContext(browser);
  const page = await openPlayground(context, '?preview=off');
  const kv = explorer(page);
  await kv.getByRole('tab', { name: /^default/ }).waitFor();
  await kv.getByLabel('Import JSON file').setInputFiles({
    name: 'data.json',
    mimeType: 'application/json',
    buffer: Buffer.from(JSON.stringify({ greeting: 'hello', blob: { base64: 'AAEC/w==' }, config: { debug: true } })),
  });
  await keys(page).getByRole('option', { name: 'greeting' }).waitFor();
  assert.deepEqual(await keys(page).getByRole('option').allTextContents(), ['blob', 'config', 'greeting']);
  await keys(page).getByRole('option', { name: 'blob' }).click();
  // Binary that is not UTF-8 opens as hex.
  assert.match((await kv.getByLabel('Value contents').textContent()) ?? '', /^00000000 {2}00 01 02 ff/);
  await keys(page).getByRole('option', { name: 'config' }).click();
  await kv.getByLabel('Value contents').filter({ hasText: '"debug": true' }).waitFor();
  const [download] = await Promise.all([page.waitForEvent('download'), kv.getByRole('button', { name: 'Export JSON' }).click()]);
  assert.equal(download.suggestedFilename(), 'default.kv.json');
  const exported = JSON.parse(readFileSync(await download.path(), 'utf8')) as Record<string, unknown>;
  assert.deepEqual(exported, { blob: { base64: 'AAEC/w==' }, config: '{"debug":true}', greeting: 'hello' });
  await context.close();
});

test('10,000 keys: the list is virtualized and renders fast; search narrows it', async (t) => {
  const context = await newContext(browser);
  const page = await openPlayground(context, '?preview=off');
  await explorer(page)
    .getByRole('tab', { name: /^default/ })
    .waitFor();
  const stats = await page.evaluate(async () => {
    const playground = (
      window as unknown as {
        spinPlayground: {
          engine: { kv(op: unknown): Promise<unknown> };
          refreshKvExplorer(): Promise<{ keys: number; totalMs: number; queryMs: number; renderMs: number }>;
        };
      }
    ).spinPlayground;
    const encoder = new TextEncoder();
    const entries = Array.from({ length: 10_000 }, (_, i) => [`key-${String(i).padStart(5, '0')}`, encoder.encode(JSON.stringify({ i })).buffer]);
    await playground.engine.kv({ op: 'import', store: 'default', entries });
    const runs = [];
    for (let i = 0; i < 3; i++) runs.push(await playground.refreshKvExplorer());
    return runs;
  });
  t.diagnostic(
    `kv explorer, 10,000 keys: ${stats.map((s) => `${s.totalMs.toFixed(1)} ms (query ${s.queryMs.toFixed(1)}, render ${s.renderMs.toFixed(1)})`).join('; ')}`,
  );
  assert.equal(stats.at(-1)!.keys, 10_000);
  assert.ok(stats.at(-1)!.totalMs < 1000, `rendered in ${stats.at(-1)!.totalMs} ms`);
  assert.equal(
    await page.evaluate(() => (window as unknown as { spinPlayground: { kvExplorerRenderMs: number } }).spinPlayground.kvExplorerRenderMs > 0),
    true,
  );
  assert.match(await count(page), /^10000 keys$/);
  const rendered = await keys(page).getByRole('option').count();
  assert.ok(rendered > 5 && rendered < 200, `${rendered} rows in the DOM`);
  await keys(page).focus();
  await page.keyboard.press('End');
  await keys(page).getByRole('option', { name: 'key-09999', selected: true }).waitFor();
  await explorer(page).getByLabel('Key prefix').fill('key-099');
  await page.waitForFunction(() => /^100 of 10000 keys/.test(document.querySelector('[aria-label="Key-value explorer"] .count')?.textContent ?? ''));
  await screenshot(page, 'kv-explorer-10000');
  await context.close();
});

test('one tab per store: each store the manifest names, switched with the arrow keys', async () => {
  const context = await newContext(browser);
  const page = await openPlayground(context, '?preview=off');
  const kv = explorer(page);
  await replaceManifest(page, KV_BASICS_MANIFEST.replace('key_value_stores = ["default"]', 'key_value_stores = ["default", "cache"]'));
  await runManifest(page);
  const cache = kv.getByRole('tab', { name: /^cache/ });
  await cache.waitFor();
  assert.deepEqual(
    (await kv.getByRole('tab').allTextContents()).map((t) => t.replace(/\d+$/, '')),
    ['default', 'cache'],
  );
  await kv.getByRole('tab', { name: /^default/ }).focus();
  await page.keyboard.press('ArrowRight');
  await kv.getByRole('tab', { name: /^cache/, selected: true }).waitFor();
  await kv.getByLabel('Import JSON file').setInputFiles({ name: 'c.json', mimeType: 'application/json', buffer: Buffer.from('{"hot":"1"}') });
  await keys(page).getByRole('option', { name: 'hot' }).waitFor();
  assert.equal(
    await kv
      .getByRole('tab', { name: /^cache/ })
      .locator('.tab-count')
      .textContent(),
    '1',
  );
  await kv.getByRole('tab', { name: /^default/ }).click();
  await keys(page).getByRole('option', { name: 'hot' }).waitFor({ state: 'detached' });
  await context.close();
});
