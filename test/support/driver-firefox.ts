/**
 * The cross-browser driver for Firefox: puppeteer-core over WebDriver BiDi, launching the system
 * Firefox (FIREFOX_PATH, found or installed by `npm test`). Puppeteer has no download events over
 * BiDi, so downloads go to a folder of our own set by Firefox preferences, and are read from there.
 */
import { mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import puppeteer, { type BrowserContext, type ElementHandle, type Frame, type Page } from 'puppeteer-core';
import { findByRole, pageExpression, waitUntil, type BrowserDriver, type PageFunction, type Profile, type Role, type Tab } from './browser-driver.ts';

export async function firefoxDriver(executablePath: string): Promise<BrowserDriver> {
  const downloads = mkdtempSync(join(tmpdir(), 'pg-firefox-downloads-'));
  const browser = await puppeteer.launch({
    browser: 'firefox',
    executablePath,
    headless: true,
    extraPrefsFirefox: {
      'browser.download.dir': downloads,
      'browser.download.folderList': 2,
      'browser.download.useDownloadDir': true,
      'browser.download.always_ask_before_handling_new_types': false,
    },
  });
  const version = (await browser.version()).replace(/^firefox\//i, '');
  return {
    engine: 'firefox',
    version: `Firefox ${version}`,
    newProfile: async () => profile(await browser.createBrowserContext(), downloads),
    close: () => browser.close(),
  };
}

function profile(context: BrowserContext, downloads: string): Profile {
  // A person uses the tab in front. Firefox throttles background tabs (their UI repaints and
  // timers wait), so each call first brings its tab to the front, as a click on it would.
  const front = { page: undefined as Page | undefined };
  return {
    async newTab() {
      const page = await context.newPage();
      front.page = page;
      await page.setViewport({ width: 1440, height: 900 });
      return tab(page, downloads, front);
    },
    close: () => context.close(),
  };
}

async function frameAt(page: Page, frames: string[]): Promise<Frame> {
  let frame = page.mainFrame();
  for (const selector of frames) {
    // Puppeteer reads ` >>> ` itself (its deep combinator).
    const handle = (await frame.waitForSelector(selector)) as ElementHandle<HTMLIFrameElement> | null;
    const next = await handle?.contentFrame();
    if (!next) throw new Error(`${selector} has no content`);
    frame = next;
  }
  return frame;
}

function tab(page: Page, downloads: string, front: { page: Page | undefined }): Tab {
  const toFront = async () => {
    if (front.page === page) return;
    await page.bringToFront();
    front.page = page;
  };
  const element = async (role: Role, name: string) => {
    const handle = await page.evaluateHandle(pageExpression(findByRole, { role, name }));
    const found = handle.asElement() as ElementHandle<Element> | null;
    if (!found) throw new Error(`no visible ${role} named "${name}"`);
    return found;
  };
  return {
    goto: async (url) => {
      await toFront();
      await page.goto(url);
    },
    reload: async () => {
      await toFront();
      await page.reload();
    },
    url: async () => page.url(),
    evaluate: async <A, R>(fn: PageFunction<A, R>, arg: A) => {
      await toFront();
      return page.evaluate(pageExpression(fn, arg)) as Promise<R>;
    },
    evaluateInFrame: async <A, R>(frames: string[], fn: PageFunction<A, R>, arg: A) => {
      await toFront();
      return (await frameAt(page, frames)).evaluate(pageExpression(fn, arg)) as Promise<R>;
    },
    click: async (role, name) => {
      await toFront();
      await (await element(role, name)).click();
    },
    async download(role, name) {
      await toFront();
      const before = new Set(readdirSync(downloads));
      await (await element(role, name)).click();
      // Firefox writes `<name>.part` and renames it when the download is complete.
      const file = await waitUntil('the download to complete', async () =>
        readdirSync(downloads).find((f) => !before.has(f) && !f.endsWith('.part') && statSync(join(downloads, f)).size > 0),
      );
      return { name: file, bytes: new Uint8Array(readFileSync(join(downloads, file))) };
    },
    close: async () => {
      if (front.page === page) front.page = undefined;
      await page.close();
    },
  };
}
