/**
 * The engine's SQLite file operations (`runSqliteAdmin`: labels, export, replace) on real sql.js,
 * and the page's side of them (`readAllSqlite`, `restoreSqlite`, `declaredSqliteLabels`): an
 * app's database goes into the "Export app" zip as `.spin/sqlite_db.db` and comes back on import.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { unzipSync, zipSync } from 'fflate';
import initSqlJs from 'sql.js';
import { SqliteDatabases } from '../../src/storage/sqlite-databases.ts';
import { runSqliteAdmin, type SqliteAdminDeps } from '../../src/engine/sqlite-admin.ts';
import { declaredSqliteLabels, readAllSqlite, restoreSqlite } from '../../src/export/sqlite-data.ts';
import { buildAppZip } from '../../src/export/export-app.ts';
import { importAppZip } from '../../src/export/import-app.ts';
import type { SqliteAdminOp } from '../../src/protocol/messages.ts';

const SQL = await initSqlJs();

/** An engine's SQLite side with a recording persistence: `events` lists marks and flushes in order. */
function engineSide(initial?: Record<string, Uint8Array>) {
  const sqlite = new SqliteDatabases(SQL, initial);
  const events: string[] = [];
  const deps: SqliteAdminDeps = {
    sqlite,
    onSqliteWrite: (label) => events.push(`dirty:${label}`),
    flush: async () => {
      await new Promise((resolve) => setTimeout(resolve, 5));
      events.push('flushed');
    },
  };
  const run = (op: SqliteAdminOp) => runSqliteAdmin(op, deps);
  return { sqlite, events, run };
}

/** A database file with a `notes` table holding `rows`. */
function notesDb(rows: string[]): Uint8Array {
  const db = new SQL.Database();
  db.run('CREATE TABLE notes(id INTEGER PRIMARY KEY, body TEXT NOT NULL)');
  for (const body of rows) db.run('INSERT INTO notes(body) VALUES (?)', [body]);
  const bytes = db.export();
  db.close();
  return bytes;
}

const bodies = (databases: SqliteDatabases, label: string) => databases.query(label, 'SELECT body FROM notes ORDER BY id', []).rows.map(([b]) => b);

describe('runSqliteAdmin', () => {
  test('labels lists databases the app used and those saved from before, and nothing else', async () => {
    const { sqlite, run } = engineSide({ saved: notesDb(['x']) });
    assert.deepEqual(await run({ op: 'labels' }), { op: 'labels', labels: ['saved'] });
    sqlite.query('default', 'CREATE TABLE t(a)', []);
    assert.deepEqual(await run({ op: 'labels' }), { op: 'labels', labels: ['default', 'saved'] });
  });

  test('export gives a file sql.js opens with the rows the app wrote, and null for an unused label', async () => {
    const { sqlite, run } = engineSide();
    sqlite.query('default', 'CREATE TABLE notes(id INTEGER PRIMARY KEY, body TEXT NOT NULL)', []);
    sqlite.query('default', 'INSERT INTO notes(body) VALUES (?), (?)', ['first', 'second']);
    const result = await run({ op: 'export', label: 'default' });
    assert.equal(result.op, 'export');
    assert.ok(result.op === 'export' && result.bytes);
    const db = new SQL.Database(new Uint8Array(result.bytes));
    assert.deepEqual(db.exec('SELECT body FROM notes ORDER BY id')[0]?.values, [['first'], ['second']]);
    db.close();
    assert.deepEqual(await run({ op: 'export', label: 'never-used' }), { op: 'export', bytes: null });
  });

  test('export names the label when a transaction is left open on it', async () => {
    const { sqlite, run } = engineSide();
    sqlite.query('default', 'CREATE TABLE t(a)', []);
    sqlite.query('default', 'BEGIN', []);
    sqlite.query('default', 'INSERT INTO t VALUES (1)', []);
    const result = await run({ op: 'export', label: 'default' });
    assert.equal(result.op, 'error');
    assert.match(result.op === 'error' ? result.message : '', /SQLite database "default" could not be read/);
  });

  test('replace puts the file in place, saves it before answering, and later queries see it', async () => {
    const { sqlite, events, run } = engineSide();
    sqlite.query('default', 'CREATE TABLE old(a)', []);
    const file = notesDb(['imported one', 'imported two']);
    const result = await run({ op: 'replace', label: 'default', bytes: file.slice().buffer as ArrayBuffer });
    assert.deepEqual(result, { op: 'replaced', label: 'default', bytes: file.byteLength });
    assert.deepEqual(events, ['dirty:default', 'flushed'], 'marked changed and flushed before the answer');
    assert.deepEqual(bodies(sqlite, 'default'), ['imported one', 'imported two']);
    assert.equal(sqlite.query('default', "SELECT count(*) FROM sqlite_schema WHERE name = 'old'", []).rows[0]?.[0], 0n, 'the old database is gone');
    // The app keeps writing to the replacement, and what it writes is exported.
    sqlite.query('default', 'INSERT INTO notes(body) VALUES (?)', ['after']);
    const exported = await run({ op: 'export', label: 'default' });
    assert.ok(exported.op === 'export' && exported.bytes);
    assert.deepEqual(bodies(new SqliteDatabases(SQL, { default: new Uint8Array(exported.bytes) }), 'default'), ['imported one', 'imported two', 'after']);
  });

  test('replace refuses a file that is not SQLite, names the label and keeps the existing database', async () => {
    const { sqlite, events, run } = engineSide({ default: notesDb(['kept']) });
    const junk = new TextEncoder().encode('this is not a database, just text long enough to look like one');
    const result = await run({ op: 'replace', label: 'default', bytes: junk.slice().buffer as ArrayBuffer });
    assert.equal(result.op, 'error');
    const message = result.op === 'error' ? result.message : '';
    assert.match(message, /SQLite database "default"/);
    assert.match(message, /not a SQLite database/);
    assert.match(message, /existing database was kept/);
    assert.deepEqual(events, [], 'nothing was marked or saved');
    assert.deepEqual(bodies(sqlite, 'default'), ['kept']);
  });

  test('replace refuses a damaged SQLite file (the header is right, the pages are not)', async () => {
    const { sqlite, run } = engineSide({ default: notesDb(['kept']) });
    const file = notesDb(Array.from({ length: 200 }, (_, i) => `row ${i} ${'x'.repeat(100)}`));
    const damaged = file.slice();
    damaged.fill(0xa5, 1024); // keep the 100-byte header and the start of page 1, wreck the rest
    const result = await run({ op: 'replace', label: 'default', bytes: damaged.buffer as ArrayBuffer });
    assert.equal(result.op, 'error', JSON.stringify(result));
    assert.match(result.op === 'error' ? result.message : '', /SQLite database "default"/);
    assert.deepEqual(bodies(sqlite, 'default'), ['kept']);
  });

  test('replace takes a database Spin left in WAL mode (header bytes 18-19 = 2)', async () => {
    const { sqlite, run } = engineSide();
    const wal = notesDb(['from spin up']);
    wal[18] = 2;
    wal[19] = 2;
    const result = await run({ op: 'replace', label: 'default', bytes: wal.slice().buffer as ArrayBuffer });
    assert.equal(result.op, 'replaced', JSON.stringify(result));
    assert.deepEqual(bodies(sqlite, 'default'), ['from spin up']);
  });
});

describe('SQLite databases through Export app and import', () => {
  const MANIFEST = `spin_manifest_version = 2

[application]
name = "notes"

[[trigger.http]]
route = "/..."
component = "notes"

[component.notes]
source = "app.wasm"
sqlite_databases = ["default", "archive", "empty"]
`;
  const WASM = new Uint8Array([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00]);

  test('declaredSqliteLabels reads every component, and nothing from a broken manifest', () => {
    assert.deepEqual(declaredSqliteLabels(MANIFEST), ['archive', 'default', 'empty']);
    assert.deepEqual(declaredSqliteLabels('spin_manifest_version = ['), []);
  });

  test('every database goes into the zip and comes back into a fresh engine with its rows', async () => {
    const source = engineSide();
    source.sqlite.query('default', 'CREATE TABLE notes(id INTEGER PRIMARY KEY, body TEXT NOT NULL)', []);
    source.sqlite.query('default', 'INSERT INTO notes(body) VALUES (?), (?)', ['alpha', 'beta']);
    source.sqlite.query('archive', 'CREATE TABLE notes(id INTEGER PRIMARY KEY, body TEXT NOT NULL)', []);
    source.sqlite.query('archive', 'INSERT INTO notes(body) VALUES (?)', ['old']);
    const databases = await readAllSqlite(source.run, declaredSqliteLabels(MANIFEST));
    assert.deepEqual(Object.keys(databases).sort(), ['archive', 'default'], 'a declared label with no database yet has no file');

    const { zip, paths } = buildAppZip({ manifestText: MANIFEST, files: { 'app.wasm': WASM }, kv: [], sqlite: databases, SQL });
    assert.ok(paths.includes('.spin/sqlite_db.db'), paths.join(', '));
    assert.ok(paths.includes('.spin/sqlite_db.archive.db'), paths.join(', '));
    const entries = unzipSync(zip);
    const defaultDb = new SQL.Database(entries['notes/.spin/sqlite_db.db']);
    assert.deepEqual(defaultDb.exec('SELECT body FROM notes ORDER BY id')[0]?.values, [['alpha'], ['beta']]);
    defaultDb.close();

    const imported = importAppZip(zip, SQL);
    const target = engineSide();
    const outcomes = await restoreSqlite(target.run, imported.sqlite);
    assert.deepEqual(
      outcomes.map((o) => [o.label, o.ok]),
      [
        ['archive', true],
        ['default', true],
      ],
    );
    assert.deepEqual(bodies(target.sqlite, 'default'), ['alpha', 'beta']);
    assert.deepEqual(bodies(target.sqlite, 'archive'), ['old']);
  });

  test('a zipped spin up folder with .spin/sqlite_db.db restores it; a bad one is reported and the rest still restored', async () => {
    const folder = zipSync({
      'my-app/spin.toml': new TextEncoder().encode(MANIFEST),
      'my-app/app.wasm': WASM,
      'my-app/.spin/sqlite_db.db': notesDb(['from spin up']),
      'my-app/.spin/sqlite_db.archive.db': new TextEncoder().encode('garbage'),
      'my-app/runtime-config.toml': new TextEncoder().encode('[sqlite_database.archive]\ntype = "spin"\npath = ".spin/sqlite_db.archive.db"\n'),
    });
    const imported = importAppZip(folder, SQL);
    const target = engineSide({ archive: notesDb(['still here']) });
    const outcomes = await restoreSqlite(target.run, imported.sqlite);
    const archive = outcomes.find((o) => o.label === 'archive');
    assert.ok(archive && !archive.ok);
    assert.match(archive.ok ? '' : archive.error, /SQLite database "archive".*kept/);
    assert.deepEqual(
      outcomes.find((o) => o.label === 'default'),
      { label: 'default', ok: true, bytes: imported.sqlite.default!.byteLength },
    );
    assert.deepEqual(bodies(target.sqlite, 'default'), ['from spin up']);
    assert.deepEqual(bodies(target.sqlite, 'archive'), ['still here']);
  });

  test('readAllSqlite names what failed', async () => {
    await assert.rejects(
      readAllSqlite(async () => ({ op: 'error', message: 'engine gone' })),
      /listing the SQLite databases failed: engine gone/,
    );
  });
});
