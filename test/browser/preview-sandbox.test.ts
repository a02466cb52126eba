/**
 * The preview frame is sandboxed (index.html): the app keeps its origin, service worker, storage,
 * scripts, forms and popups, but cannot navigate the playground's window. Against the production
 * build, in Chromium.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser } from 'playwright-core';
import { launchChromium } from '../support/chromium.ts';
import { PG_URL, newContext, openPlayground, previewFrame } from '../support/playground.ts';
import { servePagesApp, type PagesApp } from '../support/pages-app.ts';

const TARGET = `${PG_URL}/?example=kv-basics&hijacked=1`;

let browser: Browser;
let hostile: PagesApp;
before(async () => {
  browser = await launchChromium();
  hostile = await servePagesApp('hostile-top', {
    'index.html': `<!doctype html><title>hostile</title>
<button id="top" onclick="try { top.location.href = '${TARGET}'; } catch (e) { document.getElementById('out').textContent = 'blocked: ' + e.name; }">Go</button>
<button id="popup" onclick="window.open('about:blank', '_blank')">Popup</button>
<p id="out"></p>
<script>localStorage.setItem('seen', 'yes'); document.getElementById('out').dataset.storage = localStorage.getItem('seen');</script>`,
  });
});
after(async () => {
  await browser?.close();
  await hostile?.close();
});

test('attack: an app navigates the playground window (top.location) after a click; the sandbox stops it, and popups and storage still work', async () => {
  const context = await newContext(browser);
  const page = await openPlayground(context, `?app=${encodeURIComponent(hostile.manifestUrl)}`);
  const before = page.url();
  const frame = await previewFrame(page);
  // The app runs with its own origin and storage (allow-scripts, allow-same-origin).
  assert.equal(await frame.locator('#out').getAttribute('data-storage'), 'yes');
  assert.match(frame.url(), /^http:\/\/[a-z0-9-]+\.localhost:\d+\/$/);

  // A real click gives the frame user activation, which is all an unsandboxed cross-origin frame
  // needs to navigate the top window.
  await frame.locator('#top').click();
  const hijacked = await page.waitForURL(/hijacked/, { timeout: 3000 }).then(
    () => true,
    () => false,
  );
  assert.equal(hijacked, false, 'the playground window was not navigated');
  assert.equal(await frame.locator('#out').textContent(), 'blocked: SecurityError');
  assert.equal(page.url(), before);
  await page.getByRole('region', { name: 'Manifest' }).waitFor();

  // Popups are allowed (allow-popups); a popup inherits the sandbox, so it cannot navigate the
  // playground either.
  const [popup] = await Promise.all([context.waitForEvent('page'), frame.locator('#popup').click()]);
  const fromPopup = await popup.evaluate((target) => {
    try {
      (window.opener as Window).top!.location.href = target;
      return 'navigated';
    } catch (error) {
      return `blocked: ${(error as Error).name}`;
    }
  }, TARGET);
  assert.equal(fromPopup, 'blocked: SecurityError');
  assert.equal(
    await page.waitForURL(/hijacked/, { timeout: 2000 }).then(
      () => true,
      () => false,
    ),
    false,
  );
  await context.close();
});
