/**
 * What a hostile app or link can try against the playground page itself: a response too large to
 * keep in the request console, and a JS source (a v2 share link carries one) whose top-level code
 * never finishes: the in-page build must stop and the last good build keep serving.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from '../support/chromium.ts';
import { newContext, PG_URL } from '../support/playground.ts';
import { panel } from './ui-helpers.ts';

let browser: Browser;
before(async () => {
  browser = await launchChromium();
});
after(async () => {
  await browser?.close();
});

/** Replace the Source editor's text as a person would. */
async function typeSource(page: Page, text: string): Promise<void> {
  const editor = page.getByRole('region', { name: 'Source' }).locator('.monaco-editor');
  await editor.waitFor({ timeout: 60_000 });
  await editor.click();
  await page.keyboard.press('ControlOrMeta+A');
  await page.keyboard.press('Delete');
  await page.keyboard.insertText(text);
}

/** Builds in the page are slow on a loaded machine: wait up to 3 minutes for the status. */
async function waitForStatus(page: Page, expect: 'Running' | 'error'): Promise<void> {
  if (expect === 'Running')
    await page
      .getByRole('status')
      .filter({ hasText: /^Running$/ })
      .waitFor({ timeout: 180_000 });
  else await page.locator('#status.error').waitFor({ timeout: 180_000 });
}

async function run(page: Page, expect: 'Running' | 'error'): Promise<void> {
  await page.locator('#status').evaluate((el) => ((el.textContent = ''), el.classList.remove('error')));
  await page.getByRole('button', { name: 'Run' }).click();
  await waitForStatus(page, expect);
}

/** `sendFromConsole`, waiting up to 3 minutes for the answer (17 MiB from a guest on a busy machine). */
async function sendFromConsole(page: Page, path: string): Promise<{ status: string; body: string }> {
  const region = page.getByRole('region', { name: 'Request' });
  await region.getByLabel('Method').selectOption('GET');
  await region.getByLabel('Path').fill(path);
  const status = page.locator('#response-status');
  await status.evaluate((el) => (el.textContent = ''));
  await region.getByRole('button', { name: 'Send' }).click();
  await page.waitForFunction(() => /^\d{3}/.test(document.getElementById('response-status')?.textContent ?? ''), undefined, { timeout: 180_000 });
  return { status: (await status.textContent()) ?? '', body: (await page.locator('#response-body').textContent()) ?? '' };
}

const MiB = 1024 * 1024;
/** 17 MiB of text, one MiB over the console's cap, from a real component built in the page. */
const BIG =
  `addEventListener('fetch', (event) => event.respondWith(new Response('abcdefgh'.repeat(${(17 * MiB) / 8}), { headers: { ` +
  `'content-type': 'text/plain' } })));\n`;

test(
  'attack: a 17 MiB response keeps 16 MiB in the console and counts the rest; a source that loops at top level is stopped and the last build ' +
    'keeps answering',
  async () => {
    const context = await newContext(browser);
    const page = await context.newPage();
    await page.goto(`${PG_URL}/?preview=off`);
    await waitForStatus(page, 'Running');
    await page.getByRole('button', { name: 'New JS app' }).click();
    await page.waitForURL(/\?project=p-/);
    await waitForStatus(page, 'Running');
    // Writing 17 MiB can take longer than the 10 s request timeout on a busy machine.
    const project = page.url();
    await page.goto(`${project}&timeout=180000`);
    await waitForStatus(page, 'Running');
    await typeSource(page, BIG);
    await run(page, 'Running');
    const response = await sendFromConsole(page, '/');
    assert.match(response.status, /^200/);
    assert.equal(response.body.length, 16 * MiB, 'the console keeps exactly 16 MiB');
    assert.ok(response.body.startsWith('abcdefgh'));
    await panel(page, 'Request').getByText('17,825,792 bytes: showing the first 16 MiB, the rest was counted, not kept', { exact: true }).waitFor();

    // The same project with a 20 s build timeout instead of 30 s (opening it builds it again;
    // should that build be slow, the saved build serves, as it does after a stop).
    await page.goto(`${project}&timeout=180000&buildTimeout=20000`);
    await page
      .locator('#status')
      .filter({ hasText: /Running|keeps serving/ })
      .waitFor({ timeout: 180_000 });
    const stops = panel(page, 'Logs').getByText(/src\/index\.js: the build did not finish within 20 s and was stopped.*the last good build keeps serving/);
    const stopsBefore = await stops.count();
    // Top-level code that never finishes: Wizer runs it during the build.
    await typeSource(page, `let n = 0;\nfor (;;) n = (n + 1) | 0;\n${BIG}`);
    const started = Date.now();
    await run(page, 'error');
    const took = Date.now() - started;
    assert.ok(took >= 20_000, `stopped after the injected timeout, not before (${took} ms)`);
    assert.equal(await stops.count(), stopsBefore + 1);
    await page.getByRole('region', { name: 'Source' }).locator('.squiggly-error').first().waitFor({ timeout: 30_000 });
    assert.match((await page.locator('#status').textContent()) ?? '', /the last good build keeps serving/);
    const still = await sendFromConsole(page, '/');
    assert.ok(still.body.startsWith('abcdefgh'), 'the previous build still answers');

    // The stopped Worker is replaced: the next build works.
    await typeSource(page, `addEventListener('fetch', (event) => event.respondWith(new Response('after the stop')));\n`);
    await run(page, 'Running');
    assert.equal((await sendFromConsole(page, '/')).body, 'after the stop');
    await context.close();
  },
);
