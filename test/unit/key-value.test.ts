/**
 * Key-value host semantics on real sql.js, as the conformance test `key-value` and
 * docs/spin-behaviour.md §3–§5 specify them.
 */
import { describe, test, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import initSqlJs, { type Database } from 'sql.js';
import { SqliteKvStore, type KvChange } from '../../src/storage/sqlite-store.ts';
import { createKeyValueV2, MAX_HOST_BUFFERED_BYTES } from '../../src/host/key-value.ts';

const SQL = await initSqlJs();
const bytes = (text: string) => new TextEncoder().encode(text);
const text = (value: Uint8Array | undefined) => (value === undefined ? undefined : new TextDecoder().decode(value));

function thrown(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    return error;
  }
  assert.fail('expected the call to fail');
}

describe('fermyon:spin/key-value@2.0.0 on sql.js', () => {
  let db: Database;
  let store: SqliteKvStore;
  let Store: ReturnType<typeof createKeyValueV2>['Store'];

  beforeEach(() => {
    db = new SQL.Database();
    store = new SqliteKvStore(db);
    Store = createKeyValueV2({ store, allowedStores: ['default'] }).Store;
  });

  test('opening a store not granted to the component is access-denied, even when default is granted', () => {
    assert.deepEqual(
      thrown(() => Store.open('forbidden')),
      { tag: 'access-denied' },
    );
  });

  test('a component with no key_value_stores cannot open default', () => {
    const { Store: Denied } = createKeyValueV2({ store, allowedStores: [] });
    assert.deepEqual(
      thrown(() => Denied.open('default')),
      { tag: 'access-denied' },
    );
  });

  test('the conformance key-value sequence', () => {
    const s = Store.open('default');
    s.delete('bar');
    assert.equal(s.exists('bar'), false);
    assert.equal(s.get('bar'), undefined);
    assert.deepEqual(s.getKeys(), []);
    s.set('bar', bytes('baz'));
    assert.equal(s.exists('bar'), true);
    assert.equal(text(s.get('bar')), 'baz');
    assert.deepEqual(s.getKeys(), ['bar']);
    s.set('bar', bytes('wow'));
    assert.equal(text(s.get('bar')), 'wow');
    s.set('qux', bytes('yay'));
    assert.deepEqual(new Set(s.getKeys()), new Set(['bar', 'qux']));
    s.delete('bar');
    s.delete('bar');
    s.delete('qux');
    assert.equal(s.exists('bar'), false);
    assert.equal(s.get('qux'), undefined);
    assert.deepEqual(s.getKeys(), []);
  });

  test("keys come back in ascending byte order, as SQLite's primary-key index gives them", () => {
    const s = Store.open('default');
    for (const key of ['zeta', 'b', 'alpha', '_x', 'Alpha', '9', '10', 'é']) s.set(key, bytes('v'));
    assert.deepEqual(s.getKeys(), ['10', '9', 'Alpha', '_x', 'alpha', 'b', 'zeta', 'é']);
  });

  test('keys are case-sensitive and values are opaque bytes', () => {
    const s = Store.open('default');
    const binary = new Uint8Array([0, 255, 1, 254]);
    s.set('Key', binary);
    assert.equal(s.exists('key'), false);
    assert.deepEqual(s.get('Key'), binary);
  });

  test("stores are separate tables rows keyed by label, in Spin's spin_key_value schema", () => {
    const both = createKeyValueV2({ store, allowedStores: ['default', 'other'] }).Store;
    both.open('default').set('k', bytes('d'));
    both.open('other').set('k', bytes('o'));
    assert.equal(text(both.open('default').get('k')), 'd');
    assert.equal(text(both.open('other').get('k')), 'o');
    const rows = db.exec('SELECT store, key, value FROM spin_key_value ORDER BY store')[0]!.values;
    assert.deepEqual(
      rows.map(([s, k, v]) => [s, k, text(v as Uint8Array)]),
      [
        ['default', 'k', 'd'],
        ['other', 'k', 'o'],
      ],
    );
  });

  test('a value written by another tool as TEXT is read back as its bytes', () => {
    db.run("INSERT INTO spin_key_value (store, key, value) VALUES ('default', 't', 'plain text')");
    assert.equal(text(Store.open('default').get('t')), 'plain text');
  });

  test('a backend failure becomes other(message)', () => {
    const s = Store.open('default');
    db.run('DROP TABLE spin_key_value');
    const error = thrown(() => s.get('k')) as { tag: string; val: string };
    assert.equal(error.tag, 'other');
    assert.match(error.val, /no such table/);
  });

  test("reads over 128 MiB fail with Spin's message", () => {
    assert.equal(MAX_HOST_BUFFERED_BYTES, 134217728);
    const fake = { get: () => ({ byteLength: MAX_HOST_BUFFERED_BYTES + 1 }) } as unknown as SqliteKvStore;
    const { Store: Big } = createKeyValueV2({ store: fake, allowedStores: ['default'] });
    assert.deepEqual(
      thrown(() => Big.open('default').get('huge')),
      { tag: 'other', val: 'query result exceeds limit of 134217728 bytes' },
    );
  });

  test('every write is reported in order, for the persistence journal', () => {
    const changes: KvChange[] = [];
    store.onChange((c) => changes.push(c));
    const s = Store.open('default');
    s.set('a', bytes('1'));
    s.delete('a');
    assert.deepEqual(
      changes.map((c) => [c.op, c.store, c.key]),
      [
        ['set', 'default', 'a'],
        ['delete', 'default', 'a'],
      ],
    );
  });

  test('replaying the journal onto a snapshot reproduces the data', () => {
    const changes: KvChange[] = [];
    store.onChange((c) => changes.push(c));
    const s = Store.open('default');
    const snapshot = db.export();
    s.set('a', bytes('1'));
    s.set('b', bytes('2'));
    s.delete('a');
    const restored = new SqliteKvStore(new SQL.Database(snapshot));
    for (const change of changes) restored.replay(change);
    assert.deepEqual(restored.keys('default'), ['b']);
    assert.equal(text(restored.get('default', 'b')), '2');
  });

  test('host calls are traced with their outcome', () => {
    const calls: string[] = [];
    const { Store: Traced } = createKeyValueV2({ store, allowedStores: ['default'], onCall: (call, outcome) => calls.push(`${call} -> ${outcome}`) });
    thrown(() => Traced.open('nope'));
    Traced.open('default').get('missing');
    assert.deepEqual(calls, ['store.open("nope") -> err(access-denied)', 'store.open("default") -> ok("store(default)")', 'get("missing") -> ok(none)']);
  });
});
