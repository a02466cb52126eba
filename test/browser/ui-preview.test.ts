/**
 * The "Preview": an address bar for the app path with back, forward and reload; in-app
 * navigations followed; the path kept in the playground's URL so a reload or a deep link returns
 * to it; "Open in a new tab" pointing at the same path.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from '../support/chromium.ts';
import { PG_URL, newContext, openPlayground, previewFrame, waitForStatus } from '../support/playground.ts';
import { panel } from './ui-helpers.ts';

let browser: Browser;
before(async () => {
  browser = await launchChromium();
});
after(async () => {
  await browser?.close();
});

const address = (page: Page) => panel(page, 'Preview').getByLabel('Address');
const framePath = async (page: Page) => new URL((await previewFrame(page)).url()).pathname;

test('the address bar, back, forward and reload drive the preview, and in-app links update it', async () => {
  const context = await newContext(browser);
  const page = await openPlayground(context, '?example=guestbook');
  const preview = panel(page, 'Preview');
  await previewFrame(page);
  assert.equal(await address(page).inputValue(), '/');
  assert.equal(await preview.getByRole('button', { name: 'Back' }).isDisabled(), true);

  await address(page).fill('/about');
  await address(page).press('Enter');
  await page.waitForURL(/[?&]path=%2Fabout/);
  assert.equal(await framePath(page), '/about');
  assert.match((await preview.getByRole('link', { name: 'Open in a new tab' }).getAttribute('href')) ?? '', /^http:\/\/ex-guestbook\.localhost:\d+\/about$/);

  // A link inside the app: the address bar follows it.
  const frame = await previewFrame(page);
  await Promise.all([frame.waitForURL(/\/$/), frame.locator('a[href="/"]').first().click()]);
  await page.waitForFunction(() => (document.querySelector('[aria-label="Address"]') as HTMLInputElement).value === '/');
  assert.doesNotMatch(page.url(), /path=/);

  await preview.getByRole('button', { name: 'Back' }).click();
  await (await previewFrame(page)).waitForURL(/\/about$/);
  assert.equal(await address(page).inputValue(), '/about');
  await preview.getByRole('button', { name: 'Forward' }).click();
  await (await previewFrame(page)).waitForURL(/\/$/);
  assert.equal(await address(page).inputValue(), '/');

  // Reload asks the app again.
  const before = await panel(page, 'Trace').getByRole('option', { name: /preview GET \/ →/ }).count();
  await preview.getByRole('button', { name: 'Reload' }).click();
  await page.waitForFunction((n) => document.querySelectorAll('[aria-label="Requests"] [role="option"]').length > n, before);
  await context.close();
});

test('a deep link with &path= opens the preview at that path, and so does a reload', async () => {
  const context = await newContext(browser);
  const page = await context.newPage();
  await page.setViewportSize({ width: 1440, height: 900 });
  await page.goto(`${PG_URL}/?example=guestbook&path=${encodeURIComponent('/about')}`);
  await waitForStatus(page, 'Running');
  assert.equal(await framePath(page), '/about');
  assert.equal(await address(page).inputValue(), '/about');
  await page.reload();
  await waitForStatus(page, 'Running');
  assert.equal(await framePath(page), '/about');
  await openPlayground(context, '?example=guestbook');
  await context.close();
});
