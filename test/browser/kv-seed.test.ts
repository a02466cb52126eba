/**
 * Seeding like `spin up --key-value key=value` (docs/spin-behaviour.md §11), from a link (`?key-value=`) and from the
 * "Key-value seed" form: the pairs are in the `default` store before the app serves, written again
 * at every Run (as at every `spin up`), a bad line stops the Run with Spin's message, and Export
 * app's command passes the same flags. Against the production build, in Chromium.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from '../support/chromium.ts';
import { newContext, openPlayground, waitForStatus } from '../support/playground.ts';
import { kvEntries, panel, setKv } from './ui-helpers.ts';

let browser: Browser;
before(async () => {
  browser = await launchChromium();
});
after(async () => {
  await browser?.close();
});

async function run(page: Page, expect: 'Running' | 'error'): Promise<void> {
  await page.locator('#status').evaluate((el) => {
    el.textContent = '';
    el.classList.remove('error');
  });
  await page.getByRole('button', { name: 'Run' }).click();
  await waitForStatus(page, expect);
}

test('--key-value pairs from the link and the form are written at every Run, and a bad one stops it', async () => {
  const context = await newContext(browser);
  const page = await openPlayground(context, `?example=kv-basics&preview=off&key-value=${encodeURIComponent('greeting=hello=world')}&key-value=n=1`);
  const logs = panel(page, 'Logs');
  await logs.getByText('seeded 2 key-value entries (--key-value)').first().waitFor();
  // Split at the first `=`, as Spin splits.
  assert.deepEqual(await kvEntries(page), { greeting: 'hello=world', n: '1' });
  const seed = page.getByLabel('Key-value seed');
  assert.equal(await seed.inputValue(), 'greeting=hello=world\nn=1');
  assert.match((await page.locator('details#kv-seed summary').textContent()) ?? '', /Key-value seed \(2\)/);

  // The app (here the explorer) changes a seeded key; the next Run writes the seed again.
  await setKv(page, 'n', '5');
  assert.equal((await kvEntries(page)).n, '5');
  await run(page, 'Running');
  assert.deepEqual(await kvEntries(page), { greeting: 'hello=world', n: '1' });

  // A line without `=`: Spin's message with the line, the Run stops, the data is untouched.
  await seed.fill('greeting=hi\nn=2\noops');
  await run(page, 'error');
  assert.match((await page.getByRole('list', { name: 'Problems' }).textContent()) ?? '', /Key-value seed line 3: Key\/Values must be of the form `key=value`/);
  assert.deepEqual(await kvEntries(page), { greeting: 'hello=world', n: '1' });

  // Fixed, and kept for the project: a reload without the link's pairs uses the form's.
  await seed.fill("greeting=it's here\nn=2");
  await run(page, 'Running');
  assert.deepEqual(await kvEntries(page), { greeting: "it's here", n: '2' });
  await page.goto(page.url().replace(/[?&]key-value=[^&]*/g, '').replace(/\?&/, '?'));
  await waitForStatus(page, 'Running');
  assert.equal(await page.getByLabel('Key-value seed').inputValue(), "greeting=it's here\nn=2");

  // Export app: the command passes the same pairs to spin up.
  const download = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Export app' }).click();
  await download;
  await logs.getByText(/Exported .*\.zip: unzip it and run/).first().waitFor();
  const line = (await logs.getByText(/Exported .*\.zip: unzip it and run/).first().textContent()) ?? '';
  assert.ok(line.includes(`spin up --key-value 'greeting=it'\\''s here' --key-value n=2`), line);
  await context.close();
});
