/**
 * Small builders for browser tests: open the playground (served by `npm test` at PG_URL) and
 * find its parts by their accessible names.
 */
import type { Browser, BrowserContext, Frame, Page } from 'playwright-core';

export const PG_URL = process.env.PG_URL ?? 'http://localhost:4179';

/** Open the playground with a query string and wait until the app is running (or failed). */
export async function openPlayground(context: BrowserContext, query = '', expect: 'Running' | 'error' = 'Running'): Promise<Page> {
  const page = await context.newPage();
  await page.setViewportSize({ width: 1440, height: 900 });
  await page.goto(`${PG_URL}/${query}`);
  await waitForStatus(page, expect);
  return page;
}

export async function waitForStatus(page: Page, expect: 'Running' | 'error'): Promise<void> {
  const status = page.getByRole('status');
  if (expect === 'Running') {
    await status.filter({ hasText: /^Running$/ }).waitFor({ timeout: 60_000 });
  } else {
    await page.locator('#status.error').waitFor({ timeout: 60_000 });
  }
}

/** The preview frame, once its document (from the service worker) has loaded. */
export async function previewFrame(page: Page): Promise<Frame> {
  const handle = await page.waitForSelector('iframe[name="preview"]');
  const frame = await handle.contentFrame();
  if (!frame) throw new Error('preview frame has no content');
  // The frame starts as about:blank; wait for the app's own document, not that one, and for it to
  // be the one that stays (an evaluate during a navigation fails with a destroyed context).
  await frame.waitForURL(/^https?:/, { timeout: 60_000 });
  await frame.waitForLoadState('load');
  await frame.waitForFunction(() => document.readyState === 'complete');
  return frame;
}

/** Send a request through the "Request" console and read what it shows. */
export async function sendFromConsole(page: Page, method: string, path: string, body = ''): Promise<{ status: string; headers: string; body: string }> {
  const region = page.getByRole('region', { name: 'Request' });
  await region.getByLabel('Method').selectOption(method);
  await region.getByLabel('Path').fill(path);
  await region.getByLabel('Body', { exact: true }).fill(body);
  const status = page.locator('#response-status');
  await status.evaluate((el) => (el.textContent = ''));
  await region.getByRole('button', { name: 'Send' }).click();
  await page.waitForFunction(() => /^\d{3}/.test(document.getElementById('response-status')?.textContent ?? ''));
  return {
    status: (await status.textContent()) ?? '',
    headers: (await page.locator('#response-headers').textContent()) ?? '',
    body: (await page.locator('#response-body').textContent()) ?? '',
  };
}

export async function newContext(browser: Browser): Promise<BrowserContext> {
  return browser.newContext({ viewport: { width: 1440, height: 900 } });
}
