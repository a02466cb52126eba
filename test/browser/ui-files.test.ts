/**
 * The "Files" panel: the manifest, each component with its world (imports marked supported or
 * not, exports), and the other files; adding an app as a .zip, as a folder or as single files
 * through the picker; removing added files. The added app is what runs, and it is kept.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { zipSync, strToU8 } from 'fflate';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from '../support/chromium.ts';
import { newContext, openPlayground, sendFromConsole, waitForStatus } from '../support/playground.ts';
import { manifestPanelText, panel, screenshot } from './ui-helpers.ts';

const APPS = new URL('../fixtures/dist/apps/', import.meta.url).pathname;
let browser: Browser;
before(async () => {
  browser = await launchChromium();
});
after(async () => {
  await browser?.close();
});

const files = (page: Page) => panel(page, 'Files');
/** Set the status aside so the next "Running" or error is the one this step caused. */
const clearStatus = (page: Page) => page.locator('#status').evaluate((el) => ((el.textContent = ''), el.classList.remove('error')));

test('the default app lists spin.toml and its component with its world, every import supported', async () => {
  const context = await newContext(browser);
  const page = await openPlayground(context, '?preview=off');
  const list = files(page).getByRole('list', { name: 'App files' });
  await list.getByRole('button', { name: 'spin.toml' }).waitFor();
  const component = list.getByRole('listitem', { name: 'Component kv-basics' });
  assert.match((await component.textContent()) ?? '', /kv-basics app\.wasm [\d.]+ MiB · component/);
  await component.getByText(/^World: \d+ imports, 1 export$/).click();
  const imports = component.getByRole('list', { name: 'Imports of kv-basics' }).getByRole('listitem');
  const names = await imports.allTextContents();
  assert.ok(
    names.some((n) => n.includes('fermyon:spin/key-value@2.0.0')),
    names.join('\n'),
  );
  assert.equal(await component.getByRole('list', { name: 'Imports of kv-basics' }).getByLabel('unsupported').count(), 0);
  assert.match((await component.getByRole('list', { name: 'Exports of kv-basics' }).textContent()) ?? '', /wasi:http\/incoming-handler@0\.2\.\d+/);
  await context.close();
});

test('a .zip with spin.toml becomes the app, its files are listed and kept, and added files can be removed', async () => {
  const context = await newContext(browser);
  const page = await openPlayground(context, '?preview=off');
  const zip = zipSync({
    'my-app/spin.toml': readFileSync(`${APPS}kv-tiny/spin.toml`),
    'my-app/kv-tiny.wasm': readFileSync(`${APPS}kv-tiny/kv-tiny.wasm`),
    'my-app/static/hello.txt': strToU8('hello'),
  });
  await clearStatus(page);
  await files(page)
    .getByLabel('Add files')
    .setInputFiles({ name: 'my-app.zip', mimeType: 'application/zip', buffer: Buffer.from(zip) });
  await waitForStatus(page, 'Running');
  assert.match((await files(page).locator('.drop-hint').textContent()) ?? '', /^Added 2 files and spin\.toml\./);
  assert.match(await manifestPanelText(page), /name\s=\s"kv-tiny"/);
  assert.equal((await sendFromConsole(page, 'GET', '/')).body, 'x');
  const list = files(page).getByRole('list', { name: 'App files' });
  await list.getByRole('listitem', { name: 'Component kv-tiny' }).waitFor();
  await list.getByText('static/hello.txt').waitFor();
  // The added app is the project's draft: a reload opens it again.
  await page.reload();
  await waitForStatus(page, 'Running');
  assert.equal((await sendFromConsole(page, 'GET', '/')).body, 'xx');
  await files(page).getByRole('button', { name: 'Remove static/hello.txt' }).click();
  await files(page).getByText('static/hello.txt').waitFor({ state: 'detached' });
  await context.close();
});

test('attack: an app zip over the entry cap is refused and not unzipped again another way; the app keeps running', async () => {
  // Before the fix any import refusal, "too big" included, fell back to a second unzip with no
  // caps, which added all 20,001 files.
  const context = await newContext(browser);
  const page = await openPlayground(context, '?preview=off');
  await waitForStatus(page, 'Running');
  const manifestBefore = await manifestPanelText(page);
  const entries: Record<string, Uint8Array> = { 'my-app/spin.toml': readFileSync(`${APPS}kv-tiny/spin.toml`) };
  for (let i = 0; i < 20_000; i++) entries[`my-app/f/${i}.txt`] = new Uint8Array(0);
  await files(page)
    .getByLabel('Add files')
    .setInputFiles({ name: 'many.zip', mimeType: 'application/zip', buffer: Buffer.from(zipSync(entries)) });
  await files(page).locator('.drop-hint', { hasText: 'Not imported' }).waitFor({ timeout: 30_000 });
  assert.equal(
    await files(page).locator('.drop-hint').textContent(),
    'Not imported: many.zip: the zip expands to more than 512 MiB or holds more than 20000 entries, the caps for a zip.',
  );
  await panel(page, 'Logs').getByText('not imported: many.zip: the zip expands to more than 512 MiB').waitFor();
  assert.equal(await files(page).getByRole('list', { name: 'App files' }).getByText('f/0.txt').count(), 0);
  assert.equal(await manifestPanelText(page), manifestBefore);
  assert.match((await sendFromConsole(page, 'GET', '/')).status, /^200/);
  await context.close();
});

test('an app folder with an unsupported import: the import is marked, named in Problems and in Logs', async () => {
  const context = await newContext(browser);
  const page = await openPlayground(context, '?preview=off');
  await clearStatus(page);
  await files(page).getByLabel('Add folder').setInputFiles(`${APPS}unknown-import`);
  await waitForStatus(page, 'error');
  const problems = (await page.getByRole('list', { name: 'Problems' }).textContent()) ?? '';
  assert.match(problems, /imports acme:widgets\/frob@1\.0\.0/);
  const component = files(page).getByRole('listitem', { name: 'Component unknown-import' });
  const unsupported = component
    .getByRole('list', { name: 'Imports of unknown-import' })
    .getByRole('listitem')
    .filter({ has: page.getByLabel('unsupported') });
  assert.match((await unsupported.textContent()) ?? '', /acme:widgets\/frob@1\.0\.0/);
  await panel(page, 'Logs')
    .locator('li.load-error')
    .filter({ hasText: /acme:widgets\/frob@1\.0\.0/ })
    .waitFor();
  await screenshot(page, 'error');
  await context.close();
});

test('a lone .wasm replaces the component whose source has its name', async () => {
  const context = await newContext(browser);
  const page = await openPlayground(context, '?preview=off');
  await clearStatus(page);
  // kv-tiny's bytes under the name the default app's manifest uses.
  await files(page)
    .getByLabel('Add files')
    .setInputFiles({ name: 'app.wasm', mimeType: 'application/wasm', buffer: readFileSync(`${APPS}kv-tiny/kv-tiny.wasm`) });
  await waitForStatus(page, 'Running');
  assert.equal((await sendFromConsole(page, 'GET', '/')).body, 'x');
  const component = files(page).getByRole('listitem', { name: 'Component kv-basics' });
  assert.match((await component.textContent()) ?? '', /app\.wasm [\d.]+ KiB · component/);
  await context.close();
});

test('attack: added files named __proto__ and constructor are kept, listed and survive a reload', async () => {
  // Before the fix the project's file record was a plain object: `files["__proto__"] = bytes`
  // replaced its prototype and the file vanished.
  const context = await newContext(browser);
  const page = await openPlayground(context, '?preview=off');
  await waitForStatus(page, 'Running');
  await clearStatus(page);
  await files(page)
    .getByLabel('Add files')
    .setInputFiles([
      { name: '__proto__', mimeType: 'text/plain', buffer: Buffer.from('p') },
      { name: 'constructor', mimeType: 'text/plain', buffer: Buffer.from('c') },
    ]);
  await waitForStatus(page, 'Running');
  const list = files(page).getByRole('list', { name: 'App files' });
  await list.getByText('__proto__', { exact: true }).waitFor();
  await list.getByText('constructor', { exact: true }).waitFor();
  await page.reload();
  await waitForStatus(page, 'Running');
  await list.getByText('__proto__', { exact: true }).waitFor();
  await list.getByText('constructor', { exact: true }).waitFor();
  await context.close();
});
