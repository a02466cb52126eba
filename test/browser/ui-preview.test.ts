/**
 * The "Preview": an address bar for the app path with back, forward and reload; in-app
 * navigations followed; the path kept in the playground's URL so a reload or a deep link returns
 * to it; "Open in a new tab": the app filling a tab on the UI origin, with the same engine and data.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from '../support/chromium.ts';
import { PG_URL, newContext, openPlayground, previewFrame, waitForStatus } from '../support/playground.ts';
import { panel, screenshot } from './ui-helpers.ts';

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
  // "Open in a new tab" is the playground's own full-window preview page (UI origin), at this path.
  const tabHref = new URL((await preview.getByRole('link', { name: 'Open in a new tab' }).getAttribute('href')) ?? '', page.url());
  assert.equal(tabHref.origin, new URL(page.url()).origin);
  assert.deepEqual(Object.fromEntries(tabHref.searchParams), { example: 'guestbook', view: 'preview', path: '/about' });

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
  const before = await panel(page, 'Trace')
    .getByRole('option', { name: /preview GET \/ →/ })
    .count();
  await preview.getByRole('button', { name: 'Reload' }).click();
  await page.waitForFunction((n) => document.querySelectorAll('[aria-label="Requests"] [role="option"]').length > n, before);
  await context.close();
});

test('Open in a new tab: the app fills a tab with the same data, and keeps working when the playground tab closes', async () => {
  const context = await newContext(browser);
  const page = await openPlayground(context, '?example=guestbook');
  const marker = `tab-${Date.now().toString(36)}`;
  // Sign the guestbook in the playground's preview.
  const frame = await previewFrame(page);
  await frame.locator('input[name="name"]').fill(marker);
  await frame.locator('textarea[name="message"]').fill('written in the playground tab');
  await Promise.all([frame.waitForURL(/\/$/), frame.getByRole('button', { name: 'Sign' }).click()]);
  await frame.getByText(marker).first().waitFor();

  const [tab] = await Promise.all([context.waitForEvent('page'), panel(page, 'Preview').getByRole('link', { name: 'Open in a new tab' }).click()]);
  await tab.waitForLoadState();
  assert.equal(new URL(tab.url()).origin, new URL(page.url()).origin, 'the tab is on the UI origin');
  assert.equal(new URL(tab.url()).searchParams.get('view'), 'preview');
  // The app fills the tab: only the Preview, with an "Open in playground" link.
  await waitForStatus(tab, 'Running');
  assert.equal(await tab.getByRole('region', { name: 'Request' }).isVisible(), false);
  assert.equal(await tab.getByRole('region', { name: 'Manifest' }).isVisible(), false);
  await tab.getByRole('link', { name: 'Open in playground' }).waitFor();
  const tabFrame = await previewFrame(tab);
  assert.match(tabFrame.url(), /^http:\/\/ex-guestbook\.localhost:\d+\/$/);
  // Same engine and data: the entry signed in the playground tab is there, and no
  // "open it from the playground page" text (what a bare preview-origin tab shows).
  await tabFrame.getByText(marker).first().waitFor();
  assert.doesNotMatch((await tabFrame.locator('body').textContent()) ?? '', /belongs to a Spin app/);
  const box = await tab.locator('iframe[name="preview"]').boundingBox();
  assert.ok(box && box.width > 1200 && box.height > 600, `the preview fills the tab: ${JSON.stringify(box)}`);
  await screenshot(tab, 'preview-new-tab');

  // The playground tab closes: the new tab's runner takes the engine over, and the app keeps
  // its data and answers new writes.
  await page.close();
  const second = `${marker}-after`;
  await tabFrame.locator('input[name="name"]').fill(second);
  await tabFrame.locator('textarea[name="message"]').fill('written after the playground tab closed');
  await Promise.all([tabFrame.waitForURL(/\/$/), tabFrame.getByRole('button', { name: 'Sign' }).click()]);
  await tabFrame.getByText(second).first().waitFor({ timeout: 30_000 });
  await tabFrame.getByText(marker, { exact: true }).first().waitFor();
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
