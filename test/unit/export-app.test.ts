/**
 * "Export app" gives a zip `spin up` runs as it is, checked structurally (no `spin` binary runs
 * here): the manifest parses with our parser, sources are relative and present, the key-value
 * database has Spin's schema and the rows, runtime-config.toml has the right tables. Importing
 * it, or a zipped app folder with `.spin/sqlite_key_value.db`, restores the app and its data.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { unzipSync, zipSync } from 'fflate';
import initSqlJs from 'sql.js';
import '../../src/manifest/toml-global.ts';
import TOML from '@iarna/toml';
import { parseManifest } from '../../src/manifest/parse.ts';
import { buildAppZip, exportAppZip, exportFileName, shellQuote } from '../../src/export/export-app.ts';
import { importAppZip, ImportError } from '../../src/export/import-app.ts';
import { buildKeyValueDb, readKeyValueDb, type KvRow } from '../../src/export/spin-state.ts';
import { KV_SCHEMA } from '../../src/storage/sqlite-store.ts';
import { encodeBundleFile } from '../../src/share/bundle-file.ts';
import { decodeShareLink } from '../../src/share/codec.ts';

const SQL = await initSqlJs();
const bytes = (text: string) => new TextEncoder().encode(text);
const text = (data: Uint8Array | undefined) => new TextDecoder().decode(data);
const WASM = new Uint8Array([0x00, 0x61, 0x73, 0x6d, 0x0d, 0x00, 0x01, 0x00, 1, 2, 3]);
const OTHER_WASM = new Uint8Array([0x00, 0x61, 0x73, 0x6d, 0x0d, 0x00, 0x01, 0x00, 9, 9]);
const DIGEST = `sha256:${'ab'.repeat(32)}`;
const MTIME = new Date('2024-01-02T03:04:05Z');

const MANIFEST = `spin_manifest_version = 2

[application]
name = "kv demo"

[variables]
greeting = { default = "Hello" }
token = { required = true, secret = true }

# The main component.
[[trigger.http]]
route = "/..."
component = "web"

[[trigger.http]]
route = "/remote"
component = "remote"

[[trigger.http]]
route = "/far"
component = "far"

[component.web]
source = "target/web.wasm"
files = [{ source = "static", destination = "/" }]
key_value_stores = ["default", "cache"]
sqlite_databases = ["default", "analytics"]

[component.web.variables]
greeting = "{{ greeting }}"

[component.remote]
source = { url = "https://cdn.example.com/releases/remote.wasm", digest = "${DIGEST}" }

[component.far]
source = { url = "https://cdn.example.com/far.wasm", digest = "${DIGEST}" }
`;

const ROWS: KvRow[] = [
  { store: 'default', key: 'greeting', value: bytes('hello') },
  { store: 'default', key: 'count', value: new Uint8Array([3, 0, 0, 0, 0, 0, 0, 0]) },
  { store: 'cache', key: 'page:/', value: bytes('<p>cached</p>') },
];

function sqliteDb(): Uint8Array {
  const db = new SQL.Database();
  db.run("CREATE TABLE todos (id INTEGER PRIMARY KEY, title TEXT); INSERT INTO todos (title) VALUES ('write docs')");
  const out = db.export();
  db.close();
  return out;
}

function exported() {
  return buildAppZip({
    manifestText: MANIFEST,
    files: {
      'target/web.wasm': WASM.slice().buffer,
      'static/index.html': bytes('<h1>hi</h1>'),
      'static/css/site.css': bytes('h1{}'),
      'https://cdn.example.com/releases/remote.wasm': OTHER_WASM,
    },
    kv: ROWS,
    sqlite: { default: sqliteDb(), analytics: sqliteDb() },
    variables: { greeting: 'Bonjour', token: 'sk-secret', undeclared: 'x' },
    SQL,
    mtime: MTIME,
  });
}

const unzip = (zip: Uint8Array) => unzipSync(zip);

describe('exportAppZip', () => {
  test('the zip holds one folder named after the app with spin.toml first', () => {
    const result = exported();
    assert.equal(result.folder, 'kv-demo');
    assert.equal(Object.keys(unzip(result.zip))[0], 'kv-demo/spin.toml');
    assert.equal(exportFileName(MANIFEST), 'kv-demo.zip');
  });

  test('the manifest parses with our parser, and every file source is relative and present in the zip', () => {
    const files = unzip(exported().zip);
    const parsed = parseManifest(text(files['kv-demo/spin.toml']));
    assert.ok(parsed.ok);
    for (const component of Object.values(parsed.app.components)) {
      if (component.source.kind !== 'file') continue;
      assert.ok(!component.source.path.startsWith('/') && !component.source.path.includes('..'), component.source.path);
      assert.ok(files[`kv-demo/${component.source.path}`], `${component.source.path} is in the zip`);
    }
    assert.ok(files['kv-demo/static/index.html'] && files['kv-demo/static/css/site.css'], 'static files are in the zip');
  });

  test('a url source whose bytes are included becomes a relative file; one without its bytes stays { url, digest }', () => {
    const files = unzip(exported().zip);
    const manifest = text(files['kv-demo/spin.toml']);
    const parsed = parseManifest(manifest);
    assert.ok(parsed.ok);
    assert.deepEqual(parsed.app.components.remote!.source, { kind: 'file', path: 'components/remote.wasm' });
    assert.deepEqual(files['kv-demo/components/remote.wasm'], OTHER_WASM);
    assert.deepEqual(parsed.app.components.far!.source, { kind: 'url', url: 'https://cdn.example.com/far.wasm', digest: DIGEST });
    assert.match(manifest, /# The main component\.\n/, 'comments and layout are kept');
  });

  test("the key-value data is .spin/sqlite_key_value.db with Spin's spin_key_value schema and every row", () => {
    const files = unzip(exported().zip);
    const db = new SQL.Database(files['kv-demo/.spin/sqlite_key_value.db']);
    const schema = db.exec("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'spin_key_value'")[0]!.values[0]![0];
    assert.equal(schema, KV_SCHEMA.replace('CREATE TABLE IF NOT EXISTS', 'CREATE TABLE'));
    const columns = db.exec('PRAGMA table_info(spin_key_value)')[0]!.values.map(([, name, type, notnull, , pk]) => [name, type, notnull, pk]);
    assert.deepEqual(columns, [
      ['store', 'TEXT', 1, 1],
      ['key', 'TEXT', 1, 2],
      ['value', 'BLOB', 1, 0],
    ]);
    const rows = db.exec('SELECT store, key, typeof(value), hex(value) FROM spin_key_value ORDER BY store, key')[0]!.values;
    assert.deepEqual(rows, [
      ['cache', 'page:/', 'blob', Buffer.from('<p>cached</p>').toString('hex').toUpperCase()],
      ['default', 'count', 'blob', '0300000000000000'],
      ['default', 'greeting', 'blob', Buffer.from('hello').toString('hex').toUpperCase()],
    ]);
    db.close();
  });

  test('SQLite databases: default is .spin/sqlite_db.db, others get a file named in runtime-config.toml', () => {
    const files = unzip(exported().zip);
    for (const path of ['kv-demo/.spin/sqlite_db.db', 'kv-demo/.spin/sqlite_db.analytics.db']) {
      const db = new SQL.Database(files[path]);
      assert.deepEqual(db.exec('SELECT title FROM todos')[0]!.values, [['write docs']], path);
      db.close();
    }
  });

  test("runtime-config.toml is valid TOML with a spin store for each non-default label, in the default store's file", () => {
    const result = exported();
    const config = TOML.parse(text(unzip(result.zip)['kv-demo/runtime-config.toml'])) as Record<string, Record<string, Record<string, unknown>>>;
    assert.deepEqual(config, {
      key_value_store: { cache: { type: 'spin', path: '.spin/sqlite_key_value.db' } },
      sqlite_database: { analytics: { type: 'spin', path: '.spin/sqlite_db.analytics.db' } },
    });
    assert.equal(result.command, 'spin up --runtime-config-file runtime-config.toml');
  });

  test('an app that uses only default labels needs no runtime-config.toml', () => {
    const result = buildAppZip({
      manifestText: MANIFEST.replace(', "cache"', '').replace(', "analytics"', ''),
      files: { 'target/web.wasm': WASM },
      kv: [ROWS[0]!],
      SQL,
    });
    assert.equal(unzip(result.zip)['kv-demo/runtime-config.toml'], undefined);
    assert.equal(result.command, 'spin up');
  });

  test('the --key-value seed pairs are in the command, quoted for a POSIX shell where needed', () => {
    const result = buildAppZip({
      manifestText: MANIFEST.replace(', "cache"', '').replace(', "analytics"', ''),
      files: { 'target/web.wasm': WASM },
      kv: [],
      keyValueSeeds: [
        ['greeting', 'hello'],
        ['query', "it's a=b c"],
      ],
      SQL,
    });
    assert.equal(result.command, `spin up --key-value greeting=hello --key-value 'query=it'\\''s a=b c'`);
    assert.equal(shellQuote('a=1'), 'a=1');
    assert.equal(shellQuote(''), "''");
    assert.equal(shellQuote('$(rm -rf ~)'), "'$(rm -rf ~)'");
  });

  test('.env holds the declared, non-secret variable values; a secret one is only named', () => {
    const env = text(unzip(exported().zip)['kv-demo/.env']);
    assert.match(env, /^SPIN_VARIABLE_GREETING=Bonjour$/m);
    assert.doesNotMatch(env, /sk-secret|undeclared/i);
    assert.match(env, /# token is secret and was not exported: set SPIN_VARIABLE_TOKEN yourself\./);
  });

  test('sources the playground does not have are reported, not silently dropped', () => {
    const result = buildAppZip({ manifestText: MANIFEST, files: {}, kv: [], SQL });
    assert.deepEqual(result.missing, ['target/web.wasm']);
    assert.ok(result.warnings.some((w) => w.startsWith('target/web.wasm is named in spin.toml but the playground does not have it')));
  });

  test("files outside the app's folder are left out with a warning", () => {
    const result = buildAppZip({ manifestText: MANIFEST, files: { '../secret.txt': bytes('x'), 'target/web.wasm': WASM }, kv: [], SQL });
    assert.ok(!Object.keys(unzip(result.zip)).some((p) => p.includes('secret')));
    assert.ok(result.warnings.includes("../secret.txt is outside the app's folder and was left out."));
  });

  test('the bundled kv-basics example exports as spin up expects it', {
    skip: !existsSync('public/examples/kv-basics/app.wasm') && 'examples not built (npm run examples)',
  }, () => {
    const manifestText = readFileSync('public/examples/kv-basics/spin.toml', 'utf8');
    const wasm = readFileSync('public/examples/kv-basics/app.wasm');
    const zip = exportAppZip({ manifestText, files: { 'app.wasm': wasm }, kv: [{ store: 'default', key: 'test-key', value: bytes('test-value') }], SQL });
    const files = unzip(zip);
    assert.deepEqual(Object.keys(files).sort(), ['kv-basics/.spin/sqlite_key_value.db', 'kv-basics/app.wasm', 'kv-basics/spin.toml']);
    assert.equal(text(files['kv-basics/spin.toml']), manifestText);
    assert.deepEqual(readKeyValueDb(SQL, files['kv-basics/.spin/sqlite_key_value.db']!), [{ store: 'default', key: 'test-key', value: bytes('test-value') }]);
  });
});

describe('importAppZip', () => {
  test('import(export(app)) restores the manifest, files, key-value rows, SQLite databases and variables', () => {
    const imported = importAppZip(exported().zip, SQL);
    assert.ok(parseManifest(imported.bundle.manifestText).ok);
    assert.deepEqual(Object.keys(imported.bundle.files).sort(), ['components/remote.wasm', 'static/css/site.css', 'static/index.html', 'target/web.wasm']);
    assert.deepEqual(new Uint8Array(imported.bundle.files['target/web.wasm']!), WASM);
    const sorted = (rows: KvRow[]) => rows.map((r) => [r.store, r.key, Buffer.from(r.value).toString('hex')]).sort();
    assert.deepEqual(sorted(imported.kv), sorted(ROWS));
    assert.deepEqual(Object.keys(imported.sqlite).sort(), ['analytics', 'default']);
    const db = new SQL.Database(imported.sqlite.analytics);
    assert.deepEqual(db.exec('SELECT title FROM todos')[0]!.values, [['write docs']]);
    db.close();
    assert.deepEqual(imported.variables, { greeting: 'Bonjour' });
    assert.deepEqual(imported.warnings, []);
  });

  test('a real app folder, zipped with its .spin/sqlite_key_value.db, opens with its data', () => {
    const folder = zipSync({
      'my-app/spin.toml': bytes(
        'spin_manifest_version = 2\n[application]\nname = "my-app"\n[[trigger.http]]\nroute = "/..."\ncomponent = "a"\n[component.a]\nsource = ' +
          '"target/wasm32-wasip1/release/a.wasm"\nkey_value_stores = ["default"]\n',
      ),
      'my-app/target/wasm32-wasip1/release/a.wasm': WASM,
      'my-app/.spin/sqlite_key_value.db': buildKeyValueDb(SQL, [{ store: 'default', key: 'visits', value: bytes('41') }]),
      'my-app/.spin/logs/a_stdout.txt': bytes('log'),
      'my-app/.git/HEAD': bytes('ref: refs/heads/main'),
      'my-app/node_modules/x/index.js': bytes(''),
      'my-app/Cargo.toml': bytes('[package]'),
      '__MACOSX/my-app/._spin.toml': bytes(''),
    });
    const imported = importAppZip(folder, SQL);
    assert.deepEqual(Object.keys(imported.bundle.files).sort(), ['Cargo.toml', 'target/wasm32-wasip1/release/a.wasm']);
    assert.deepEqual(imported.kv, [{ store: 'default', key: 'visits', value: bytes('41') }]);
  });

  test('a store runtime-config.toml keeps in a file of its own is read from that file', () => {
    const zip = zipSync({
      'spin.toml': bytes('spin_manifest_version = 2\n[application]\nname = "x"\n'),
      'runtime-config.toml': bytes(
        '[key_value_store.users]\ntype = "spin"\npath = "data/users.db"\n\n[key_value_store.sessions]\ntype = "redis"\nurl = "redis://localhost"\n',
      ),
      'data/users.db': buildKeyValueDb(SQL, [
        { store: 'users', key: 'ada', value: bytes('1') },
        { store: 'other', key: 'ignored', value: bytes('2') },
      ]),
    });
    const imported = importAppZip(zip, SQL);
    assert.deepEqual(imported.kv, [{ store: 'users', key: 'ada', value: bytes('1') }]);
    assert.deepEqual(imported.warnings, [
      'runtime-config.toml: [key_value_store.sessions] (type "redis") is not available in the browser; the playground keeps that store in its own database.',
    ]);
  });

  test('a zip without spin.toml, or not a zip at all, is refused with a clear message', () => {
    assert.throws(
      () => importAppZip(zipSync({ 'README.md': bytes('hi') }), SQL),
      (e: unknown) => e instanceof ImportError && e.message === 'the zip has no spin.toml',
    );
    assert.throws(
      () => importAppZip(bytes('not a zip'), SQL),
      (e: unknown) => e instanceof ImportError && /^this is not a zip file the playground can read/.test(e.message),
    );
  });

  test("a database file that is not Spin's is reported and skipped", () => {
    const zip = zipSync({ 'spin.toml': bytes('spin_manifest_version = 2\n[application]\nname = "x"\n'), '.spin/sqlite_key_value.db': bytes('garbage') });
    const imported = importAppZip(zip, SQL);
    assert.deepEqual(imported.kv, []);
    assert.match(imported.warnings[0]!, /^\.spin\/sqlite_key_value\.db is not a Spin key-value database/);
  });
});

describe('bundle file (Share, when the app cannot go in a link)', () => {
  test('is the export zip plus the request and selected file, which import hands back', () => {
    const zip = encodeBundleFile({ manifestText: MANIFEST, files: { 'target/web.wasm': WASM.slice().buffer } }, ROWS, {
      SQL,
      state: {
        request: { method: 'POST', path: '/api', headers: [['x-a', 'b']], body: 'hi', bodyType: 'text' },
        selectedFile: 'target/web.wasm',
        variables: { greeting: 'Hey' },
      },
    });
    const imported = importAppZip(zip, SQL);
    assert.equal(imported.kv.length, 3);
    assert.deepEqual(imported.variables, { greeting: 'Hey' });
    const shared = decodeShareLink(imported.shareFragment ?? '');
    assert.ok(shared.ok);
    assert.deepEqual(shared.state.request, { method: 'POST', path: '/api', headers: [['x-a', 'b']], body: 'hi' });
    assert.equal(shared.state.selectedFile, 'target/web.wasm');
  });
});
