/** The cross-browser driver over playwright-core and the system Chromium (see browser-driver.ts). */
import type { BrowserContext, Frame, Page } from 'playwright-core';
import { pageExpression, type BrowserDriver, type PageFunction, type Profile, type Role, type Tab } from './browser-driver.ts';
import { launchChromium } from './chromium.ts';

export async function chromiumDriver(): Promise<BrowserDriver> {
  const browser = await launchChromium();
  return {
    engine: 'chromium',
    version: `Chromium ${browser.version()}`,
    async newProfile() {
      return profile(await browser.newContext({ viewport: { width: 1440, height: 900 } }));
    },
    close: () => browser.close(),
  };
}

function profile(context: BrowserContext): Profile {
  return {
    newTab: async () => tab(await context.newPage()),
    close: () => context.close(),
  };
}

async function frameAt(page: Page, frames: string[]): Promise<Frame> {
  let frame = page.mainFrame();
  for (const selector of frames) {
    // Playwright's CSS already pierces open shadow roots; the runner frame is hidden, so only attached.
    const next = await (await frame.waitForSelector(selector.replaceAll(' >>> ', ' '), { state: 'attached' })).contentFrame();
    if (!next) throw new Error(`${selector} has no content`);
    frame = next;
  }
  return frame;
}

function tab(page: Page): Tab {
  const locate = (role: Role, name: string) => page.getByRole(role, { name, exact: true }).filter({ visible: true });
  return {
    goto: async (url) => void (await page.goto(url)),
    reload: async () => void (await page.reload()),
    url: async () => page.url(),
    evaluate: <A, R>(fn: PageFunction<A, R>, arg: A) => page.evaluate(pageExpression(fn, arg)) as Promise<R>,
    evaluateInFrame: async <A, R>(frames: string[], fn: PageFunction<A, R>, arg: A) =>
      (await frameAt(page, frames)).evaluate(pageExpression(fn, arg)) as Promise<R>,
    click: (role, name) => locate(role, name).click(),
    async download(role, name) {
      const [download] = await Promise.all([page.waitForEvent('download'), locate(role, name).click()]);
      const path = await download.path();
      const { readFile } = await import('node:fs/promises');
      return { name: download.suggestedFilename(), bytes: new Uint8Array(await readFile(path)) };
    },
    close: () => page.close(),
  };
}
