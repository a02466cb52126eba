/**
 * The default layout: every panel is a region landmark, all visible at once at 1440×900, and
 * still at 1280×800 and 1920×1080, in the light and the dark theme (which follow the system).
 * Split panes resize with the keyboard and remember their size. Screenshots of each are saved.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser } from 'playwright-core';
import { launchChromium } from '../support/chromium.ts';
import { PG_URL, previewFrame, waitForStatus } from '../support/playground.ts';
import { panel, screenshot } from './ui-helpers.ts';

const PANELS = ['Manifest', 'Files', 'Request', 'Trace', 'Logs', 'Preview', 'Key-value explorer'] as const;

let browser: Browser;
before(async () => {
  browser = await launchChromium();
});
after(async () => {
  await browser?.close();
});

for (const [width, height] of [
  [1440, 900],
  [1280, 800],
  [1920, 1080],
] as const) {
  for (const scheme of ['light', 'dark'] as const) {
    test(`${width}×${height}, ${scheme}: every panel is visible at once`, async () => {
      const context = await browser.newContext({ viewport: { width, height }, colorScheme: scheme });
      const page = await context.newPage();
      await page.goto(`${PG_URL}/`);
      await waitForStatus(page, 'Running');
      await previewFrame(page);
      await page.locator('.monaco-editor').waitFor();
      for (const name of PANELS) {
        const box = await panel(page, name).boundingBox();
        assert.ok(box, `${name} is on the page`);
        assert.ok(box.width > 200 && box.height > 100, `${name} is usable: ${box.width}×${box.height}`);
        assert.ok(box.x >= 0 && box.y >= 0 && box.x + box.width <= width && box.y + box.height <= height, `${name} is inside the ${width}×${height} window`);
      }
      const background = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
      const [r = 0, g = 0, b = 0] = (background.match(/\d+/g) ?? []).map(Number);
      assert.equal(r + g + b < 128 * 3, scheme === 'dark', `background ${background} in the ${scheme} theme`);
      await page
        .getByRole('region', { name: 'Trace' })
        .getByRole('option', { name: /preview GET \/ → 200/ })
        .waitFor();
      await screenshot(page, `default-${width}x${height}-${scheme}`);
      await context.close();
    });
  }
}

test('split panes resize with the keyboard and keep their size after a reload', async () => {
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  const page = await context.newPage();
  await page.goto(`${PG_URL}/?preview=off`);
  await waitForStatus(page, 'Running');
  const heightOf = async () => (await panel(page, 'Request').boundingBox())!.height;
  const before = await heightOf();
  const separator = page.getByRole('separator', { name: 'Resize Request and Trace' });
  await separator.focus();
  for (let i = 0; i < 4; i++) await page.keyboard.press('ArrowDown');
  const grown = await heightOf();
  assert.ok(grown > before + 60, `Request grew from ${before} to ${grown}`);
  await page.reload();
  await waitForStatus(page, 'Running');
  assert.ok(Math.abs((await heightOf()) - grown) < 2, 'the size is remembered');
  await page.getByRole('separator', { name: 'Resize Request and Trace' }).press('Home');
  assert.ok(Math.abs((await heightOf()) - before) < 2, 'Home restores the default');
  await context.close();
});

test('long work shows progress: bytes downloaded, then the transpile-and-compile phase', async () => {
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  const page = await context.newPage();
  // Record every text the progress label shows, from the first script on.
  await page.addInitScript(() => {
    const seen: string[] = [];
    (window as unknown as { progressSeen: string[] }).progressSeen = seen;
    new MutationObserver(() => {
      const text = document.querySelector('.progress-label')?.textContent;
      if (text && seen.at(-1) !== text) seen.push(text);
    }).observe(document, { subtree: true, childList: true, characterData: true });
  });
  await page.goto(`${PG_URL}/?preview=off`);
  await waitForStatus(page, 'Running');
  const seen = await page.evaluate(() => (window as unknown as { progressSeen: string[] }).progressSeen);
  assert.ok(
    seen.some((t) => /^Downloading \d+ files?: [\d.]+ (B|KiB|MiB) of [\d.]+ (KiB|MiB)$/.test(t)),
    seen.join('\n'),
  );
  assert.ok(
    seen.some((t) => /^Transpiling and compiling components… \d+\.\d s$/.test(t)),
    seen.join('\n'),
  );
  assert.equal(await page.locator('.progress').isHidden(), true, 'hidden once done');
  await context.close();
});
