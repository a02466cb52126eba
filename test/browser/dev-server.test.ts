/** The README's start command: `npm run dev` (Vite's dev server) serves the default app. */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Browser } from 'playwright-core';
import { launchChromium } from '../support/chromium.ts';
import { previewFrame } from '../support/playground.ts';

const PORT = 5199;
let browser: Browser;
let dev: ChildProcess;

before(async () => {
  const root = new URL('../..', import.meta.url).pathname;
  dev = spawn(process.execPath, ['node_modules/vite/bin/vite.js', '--port', String(PORT), '--strictPort'], { cwd: root, stdio: 'ignore' });
  for (let i = 0; i < 100; i++) {
    try {
      if ((await fetch(`http://127.0.0.1:${PORT}/`)).ok) break;
    } catch {}
    await sleep(100);
  }
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  dev?.kill();
});

test('the dev server serves the playground at / with kv-basics answering in the preview', async () => {
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  const page = await context.newPage();
  await page.goto(`http://localhost:${PORT}/`);
  await page
    .getByRole('status')
    .filter({ hasText: /^Running$/ })
    .waitFor({ timeout: 90_000 });
  const preview = await previewFrame(page);
  assert.match((await preview.evaluate(() => document.body.textContent)) ?? '', /^set test-key = test-value\n/);
  await context.close();
});
