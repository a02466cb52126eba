/**
 * Seeding like `spin up --key-value key=value` (docs/spin-behaviour.md §11), from a link (`?key-value=`) and from the
 * "Key-value seed" form: the pairs are in the `default` store before the app serves, written again
 * at every Run (as at every `spin up`), a bad line stops the Run with Spin's message, and Export
 * app's command passes the same flags. A link's pairs are shown and written only once the person
 * applies them. Against the production build, in Chromium.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from '../support/chromium.ts';
import { PG_URL, newContext, openPlayground, waitForStatus } from '../support/playground.ts';
import { kvEntries, panel, setKv } from './ui-helpers.ts';

let browser: Browser;
before(async () => {
  browser = await launchChromium();
});
after(async () => {
  await browser?.close();
});

const linkSeedPrompt = (page: Page) => page.getByRole('dialog', { name: 'Key-value seed from the link' });

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
  // The link's pairs wait for the person: applying them runs the app with them.
  await linkSeedPrompt(page).getByRole('button', { name: 'Apply these pairs' }).click();
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
  await page.goto(
    page
      .url()
      .replace(/[?&]key-value=[^&]*/g, '')
      .replace(/\?&/, '?'),
  );
  await waitForStatus(page, 'Running');
  assert.equal(await page.getByLabel('Key-value seed').inputValue(), "greeting=it's here\nn=2");

  // Export app: the command passes the same pairs to spin up.
  const download = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Export app' }).click();
  await download;
  await logs
    .getByText(/Exported .*\.zip: unzip it and run/)
    .first()
    .waitFor();
  const line =
    (await logs
      .getByText(/Exported .*\.zip: unzip it and run/)
      .first()
      .textContent()) ?? '';
  assert.ok(line.includes(`spin up --key-value 'greeting=it'\\''s here' --key-value n=2`), line);
  await context.close();
});

test("attack: a link carrying ?key-value= does not write into an existing project's data until the person applies it", async () => {
  const context = await newContext(browser);
  // A project with data of its own.
  const page = await openPlayground(context, '?example=kv-basics&preview=off');
  await setKv(page, 'role', 'user');
  await setKv(page, 'note', 'mine');
  const saved = { note: 'mine', role: 'user' };

  // The hostile link opens the same project (the same ?example=) with a seed.
  const link = `?example=kv-basics&preview=off&key-value=${encodeURIComponent('role=admin')}`;
  await page.goto(`${PG_URL}/${link}`);
  await waitForStatus(page, 'Running');
  const prompt = linkSeedPrompt(page);
  await prompt.waitFor();
  // The pair is shown, visibly, before anything is written.
  assert.equal(await prompt.getByRole('list', { name: 'Pairs from the link' }).innerText(), 'role=admin');
  assert.ok(await prompt.getByText('role=admin').isVisible());
  assert.deepEqual(await kvEntries(page), saved);
  // Ignored: a Run and a reload write nothing.
  await run(page, 'Running');
  assert.deepEqual(await kvEntries(page), saved);
  assert.equal(await page.getByLabel('Key-value seed', { exact: true }).inputValue(), '', "the link's pairs are not in the form");
  await page.reload();
  await waitForStatus(page, 'Running');
  await prompt.waitFor();
  assert.deepEqual(await kvEntries(page), saved);

  // Dismissed: the prompt goes and nothing is written, at this Run or the next.
  await prompt.getByRole('button', { name: 'Dismiss' }).click();
  await prompt.waitFor({ state: 'detached' });
  await run(page, 'Running');
  assert.deepEqual(await kvEntries(page), saved);

  // Applied (after another load of the link): the pair is written.
  await page.reload();
  await waitForStatus(page, 'Running');
  await prompt.getByRole('button', { name: 'Apply these pairs' }).click();
  await panel(page, 'Logs').getByText('seeded 1 key-value entry (--key-value)').first().waitFor();
  assert.deepEqual(await kvEntries(page), { note: 'mine', role: 'admin' });
  assert.equal(await prompt.count(), 0);
  await context.close();
});

test('pairs typed into the Key-value seed form apply at Run without a prompt', async () => {
  const context = await newContext(browser);
  const page = await openPlayground(context, '?example=kv-basics&preview=off');
  await page.locator('details#kv-seed summary').click();
  await page.getByLabel('Key-value seed').fill('typed=yes');
  await run(page, 'Running');
  assert.equal(await linkSeedPrompt(page).count(), 0);
  assert.equal((await kvEntries(page)).typed, 'yes');
  await context.close();
});
