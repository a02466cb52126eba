/**
 * Editing `spin.toml` in the page: errors appear with line and column in the editor and the
 * page, the last good app keeps serving, and a fixed manifest runs.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser } from 'playwright-core';
import { launchChromium } from '../support/chromium.ts';
import { newContext, openPlayground, sendFromConsole, waitForStatus } from '../support/playground.ts';
import { replaceManifest } from './ui-helpers.ts';

let browser: Browser;
before(async () => {
  browser = await launchChromium();
});
after(async () => {
  await browser?.close();
});

const GOOD = `spin_manifest_version = 2

[application]
name = "kv-basics"

[[trigger.http]]
route = "/only/..."
component = "kv-basics"

[component.kv-basics]
source = "app.wasm"
key_value_stores = ["default"]
`;

test('a manifest error shows line and column in the page and in the editor, and the last good app keeps serving', async () => {
  const context = await newContext(browser);
  const page = await openPlayground(context);
  await replaceManifest(page, GOOD.replace('route = "/only/..."', 'route = "/only/..."\nrooute = "/x"'));
  await page.getByRole('button', { name: 'Run' }).click();
  await waitForStatus(page, 'error');
  const problems = (await page.getByRole('list', { name: 'Problems' }).textContent()) ?? '';
  assert.match(problems, /spin\.toml line 8, column 1: unknown field `rooute`/);
  await page.locator('.monaco-editor .squiggly-error').first().waitFor();
  // The previous version keeps serving.
  assert.match((await sendFromConsole(page, 'GET', '/')).status, /^200\b/);
  // The text typed is still there after the failed run.
  assert.match(await page.locator('.monaco-editor .view-lines').innerText(), /rooute/);
  await context.close();
});

test('Ctrl/Cmd+Enter runs an edited manifest, and routing follows it', async () => {
  const context = await newContext(browser);
  const page = await openPlayground(context);
  await replaceManifest(page, GOOD);
  await page.keyboard.press('ControlOrMeta+Enter');
  await page.getByRole('region', { name: 'Manifest' }).getByText('/only (wildcard)', { exact: false }).waitFor();
  await waitForStatus(page, 'Running');
  assert.match((await sendFromConsole(page, 'GET', '/')).status, /^404\b/);
  assert.match((await sendFromConsole(page, 'GET', '/only/thing')).status, /^200\b/);
  await context.close();
});
