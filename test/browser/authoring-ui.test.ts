/**
 * Authoring in the page, as a person does it: in the playground UI, pick "New JS app", type a handler that returns a
 * unique string and reads and writes key-value data, press Run, and get that string from the
 * preview. Also: a script error becomes a marker in the Source editor while the last good build
 * keeps serving, and "Export .wasm" downloads a component.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { unzipSync } from 'fflate';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from '../support/chromium.ts';
import { newContext, previewFrame, PG_URL, sendFromConsole, waitForStatus } from '../support/playground.ts';
import { screenshot } from './ui-helpers.ts';
import { readComponentWorld } from '../../src/engine/component-world.ts';

let browser: Browser;
before(async () => {
  browser = await launchChromium();
});
after(async () => {
  await browser?.close();
});

const handler = (marker: string) => `import { Store } from 'fermyon:spin/key-value@2.0.0';
const decoder = new TextDecoder();
addEventListener('fetch', (event) => event.respondWith(handle(event.request)));
function handle(request) {
  const store = Store.open('default');
  const seen = store.get('runs');
  const runs = seen === undefined ? 1 : Number(decoder.decode(seen)) + 1;
  store.set('runs', new TextEncoder().encode(String(runs)));
  return new Response('${marker} runs=' + runs, { headers: { 'content-type': 'text/plain' } });
}
`;

/** Replace the Source editor's text as a person would. */
async function typeSource(page: Page, text: string): Promise<void> {
  const editor = page.getByRole('region', { name: 'Source' }).locator('.monaco-editor');
  await editor.waitFor({ timeout: 60_000 });
  await editor.click();
  await page.keyboard.press('ControlOrMeta+A');
  await page.keyboard.press('Delete');
  await page.keyboard.insertText(text);
}

async function runAndWait(page: Page, expect: 'Running' | 'error'): Promise<void> {
  await page.locator('#status').evaluate((el) => {
    el.textContent = '';
    el.classList.remove('error');
  });
  await page.getByRole('button', { name: 'Run' }).click();
  await waitForStatus(page, expect);
}

test('New JS app: type a KV handler, Run, and the preview answers with its string', async () => {
  const context = await newContext(browser);
  const page = await context.newPage();
  await page.goto(`${PG_URL}/`);
  await waitForStatus(page, 'Running');
  await page.getByRole('button', { name: 'New JS app' }).click();
  await page.waitForURL(/\?project=p-/);
  // The starter builds and runs on open.
  await waitForStatus(page, 'Running');
  const sourceRegion = page.getByRole('region', { name: 'Source' });
  await sourceRegion.locator('.monaco-editor').waitFor({ timeout: 60_000 });
  await page
    .getByRole('region', { name: 'Logs' })
    .getByText(/firstResponse_ms=\d+/)
    .first()
    .waitFor({ timeout: 60_000 });
  const cold = await page.evaluate(() => (window as unknown as { spinPlayground: { authoring: unknown } }).spinPlayground.authoring);
  console.log(`authoring-ui first run on open: ${JSON.stringify(cold)}`);
  // spin.toml's component source is the built core, shown as a component in Files.
  await page
    .getByRole('region', { name: 'Files' })
    .getByText(/dist\/app\.wasm .* component/)
    .waitFor();

  const marker = `authored-${Date.now().toString(36)}`;
  await typeSource(page, handler(marker));
  await runAndWait(page, 'Running');
  const frame = await previewFrame(page);
  await frame.waitForFunction((m) => document.body?.textContent?.includes(m), marker, { timeout: 30_000 });
  const text = (await frame.locator('body').textContent()) ?? '';
  assert.match(text, new RegExp(`${marker} runs=\\d+`));
  // KV is read and written: the count goes up on the next request.
  const first = Number(/runs=(\d+)/.exec(text)![1]);
  const again = await sendFromConsole(page, 'GET', '/');
  assert.match(again.body, new RegExp(`${marker} runs=${first + 1}`));

  // The timings are in the Logs for the bench.
  const logs = page.getByRole('region', { name: 'Logs' });
  await logs
    .getByText(/built in the page in \d+ ms/)
    .last()
    .waitFor();
  await logs
    .getByText(/firstResponse_ms=\d+/)
    .last()
    .waitFor();
  const timings = await page.evaluate(() => (window as unknown as { spinPlayground: { authoring: unknown } }).spinPlayground.authoring);
  console.log(`authoring-ui timings: ${JSON.stringify(timings)}`);
  await screenshot(page, 'authoring-new-js-app');

  // A script error: a marker in the Source editor, the last good build keeps serving.
  await typeSource(page, `${handler(marker)}\nfunction broken( {\n`);
  await runAndWait(page, 'error');
  await sourceRegion.locator('.squiggly-error').first().waitFor({ timeout: 30_000 });
  assert.match((await page.getByRole('list', { name: 'Problems' }).textContent()) ?? '', /src\/index\.js line \d+, column \d+/);
  const still = await sendFromConsole(page, 'GET', '/');
  assert.match(still.body, new RegExp(marker));
  await screenshot(page, 'authoring-build-error');

  // Export .wasm: a component with the template world's HTTP export.
  const downloadPromise = page.waitForEvent('download', { timeout: 60_000 });
  await sourceRegion.getByRole('button', { name: 'Export .wasm' }).click();
  const download = await downloadPromise;
  const bytes = new Uint8Array(readFileSync(await download.path()));
  const world = readComponentWorld(bytes);
  assert.ok(
    world.exports.some((e) => e.startsWith('wasi:http/incoming-handler@0.2')),
    world.exports.join(', '),
  );
  assert.ok(world.imports.includes('fermyon:spin/key-value@2.0.0'));

  // Share: the link carries the source as the editor holds it (format v2), not the built core; a
  // bundle file is offered too. The error is fixed first, so the shared source builds.
  await typeSource(page, handler(marker));
  await runAndWait(page, 'Running');
  await page.getByRole('region', { name: 'Files' }).getByRole('button', { name: 'dist/app.wasm', exact: true }).click();
  await page.getByRole('button', { name: 'Share' }).click();
  const dialog = page.getByRole('dialog', { name: 'Share' });
  const link = await dialog.getByLabel('Share link').inputValue();
  assert.match(link, /#v2\./);
  const bundlePromise = page.waitForEvent('download', { timeout: 60_000 });
  await dialog.getByRole('button', { name: 'Download bundle file' }).click();
  const bundle = await bundlePromise;
  assert.match(bundle.suggestedFilename(), /-bundle\.zip$/);
  // It holds the source and the component as spin build makes it (not the page's core module).
  const entries = unzipSync(new Uint8Array(readFileSync(await bundle.path())));
  const wasmName = Object.keys(entries).find((n) => n.endsWith('dist/app.wasm'));
  assert.ok(wasmName && Object.keys(entries).some((n) => n.endsWith('src/index.js')), Object.keys(entries).join(', '));
  assert.ok(readComponentWorld(entries[wasmName]!).exports.some((e) => e.startsWith('wasi:http/incoming-handler@0.2')));
  await screenshot(page, 'authoring-share-bundle-file');
  await dialog.getByRole('button', { name: 'Close' }).click();
  const sharedRuns = Number(/runs=(\d+)/.exec((await sendFromConsole(page, 'GET', '/')).body)![1]) - 1;
  await context.close();

  // The link in a fresh browser: a new project that builds the shared source in the page and
  // answers as the sharer's did, with the shared key-value data and the selected file.
  const fresh = await newContext(browser);
  const reader = await fresh.newPage();
  await reader.setViewportSize({ width: 1440, height: 900 });
  // preview=off: the console's request is the only one, so the count is exact.
  await reader.goto(link.replace('/#', '/?preview=off#'));
  await waitForStatus(reader, 'Running');
  assert.match(reader.url(), /\?project=p-/);
  await reader
    .getByRole('region', { name: 'Logs' })
    .getByText(/built in the page in \d+ ms/)
    .first()
    .waitFor({ timeout: 60_000 });
  const answer = await sendFromConsole(reader, 'GET', '/');
  assert.match(answer.body, new RegExp(`${marker} runs=${sharedRuns + 1}$`));
  // Monaco takes over the Source textarea after the first response; a textarea's value is not in textContent.
  await reader.getByRole('region', { name: 'Source' }).locator('[data-editor="monaco"]').waitFor({ timeout: 60_000 });
  assert.ok((await reader.getByRole('region', { name: 'Source' }).textContent())?.includes(marker), 'the Source editor holds the shared source');
  const selected = reader.getByRole('region', { name: 'Files' }).locator('li[aria-current]');
  assert.equal(await selected.getAttribute('data-path'), 'dist/app.wasm');
  await screenshot(reader, 'authoring-shared-link-opened');
  await fresh.close();
});

test('New JS app: the first trace a newcomer sees has no error, since the starter declares the variable it reads', async () => {
  const context = await newContext(browser);
  const page = await context.newPage();
  await page.goto(`${PG_URL}/`);
  await waitForStatus(page, 'Running');
  await page.getByRole('button', { name: 'New JS app' }).click();
  await page.waitForURL(/\?project=p-/);
  await waitForStatus(page, 'Running');
  const trace = page.getByRole('region', { name: 'Trace' });
  const first = trace.getByRole('option').first();
  await first.filter({ hasText: /preview\s*GET\s*\/\s*→ 200/ }).waitFor({ timeout: 60_000 });
  await first.click();
  assert.equal(await first.evaluate((row) => row.classList.contains('has-error')), false, 'the first request is not marked as failed');
  const calls = await trace.getByRole('list', { name: 'Host calls' }).getByRole('listitem').allTextContents();
  assert.ok(
    calls.some((c) => /variables\.get\("greeting"\) → ok\("Hello"\)/.test(c)),
    calls.join('\n'),
  );
  assert.ok(
    calls.every((c) => !/→ (err|trap)/.test(c)),
    calls.join('\n'),
  );
  const preview = await previewFrame(page);
  assert.match((await preview.locator('body').textContent()) ?? '', /^Hello from Spin! GET \/, visit \d+/);
  await context.close();
});
