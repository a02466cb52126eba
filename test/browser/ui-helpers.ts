/**
 * Builders shared by the UI panel tests (ui-*.test.ts): panels by their accessible names, and
 * screenshots of the main states saved as test artifacts under test-results/screenshots/.
 */
import { mkdirSync } from 'node:fs';
import type { Locator, Page } from 'playwright-core';

const SCREENSHOTS = new URL('../../test-results/screenshots/', import.meta.url).pathname;

export const panel = (page: Page, name: 'Manifest' | 'Files' | 'Request' | 'Trace' | 'Logs' | 'Preview' | 'Key-value explorer'): Locator =>
  page.getByRole('region', { name });

type KvHook = { spinPlayground: { engine: { kv(op: unknown): Promise<{ op: string; entries?: Array<[string, ArrayBuffer]> }> } } };

/** Every entry of the project's `default` store, as text, read through the page's engine client. */
export async function kvEntries(page: Page): Promise<Record<string, string>> {
  return page.evaluate(async () => {
    const result = await (window as unknown as KvHook).spinPlayground.engine.kv({ op: 'export', store: 'default' });
    return Object.fromEntries((result.entries ?? []).map(([k, v]) => [k, new TextDecoder().decode(v)]));
  });
}

/** Set one `default`-store key to a text value, as the key-value explorer does. */
export async function setKv(page: Page, key: string, value: string): Promise<void> {
  await page.evaluate(
    async ([k, v]) => {
      await (window as unknown as KvHook).spinPlayground.engine.kv({ op: 'set', store: 'default', key: k, value: new TextEncoder().encode(v).buffer });
    },
    [key, value] as const,
  );
}

/** Save a full-page screenshot as test-results/screenshots/<name>.png. */
export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  const path = `${SCREENSHOTS}${name}.png`;
  await page.screenshot({ path });
  return path;
}

/**
 * The Manifest panel's text once Monaco shows the manifest. Monaco loads after the app's first
 * response; until then a textarea holds the text, and a textarea's value is not in textContent.
 */
export async function manifestPanelText(page: Page): Promise<string> {
  await page.locator('#editor[data-editor="monaco"]').waitFor({ timeout: 60_000 });
  return (await panel(page, 'Manifest').textContent()) ?? '';
}

/** Replace the editor's text the way a person would: select all, then type (paste-like). */
export async function replaceManifest(page: Page, text: string): Promise<void> {
  const editor = page.locator('.monaco-editor');
  await editor.waitFor();
  await editor.click();
  await page.keyboard.press('ControlOrMeta+A');
  await page.keyboard.press('Delete');
  await page.keyboard.insertText(text);
}

export const KV_BASICS_MANIFEST = `spin_manifest_version = 2

[application]
name = "kv-basics"

[[trigger.http]]
route = "/..."
component = "kv-basics"

[component.kv-basics]
source = "app.wasm"
key_value_stores = ["default"]
`;

/** Press Run and wait until this run has finished (the status is set again). */
export async function runManifest(page: Page, expect: 'Running' | 'error' = 'Running'): Promise<void> {
  await page.locator('#status').evaluate((el) => {
    el.textContent = '';
    el.classList.remove('error');
  });
  await page.getByRole('button', { name: 'Run' }).click();
  if (expect === 'Running')
    await page
      .getByRole('status')
      .filter({ hasText: /^Running$/ })
      .waitFor({ timeout: 60_000 });
  else await page.locator('#status.error').waitFor({ timeout: 60_000 });
}
