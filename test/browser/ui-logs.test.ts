/**
 * The "Logs" panel: load errors stand out, and engine restarts are logged; the app answers again
 * after a restart.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser } from 'playwright-core';
import { launchChromium } from '../support/chromium.ts';
import { newContext, openPlayground, sendFromConsole } from '../support/playground.ts';
import { panel } from './ui-helpers.ts';

let browser: Browser;
before(async () => {
  browser = await launchChromium();
});
after(async () => {
  await browser?.close();
});

test('an app that cannot be fetched is a load error in the log', async () => {
  const context = await newContext(browser);
  const page = await openPlayground(context, `?app=${encodeURIComponent('http://127.0.0.1:9/nowhere/spin.toml')}`, 'error');
  const line = panel(page, 'Logs').locator('li.load-error').first();
  await line.waitFor();
  assert.match((await line.textContent()) ?? '', /load error could not fetch http:\/\/127\.0\.0\.1:9\/nowhere\/spin\.toml/);
  await context.close();
});

test('"Restart engine" replaces the engine, the log says so, and the app answers again', async () => {
  const context = await newContext(browser);
  const page = await openPlayground(context, '?preview=off');
  const logs = panel(page, 'Logs');
  await logs.getByRole('button', { name: 'Restart engine' }).click();
  await logs
    .locator('li.restart')
    .filter({ hasText: /restarted in \d+/ })
    .first()
    .waitFor({ timeout: 60_000 });
  assert.match((await sendFromConsole(page, 'GET', '/')).status, /^200\b/);
  await context.close();
});
