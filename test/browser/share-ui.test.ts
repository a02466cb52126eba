/**
 * Sharing in the UI: "Share" gives a link that opens, in a fresh browser, as a new project with
 * the same responses and key-value data; a damaged link shows its error and what was recovered;
 * "Export app" downloads a zip whose key-value database sql.js opens in Node with the rows;
 * importing that zip restores the app and its data; the same for SQLite databases
 * (`.spin/sqlite_db.db`), through a second tab too; `?embed=1` is the compact layout.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { unzipSync } from 'fflate';
import initSqlJs from 'sql.js';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from '../support/chromium.ts';
import { newContext, openPlayground, PG_URL, previewFrame, sendFromConsole, waitForStatus } from '../support/playground.ts';
import { kvEntries, screenshot, setKv } from './ui-helpers.ts';
import { serveStatic } from '../support/static-server.ts';
import { zipSync } from 'fflate';

let browser: Browser;
before(async () => {
  browser = await launchChromium();
});
after(async () => {
  await browser?.close();
});

const marker = `shared-${Date.now().toString(36)}`;
let link = '';
let zipPath = '';

test('Share: the link opens in a fresh browser as a new project with the same responses and key-value data', async () => {
  const context = await newContext(browser);
  const page = await openPlayground(context, '?example=guestbook&preview=off');
  await setKv(page, 'share-test', marker);
  const before = await sendFromConsole(page, 'GET', '/api/entries');
  await page.getByRole('button', { name: 'Share' }).click();
  const field = page.getByRole('dialog', { name: 'Share' }).getByLabel('Share link');
  await field.waitFor();
  link = await field.inputValue();
  assert.match(link, /#v1\./);
  await page
    .getByRole('dialog', { name: 'Share' })
    .getByText(/\d+ characters/)
    .waitFor();
  await screenshot(page, 'share-dialog');
  const original = await kvEntries(page);
  await context.close();

  const fresh = await newContext(browser);
  const reader = await fresh.newPage();
  await reader.setViewportSize({ width: 1440, height: 900 });
  await reader.goto(link);
  await waitForStatus(reader, 'Running');
  assert.match(reader.url(), /\?project=p-/, 'opened as a new project');
  assert.equal(new URL(reader.url()).hash, '');
  assert.deepEqual(await kvEntries(reader), original);
  // The request console holds the shared request, not sent; sending it gives the same response.
  assert.equal(await reader.getByRole('region', { name: 'Request' }).getByLabel('Path').inputValue(), '/api/entries');
  const after = await sendFromConsole(reader, 'GET', '/api/entries');
  assert.equal(after.status.split(' ')[0], before.status.split(' ')[0]);
  assert.equal(after.body, before.body);
  await fresh.close();
});

test('a damaged share link shows its error and what was recovered', async () => {
  assert.ok(link, 'needs the link of the previous test');
  const at = link.indexOf('#v1.') + 20;
  const damaged = link.slice(0, at) + (link[at] === 'A' ? 'B' : 'A') + link.slice(at + 1);
  const context = await newContext(browser);
  const page = await context.newPage();
  await page.setViewportSize({ width: 1440, height: 900 });
  await page.goto(damaged);
  await waitForStatus(page, 'error');
  const problems = (await page.getByRole('list', { name: 'Problems' }).textContent()) ?? '';
  assert.match(problems, /Share link: /);
  assert.match(problems, /recovered/i);
  await screenshot(page, 'share-damaged-link');
  await context.close();
});

test('a link cut short names what it recovered and opens it on request', async () => {
  assert.ok(link, 'needs the link of the first test');
  const cut = link.slice(0, link.length - Math.floor((link.length - link.indexOf('#v1.')) / 3));
  const context = await newContext(browser);
  const page = await context.newPage();
  await page.setViewportSize({ width: 1440, height: 900 });
  await page.goto(cut);
  await waitForStatus(page, 'error');
  const problems = page.getByRole('list', { name: 'Problems' });
  await problems.getByText(/Recovered from the link: base/).waitFor();
  await problems.getByRole('button', { name: 'Open what was recovered' }).click();
  await waitForStatus(page, 'Running');
  assert.match(page.url(), /\?project=p-/);
  await context.close();
});

test('Export app gives a zip whose key-value database has the rows, and importing it restores the app and data', async () => {
  const context = await newContext(browser);
  const page = await openPlayground(context, '?example=guestbook&preview=off');
  await setKv(page, 'export-test', marker);
  const downloadPromise = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Export app' }).click();
  const download = await downloadPromise;
  assert.match(download.suggestedFilename(), /\.zip$/);
  zipPath = `/tmp/share-ui-${process.pid}.zip`;
  await download.saveAs(zipPath);
  await page
    .getByRole('region', { name: 'Files' })
    .getByText(/spin up/)
    .first()
    .waitFor();
  const expected = await kvEntries(page);
  await context.close();

  const entries = unzipSync(new Uint8Array(readFileSync(zipPath)));
  const dbName = Object.keys(entries).find((n) => n.endsWith('.spin/sqlite_key_value.db'));
  assert.ok(dbName, Object.keys(entries).join(', '));
  const SQL = await initSqlJs();
  const db = new SQL.Database(entries[dbName]!);
  const rows = db.exec("SELECT key, value FROM spin_key_value WHERE store = 'default' ORDER BY key")[0]?.values ?? [];
  db.close();
  const found = Object.fromEntries(rows.map(([k, v]) => [String(k), new TextDecoder().decode(v as Uint8Array)]));
  assert.equal(found['export-test'], marker);
  assert.deepEqual(found, expected);

  // Import it into a fresh browser: the app and its data come back.
  const fresh = await newContext(browser);
  const reader = await openPlayground(fresh, '?example=static-files&preview=off');
  await reader
    .getByRole('region', { name: 'Files' })
    .getByLabel('Add files')
    .setInputFiles({ name: 'export.zip', mimeType: 'application/zip', buffer: readFileSync(zipPath) });
  await reader
    .getByRole('region', { name: 'Logs' })
    .getByText(/imported export\.zip/)
    .waitFor({ timeout: 30_000 });
  await waitForStatus(reader, 'Running');
  // The data is seeded once the imported app has loaded.
  let restored: Record<string, string> = {};
  for (let i = 0; i < 60 && !('export-test' in restored); i++) {
    restored = await kvEntries(reader);
    if (!('export-test' in restored)) await reader.waitForTimeout(500);
  }
  assert.deepEqual(restored, expected);
  const response = await sendFromConsole(reader, 'GET', '/api/entries');
  assert.match(response.status, /^200/);
  await fresh.close();
});

test('embed mode: the compact layout with the app, the panels show names, and "Open in playground"', async () => {
  const context = await newContext(browser);
  const page = await context.newPage();
  await page.setViewportSize({ width: 900, height: 460 });
  await page.goto(`${PG_URL}/?embed=1&example=kv-basics&show=request,kv`);
  await waitForStatus(page, 'Running');
  const open = page.getByRole('link', { name: 'Open in playground' });
  const href = new URL((await open.getAttribute('href')) ?? '');
  assert.deepEqual(Object.fromEntries(href.searchParams), { example: 'kv-basics' });
  assert.equal(await page.getByRole('region', { name: 'Trace' }).count(), 0, 'no Trace panel');
  assert.equal(await page.getByRole('region', { name: 'Manifest' }).count(), 0, 'no Manifest panel');
  await page.getByRole('region', { name: 'Request' }).waitFor();
  await page.getByRole('region', { name: 'Key-value explorer' }).waitFor();
  const frame = await previewFrame(page);
  await frame.waitForFunction(() => /^set test-key = test-value\n/.test(document.body?.textContent ?? ''), undefined, { timeout: 60_000 });
  await screenshot(page, 'embed-mode');
  await context.close();
});

test("embed mode with show=manifest: an edit says it is not saved, and the reader's own project is untouched", async () => {
  const context = await newContext(browser);
  const page = await context.newPage();
  await page.goto(`${PG_URL}/?embed=1&example=guestbook&show=manifest`);
  await waitForStatus(page, 'Running');
  const marker = `# embed-edit-${Date.now().toString(36)}`;
  await page.locator('.monaco-editor').waitFor({ timeout: 60_000 });
  await page.locator('.monaco-editor').click();
  await page.keyboard.press('ControlOrMeta+End');
  await page.keyboard.insertText(`\n${marker}\n`);
  const note = page.getByRole('region', { name: 'Manifest' }).getByText('edited, not saved');
  await note.waitFor();
  assert.match((await note.getAttribute('title')) ?? '', /this page only/);
  // The same example in the playground proper: no trace of the embed's edit.
  const full = await openPlayground(context, '?example=guestbook&preview=off');
  await full.locator('.monaco-editor').waitFor({ timeout: 60_000 });
  assert.doesNotMatch((await full.locator('.monaco-editor .view-lines').textContent()) ?? '', new RegExp(marker.slice(2)));
  assert.equal(await full.getByRole('region', { name: 'Manifest' }).getByText('draft saved').count(), 0);
  await context.close();
});

test('embed mode with show=response: the response text instead of the rendered page', async () => {
  const context = await newContext(browser);
  const page = await context.newPage();
  await page.setViewportSize({ width: 700, height: 460 });
  await page.goto(`${PG_URL}/?embed=1&example=kv-basics&show=response`);
  await waitForStatus(page, 'Running');
  assert.equal(await page.getByRole('region', { name: 'Preview' }).count(), 0, 'no rendered page');
  await page.waitForFunction(() => /set test-key = test-value/.test(document.getElementById('response-body')?.textContent ?? ''), undefined, {
    timeout: 60_000,
  });
  await context.close();
});

/** Rows in the `sqlite` conformance app's table, as the app reports them: a first GET / is 200, the nth answers "(got n)". */
async function sqliteRowsSeen(page: Page): Promise<{ status: number; rows: number }> {
  const response = await sendFromConsole(page, 'GET', '/');
  const status = Number(response.status.split(' ')[0]);
  if (status === 200) return { status, rows: 1 };
  const got = /results\.rows\.len\(\) == 1` \(got (\d+)\)/.exec(response.body);
  assert.ok(got, `unexpected answer ${response.status}: ${response.body}`);
  return { status, rows: Number(got[1]) };
}

test('Export app puts the SQLite database in the zip as .spin/sqlite_db.db, and importing it restores the rows', async () => {
  const apps = await serveStatic(new URL('../fixtures/dist/conformance/', import.meta.url).pathname);
  try {
    // The conformance `sqlite` app inserts one row per GET / and reports how many it finds.
    const context = await newContext(browser);
    const page = await openPlayground(context, `?app=${encodeURIComponent(`${apps.url}/sqlite/spin.toml`)}&preview=off`);
    const sends = 3;
    for (let n = 1; n <= sends; n++) assert.deepEqual(await sqliteRowsSeen(page), { status: n === 1 ? 200 : 500, rows: n });
    const downloadPromise = page.waitForEvent('download');
    await page.getByRole('button', { name: 'Export app' }).click();
    const download = await downloadPromise;
    const zipFile = `/tmp/share-ui-sqlite-${process.pid}.zip`;
    await download.saveAs(zipFile);
    await context.close();

    // In Node: the zip holds Spin's default database file with every row the app wrote.
    const zip = new Uint8Array(readFileSync(zipFile));
    const entries = unzipSync(zip);
    const dbName = Object.keys(entries).find((n) => n.endsWith('/.spin/sqlite_db.db'));
    assert.ok(dbName, Object.keys(entries).join(', '));
    const SQL = await initSqlJs();
    const db = new SQL.Database(entries[dbName]!);
    const rows = db.exec('SELECT key, value FROM test_data ORDER BY rowid')[0]?.values ?? [];
    db.close();
    assert.deepEqual(
      rows,
      Array.from({ length: sends }, () => ['my_key', 'my_value']),
    );

    // Import it into a fresh browser: the app finds the exported rows and adds its own.
    const fresh = await newContext(browser);
    const reader = await openPlayground(fresh, '?example=static-files&preview=off');
    const logs = reader.getByRole('region', { name: 'Logs' });
    await reader
      .getByRole('region', { name: 'Files' })
      .getByLabel('Add files')
      .setInputFiles({ name: 'sqlite-export.zip', mimeType: 'application/zip', buffer: Buffer.from(zip) });
    const restored = logs.getByText(/restored SQLite database default \(\d+ bytes\)/);
    await restored.waitFor({ timeout: 60_000 });
    assert.match((await restored.textContent()) ?? '', new RegExp(`\\(${entries[dbName]!.byteLength} bytes\\)`));
    await waitForStatus(reader, 'Running');
    assert.deepEqual(await sqliteRowsSeen(reader), { status: 500, rows: sends + 1 });

    // Saved like an app write: a fresh engine Worker (which reads IndexedDB) still has the rows.
    await reader.evaluate(async () => {
      await (window as unknown as { spinPlayground: { engine: { restart(): Promise<number> } } }).spinPlayground.engine.restart();
    });
    assert.deepEqual(await sqliteRowsSeen(reader), { status: 500, rows: sends + 2 });

    // A second tab reaches the same engine through the first tab's runner: it reads the database,
    // and a replacement it sends is what the first tab's requests see.
    const second = await fresh.newPage();
    await second.goto(reader.url());
    await waitForStatus(second, 'Running');
    type SqliteHook = { spinPlayground: { engine: { sqlite(op: unknown): Promise<{ op: string; bytes?: ArrayBuffer | number; message?: string }> } } };
    const seen = await second.evaluate(async () => {
      const result = await (window as unknown as SqliteHook).spinPlayground.engine.sqlite({ op: 'export', label: 'default' });
      return result.bytes instanceof ArrayBuffer ? Array.from(new Uint8Array(result.bytes)) : JSON.stringify(result);
    });
    assert.ok(Array.isArray(seen), String(seen));
    const seenDb = new SQL.Database(new Uint8Array(seen));
    assert.equal(seenDb.exec('SELECT count(*) FROM test_data')[0]?.values[0]?.[0], sends + 2);
    seenDb.close();
    const one = new SQL.Database();
    one.run("CREATE TABLE test_data(key TEXT NOT NULL, value TEXT NOT NULL); INSERT INTO test_data VALUES ('my_key', 'my_value');");
    const replacement = Array.from(one.export());
    one.close();
    const replaced = await second.evaluate(async (bytes) => {
      return (window as unknown as SqliteHook).spinPlayground.engine.sqlite({ op: 'replace', label: 'default', bytes: new Uint8Array(bytes).buffer });
    }, replacement);
    assert.deepEqual(replaced, { op: 'replaced', label: 'default', bytes: replacement.length });
    assert.deepEqual(await sqliteRowsSeen(reader), { status: 500, rows: 2 });
    await second.close();

    // A zipped app folder whose .spin/sqlite_db.db is not SQLite: the error names the label, the data stays.
    const folder = (name: string) => entries[`${dbName.slice(0, -'.spin/sqlite_db.db'.length)}${name}`]!;
    const broken = zipSync({
      'my-app/spin.toml': folder('spin.toml'),
      'my-app/app.wasm': folder('app.wasm'),
      'my-app/.spin/sqlite_db.db': new TextEncoder().encode('not a database'),
    });
    await reader
      .getByRole('region', { name: 'Files' })
      .getByLabel('Add files')
      .setInputFiles({ name: 'broken.zip', mimeType: 'application/zip', buffer: Buffer.from(broken) });
    await logs.getByText(/SQLite database "default".*existing database was kept/).waitFor({ timeout: 60_000 });
    await waitForStatus(reader, 'Running');
    assert.deepEqual(await sqliteRowsSeen(reader), { status: 500, rows: 3 });
    await fresh.close();
  } finally {
    await apps.close();
  }
});
