/**
 * Keys chosen by an app, its files or its data that plain objects mishandle: `__proto__` (an
 * assignment replaces the prototype and the entry vanishes) and `constructor` (a lookup of a
 * missing key finds `Object`). Each test passes such keys through one place that builds or reads
 * a record keyed by data, and fails where the entry was lost or a missing one seemed present.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { strToU8, zipSync } from 'fflate';
import initSqlJs from 'sql.js';
import { toFileTree } from '../../src/engine/file-mounts.ts';
import { importAppZip } from '../../src/export/import-app.ts';
import { readAllSqlite } from '../../src/export/sqlite-data.ts';
import { fetchSources } from '../../src/loader/fetch-app.ts';
import type { SqliteAdminOp, SqliteAdminResult } from '../../src/protocol/messages.ts';
import { getOwn, setOwn } from '../../src/protocol/own-keys.ts';
import { exportJson, importJson } from '../../src/ui/kv-json.ts';

const SQL = await initSqlJs();
const text = (b: ArrayBuffer | Uint8Array) => new TextDecoder().decode(b);

/** A zip with `PROTO_XYZ` renamed to `__proto__` (fflate cannot write that name itself). */
function zipWithProto(entries: Record<string, Uint8Array>): Uint8Array {
  const latin1 = new TextDecoder('latin1').decode(zipSync(entries)).replaceAll('PROTO_XYZ', '__proto__');
  return Uint8Array.from(latin1, (c) => c.charCodeAt(0));
}

test('setOwn and getOwn: __proto__ is an entry, a missing constructor is missing', () => {
  const record: Record<string, number> = {};
  setOwn(record, '__proto__', 1);
  assert.deepEqual(Object.keys(record), ['__proto__']);
  assert.equal(getOwn(record, '__proto__'), 1);
  assert.equal(Object.getPrototypeOf(record), Object.prototype);
  assert.equal(getOwn(record, 'constructor'), undefined);
  assert.equal(getOwn(record, 'toString'), undefined);
});

test('attack: key-value export keeps keys named __proto__ and constructor, and import reads them back', () => {
  const entries: Array<[string, ArrayBuffer]> = [
    ['__proto__', strToU8('{"admin":true}').buffer as ArrayBuffer],
    ['constructor', new Uint8Array([0, 255]).buffer as ArrayBuffer],
    ['plain', strToU8('x').buffer as ArrayBuffer],
  ];
  const json = exportJson(entries);
  assert.deepEqual(JSON.parse(json), JSON.parse('{"__proto__":"{\\"admin\\":true}","constructor":{"base64":"AP8="},"plain":"x"}'));
  assert.deepEqual(
    importJson(json).map(([k, v]) => [k, [...new Uint8Array(v)]]),
    entries.map(([k, v]) => [k, [...new Uint8Array(v)]]),
  );
});

test('attack: an app zip with files named __proto__ and constructor imports both', () => {
  const imported = importAppZip(
    zipWithProto({
      'app/spin.toml': strToU8('spin_manifest_version = 2\n[application]\nname = "a"\n'),
      'app/PROTO_XYZ': strToU8('p'),
      'app/constructor': strToU8('c'),
    }),
    SQL,
  );
  assert.deepEqual(Object.keys(imported.bundle.files).sort(), ['__proto__', 'constructor']);
  assert.equal(text(getOwn(imported.bundle.files, '__proto__')!), 'p');
  assert.equal(Object.getPrototypeOf(imported.bundle.files), Object.prototype);
});

test('attack: a manifest whose sources are named constructor and __proto__ gets both fetched, not taken as present', async () => {
  const manifestText = [
    'spin_manifest_version = 2',
    '[application]',
    'name = "a"',
    '[[trigger.http]]',
    'route = "/a"',
    'component = "a"',
    '[component.a]',
    'source = "constructor"',
    'files = ["__proto__"]',
  ].join('\n');
  const asked: string[] = [];
  // Stands in for the network: the point is which URLs are asked for and where the bytes go.
  const fetchFn = (async (url: string) => {
    asked.push(url);
    return new Response(new URL(url).pathname.slice(1));
  }) as typeof fetch;
  const bundle = await fetchSources({ manifestText, manifestUrl: 'https://apps.test/spin.toml', files: {} }, fetchFn);
  assert.deepEqual(asked.sort(), ['https://apps.test/__proto__', 'https://apps.test/constructor']);
  assert.deepEqual(Object.keys(bundle.files).sort(), ['__proto__', 'constructor']);
  assert.equal(text(getOwn(bundle.files, '__proto__')!), '__proto__');
});

test('attack: a mounted folder or file named __proto__ stays in the file tree', () => {
  const tree = toFileTree(
    new Map([
      ['/__proto__/x.txt', strToU8('x')],
      ['/constructor', strToU8('c')],
      ['/a/__proto__', strToU8('p')],
    ]),
  );
  assert.deepEqual(Object.keys(tree.dir).sort(), ['__proto__', 'a', 'constructor']);
  const proto = getOwn(tree.dir, '__proto__');
  assert.ok(proto && 'dir' in proto);
  assert.deepEqual(Object.keys(proto.dir), ['x.txt']);
  const a = getOwn(tree.dir, 'a');
  assert.ok(a && 'dir' in a);
  assert.deepEqual(Object.keys(a.dir), ['__proto__']);
});

test('attack: a SQLite database labelled __proto__ is exported under its label', async () => {
  const run = async (op: SqliteAdminOp): Promise<SqliteAdminResult> => {
    if (op.op === 'labels') return { op: 'labels', labels: ['__proto__', 'constructor'] };
    if (op.op === 'export') return { op: 'export', bytes: strToU8(op.label).buffer as ArrayBuffer };
    throw new Error(`unexpected ${op.op}`);
  };
  const out = await readAllSqlite(run);
  assert.deepEqual(Object.keys(out).sort(), ['__proto__', 'constructor']);
  assert.equal(text(getOwn(out, '__proto__')!), '__proto__');
});
