/**
 * The setup most browser test files share: one Chromium for the file, and the built fixture apps
 * (test/fixtures/dist/apps/) served over HTTP so the playground can open them with `?app=`.
 */
import { after, before } from 'node:test';
import type { Browser } from 'playwright-core';
import { launchChromium } from './chromium.ts';
import { serveStatic, type StaticServer } from './static-server.ts';

/** Registers the file's before/after hooks; `ready` receives the browser and the app server. */
export function withChromiumAndFixtureApps(ready: (browser: Browser, apps: StaticServer) => void): void {
  let browser: Browser | undefined;
  let apps: StaticServer | undefined;
  before(async () => {
    browser = await launchChromium();
    apps = await serveStatic(new URL('../fixtures/dist/apps/', import.meta.url).pathname);
    ready(browser, apps);
  });
  after(async () => {
    await browser?.close();
    await apps?.close();
  });
}

/** The playground query that opens fixture app `app` (its spin.toml on `apps`), plus `extra`. */
export const fixtureAppQuery = (apps: StaticServer, app: string, extra = '') => `?app=${encodeURIComponent(`${apps.url}/${app}/spin.toml`)}${extra}`;
