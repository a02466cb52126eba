/**
 * The other key-value interface versions on real sql.js: Spin 1's unversioned `key-value`
 * (docs/spin-behaviour.md §4.1) and `wasi:keyvalue@0.2.0-draft2` with Spin's exact semantics
 * (§4.3 table, `crates/factor-key-value/src/host.rs`, `crates/key-value-spin/src/store.rs`).
 */
import { describe, test, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import initSqlJs, { type Database } from 'sql.js';
import { SqliteKvStore, type KvChange } from '../../src/storage/sqlite-store.ts';
import { createKeyValueSpin1, createKeyValueV2, createWasiKeyValue, isKeyValueStoreAllowed, MAX_HOST_BUFFERED_BYTES } from '../../src/host/key-value.ts';

const SQL = await initSqlJs();
const bytes = (text: string) => new TextEncoder().encode(text);
const text = (value: Uint8Array | undefined) => (value === undefined ? undefined : new TextDecoder().decode(value));
const i64 = (value: bigint) => {
  const out = new Uint8Array(8);
  new DataView(out.buffer).setBigInt64(0, value, true);
  return out;
};
const dispose = (Symbol as unknown as { dispose?: symbol }).dispose ?? Symbol.for('dispose');

function thrown(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    return error;
  }
  assert.fail('expected the call to fail');
}

let db: Database;
let store: SqliteKvStore;
let changes: KvChange[];

beforeEach(() => {
  db = new SQL.Database();
  store = new SqliteKvStore(db);
  changes = [];
  store.onChange((change) => changes.push(change));
});

describe('the permission rule', () => {
  test("a label is allowed only if it is one of the component's key_value_stores", () => {
    assert.equal(isKeyValueStoreAllowed(['default'], 'default'), true);
    assert.equal(isKeyValueStoreAllowed(['default'], 'forbidden'), false);
    assert.equal(isKeyValueStoreAllowed([], 'default'), false);
  });
});

describe('unversioned fermyon:spin/key-value (Spin 1)', () => {
  let kv: ReturnType<typeof createKeyValueSpin1>;
  beforeEach(() => {
    kv = createKeyValueSpin1({ store, allowedStores: ['default', 'other'] });
  });

  test('handles are numbers allocated per instance from 0 up, never reused', () => {
    assert.equal(kv.open('default'), 0);
    assert.equal(kv.open('other'), 1);
    kv.close(0);
    assert.equal(kv.open('default'), 2);
    assert.equal(createKeyValueSpin1({ store, allowedStores: ['default'] }).open('default'), 0);
  });

  test('a label not granted is access-denied', () => {
    assert.deepEqual(
      thrown(() => kv.open('forbidden')),
      { tag: 'access-denied' },
    );
  });

  test('get of a missing key is the error no-such-key, not none', () => {
    const s = kv.open('default');
    assert.deepEqual(
      thrown(() => kv.get(s, 'missing')),
      { tag: 'no-such-key' },
    );
  });

  test('set, get, exists, get-keys and delete work on the handle', () => {
    const s = kv.open('default');
    kv.set(s, 'b', bytes('2'));
    kv.set(s, 'a', bytes('1'));
    assert.equal(text(kv.get(s, 'a')), '1');
    assert.equal(kv.exists(s, 'b'), true);
    assert.deepEqual(kv.getKeys(s), ['a', 'b']);
    kv.delete(s, 'a');
    kv.delete(s, 'a');
    assert.equal(kv.exists(s, 'a'), false);
  });

  test('an unknown or closed handle is invalid-store', () => {
    const s = kv.open('default');
    assert.deepEqual(
      thrown(() => kv.get(7, 'k')),
      { tag: 'invalid-store' },
    );
    kv.close(s);
    assert.deepEqual(
      thrown(() => kv.set(s, 'k', bytes('v'))),
      { tag: 'invalid-store' },
    );
    assert.deepEqual(
      thrown(() => kv.getKeys(s)),
      { tag: 'invalid-store' },
    );
  });

  test('close ignores unknown handles', () => {
    assert.doesNotThrow(() => kv.close(42));
  });

  test('a backend failure is io(message)', () => {
    const s = kv.open('default');
    db.run('DROP TABLE spin_key_value');
    const error = thrown(() => kv.exists(s, 'k')) as { tag: string; val: string };
    assert.equal(error.tag, 'io');
    assert.match(error.val, /no such table/);
  });

  test("reads over 128 MiB are io with Spin's message", () => {
    const fake = { get: () => ({ byteLength: MAX_HOST_BUFFERED_BYTES }) } as unknown as SqliteKvStore;
    const big = createKeyValueSpin1({ store: fake, allowedStores: ['default'] });
    assert.deepEqual(
      thrown(() => big.get(big.open('default'), 'huge')),
      { tag: 'io', val: 'query result exceeds limit of 134217728 bytes' },
    );
  });
});

describe('wasi:keyvalue/store@0.2.0-draft2', () => {
  let wasi: ReturnType<typeof createWasiKeyValue>;
  beforeEach(() => {
    wasi = createWasiKeyValue({ store, allowedStores: ['default'] });
  });

  test('open is a function of the store interface; a label not granted is access-denied', () => {
    assert.deepEqual(
      thrown(() => wasi.store.open('forbidden')),
      { tag: 'access-denied' },
    );
    assert.ok(wasi.store.open('default') instanceof wasi.store.Bucket);
  });

  test('get of a missing key is ok(none); set, exists and delete behave as in Spin', () => {
    const bucket = wasi.store.open('default');
    assert.equal(bucket.get('k'), undefined);
    bucket.set('k', bytes('v'));
    assert.equal(text(bucket.get('k')), 'v');
    assert.equal(bucket.exists('k'), true);
    bucket.delete('k');
    bucket.delete('k');
    assert.equal(bucket.exists('k'), false);
  });

  test('list-keys without a cursor returns every key in index order and no cursor', () => {
    const bucket = wasi.store.open('default');
    for (const key of ['b', 'a', 'C']) bucket.set(key, bytes('v'));
    assert.deepEqual(bucket.listKeys(undefined), { keys: ['C', 'a', 'b'], cursor: undefined });
  });

  test('list-keys with a cursor is other("list_keys: cursor not supported")', () => {
    const bucket = wasi.store.open('default');
    assert.deepEqual(
      thrown(() => bucket.listKeys('a')),
      { tag: 'other', val: 'list_keys: cursor not supported' },
    );
  });

  test('a dropped bucket is no-such-store rather than a trap', () => {
    const bucket = wasi.store.open('default');
    (bucket as unknown as Record<symbol, () => void>)[dispose]!();
    assert.deepEqual(
      thrown(() => bucket.get('k')),
      { tag: 'no-such-store' },
    );
    assert.deepEqual(
      thrown(() => wasi.atomics.increment(bucket, 'n', 1n)),
      { tag: 'no-such-store' },
    );
    assert.deepEqual(
      thrown(() => wasi.atomics.Cas.new(bucket, 'k')),
      { tag: 'no-such-store' },
    );
    assert.deepEqual(
      thrown(() => wasi.batch.getMany(bucket, ['k'])),
      { tag: 'no-such-store' },
    );
  });

  test('a backend failure is other(message)', () => {
    const bucket = wasi.store.open('default');
    db.run('DROP TABLE spin_key_value');
    const error = thrown(() => bucket.set('k', bytes('v'))) as { tag: string; val: string };
    assert.equal(error.tag, 'other');
    assert.match(error.val, /no such table/);
  });
});

describe('wasi:keyvalue/atomics@0.2.0-draft2 increment', () => {
  let wasi: ReturnType<typeof createWasiKeyValue>;
  beforeEach(() => {
    wasi = createWasiKeyValue({ store, allowedStores: ['default'] });
  });

  test('a missing key counts as 0 and the result is stored as an 8-byte little-endian i64', () => {
    const bucket = wasi.store.open('default');
    assert.equal(wasi.atomics.increment(bucket, 'n', 5n), 5n);
    assert.deepEqual(bucket.get('n'), new Uint8Array([5, 0, 0, 0, 0, 0, 0, 0]));
    assert.equal(wasi.atomics.increment(bucket, 'n', 300n), 305n);
    assert.deepEqual(bucket.get('n'), new Uint8Array([0x31, 0x01, 0, 0, 0, 0, 0, 0]));
  });

  test("negative results are two's complement", () => {
    const bucket = wasi.store.open('default');
    assert.equal(wasi.atomics.increment(bucket, 'n', -2n), -2n);
    assert.deepEqual(bucket.get('n'), new Uint8Array([0xfe, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]));
  });

  test("i64 overflow wraps around, as Spin's release build does", () => {
    const bucket = wasi.store.open('default');
    bucket.set('n', i64(9223372036854775807n));
    assert.equal(wasi.atomics.increment(bucket, 'n', 1n), -9223372036854775808n);
    assert.deepEqual(bucket.get('n'), i64(-9223372036854775808n));
  });

  test('a value that is not 8 bytes traps (Spin panics) and leaves the value and no transaction behind', () => {
    const bucket = wasi.store.open('default');
    bucket.set('n', bytes('abc'));
    const error = thrown(() => wasi.atomics.increment(bucket, 'n', 1n));
    assert.ok(error instanceof Error, 'a thrown Error is a trap in jco');
    assert.match(error.message, /3 bytes, not an 8-byte little-endian i64/);
    assert.equal(text(bucket.get('n')), 'abc');
    assert.doesNotThrow(() => db.run('BEGIN; COMMIT;'), 'no transaction was left open');
  });
});

describe('wasi:keyvalue/atomics@0.2.0-draft2 compare-and-swap', () => {
  let wasi: ReturnType<typeof createWasiKeyValue>;
  beforeEach(() => {
    wasi = createWasiKeyValue({ store, allowedStores: ['default'] });
  });

  test('cas.new reads nothing; current() reads the value', () => {
    const bucket = wasi.store.open('default');
    const cas = wasi.atomics.Cas.new(bucket, 'k');
    bucket.set('k', bytes('later'));
    assert.equal(text(cas.current()), 'later');
  });

  test('swap succeeds when the value is still the one current() read', () => {
    const bucket = wasi.store.open('default');
    bucket.set('k', bytes('old'));
    const cas = wasi.atomics.Cas.new(bucket, 'k');
    assert.equal(text(cas.current()), 'old');
    wasi.atomics.swap(cas, bytes('new'));
    assert.equal(text(bucket.get('k')), 'new');
  });

  test('swap after a concurrent change is cas-failed with a fresh cas whose current() is already read', () => {
    const bucket = wasi.store.open('default');
    bucket.set('k', bytes('old'));
    const cas = wasi.atomics.Cas.new(bucket, 'k');
    cas.current();
    bucket.set('k', bytes('theirs'));
    const error = thrown(() => wasi.atomics.swap(cas, bytes('mine'))) as { tag: string; val: ReturnType<typeof wasi.atomics.Cas.new> };
    assert.equal(error.tag, 'cas-failed');
    assert.ok(error.val instanceof wasi.atomics.Cas);
    assert.notEqual(error.val, cas);
    assert.equal(text(error.val.remembered), 'theirs', 'the fresh cas has read the current value');
    assert.equal(text(bucket.get('k')), 'theirs');
    wasi.atomics.swap(error.val, bytes('mine'));
    assert.equal(text(bucket.get('k')), 'mine');
  });

  test('swap without current() upserts unconditionally, even over an existing value', () => {
    const bucket = wasi.store.open('default');
    bucket.set('k', bytes('existing'));
    wasi.atomics.swap(wasi.atomics.Cas.new(bucket, 'k'), bytes('v'));
    assert.equal(text(bucket.get('k')), 'v');
  });

  test('swap when current() saw no value upserts, so a racing insert goes undetected', () => {
    const bucket = wasi.store.open('default');
    const cas = wasi.atomics.Cas.new(bucket, 'k');
    assert.equal(cas.current(), undefined);
    bucket.set('k', bytes('racer'));
    wasi.atomics.swap(cas, bytes('v'));
    assert.equal(text(bucket.get('k')), 'v');
  });

  test('a store failure during swap is store-error(other(message))', () => {
    const bucket = wasi.store.open('default');
    const cas = wasi.atomics.Cas.new(bucket, 'k');
    db.run('DROP TABLE spin_key_value');
    const error = thrown(() => wasi.atomics.swap(cas, bytes('v'))) as { tag: string; val: { tag: string; val: string } };
    assert.equal(error.tag, 'store-error');
    assert.equal(error.val.tag, 'other');
    assert.match(error.val.val, /no such table/);
  });

  test('cas-failed on a dropped bucket is store-error(no-such-store)', () => {
    const bucket = wasi.store.open('default');
    bucket.set('k', bytes('old'));
    const cas = wasi.atomics.Cas.new(bucket, 'k');
    cas.current();
    bucket.set('k', bytes('theirs'));
    (bucket as unknown as Record<symbol, () => void>)[dispose]!();
    assert.deepEqual(
      thrown(() => wasi.atomics.swap(cas, bytes('mine'))),
      { tag: 'store-error', val: { tag: 'no-such-store' } },
    );
  });
});

describe('wasi:keyvalue/batch@0.2.0-draft2', () => {
  let wasi: ReturnType<typeof createWasiKeyValue>;
  beforeEach(() => {
    wasi = createWasiKeyValue({ store, allowedStores: ['default'] });
  });

  test('get-many returns only existing keys, in index order, each once, values present', () => {
    const bucket = wasi.store.open('default');
    for (const key of ['zeta', 'b', 'é', '10']) bucket.set(key, bytes(`v-${key}`));
    const found = wasi.batch.getMany(bucket, ['zeta', 'missing', 'b', 'é', 'b', '10']);
    assert.deepEqual(
      found.map(([key, value]) => [key, text(value)]),
      [
        ['10', 'v-10'],
        ['b', 'v-b'],
        ['zeta', 'v-zeta'],
        ['é', 'v-é'],
      ],
    );
  });

  test('get-many over the IN-list chunk size keeps index order across chunks', () => {
    const bucket = wasi.store.open('default');
    const keys = Array.from({ length: 1200 }, (_, i) => `k${String(i).padStart(4, '0')}`);
    wasi.batch.setMany(
      bucket,
      keys.map((key) => [key, bytes(key)]),
    );
    const found = wasi.batch.getMany(bucket, [...keys].reverse());
    assert.equal(found.length, 1200);
    assert.deepEqual(
      found.map(([key]) => key),
      keys,
    );
  });

  test('get-many of nothing is an empty list', () => {
    assert.deepEqual(wasi.batch.getMany(wasi.store.open('default'), []), []);
  });

  test('set-many upserts all entries; delete-many removes existing keys and ignores absent ones', () => {
    const bucket = wasi.store.open('default');
    bucket.set('a', bytes('old'));
    wasi.batch.setMany(bucket, [
      ['a', bytes('1')],
      ['b', bytes('2')],
      ['c', bytes('3')],
    ]);
    assert.deepEqual(bucket.listKeys(undefined).keys, ['a', 'b', 'c']);
    assert.equal(text(bucket.get('a')), '1');
    wasi.batch.deleteMany(bucket, ['a', 'c', 'absent']);
    assert.deepEqual(bucket.listKeys(undefined).keys, ['b']);
  });

  test('set-many is one transaction: a failure writes nothing and leaves no transaction open', () => {
    const bucket = wasi.store.open('default');
    db.run("CREATE TRIGGER no_bad BEFORE INSERT ON spin_key_value WHEN NEW.key = 'bad' BEGIN SELECT RAISE(ABORT, 'bad key'); END");
    const error = thrown(() =>
      wasi.batch.setMany(bucket, [
        ['good', bytes('1')],
        ['bad', bytes('2')],
      ]),
    ) as { tag: string; val: string };
    assert.deepEqual(error, { tag: 'other', val: 'bad key' });
    assert.equal(bucket.exists('good'), false);
    assert.deepEqual(changes, [], 'nothing was journalled');
    assert.ok(db.export().byteLength > 0, 'export() works, so no transaction is open');
  });

  test("get-many results over 128 MiB fail with Spin's message", () => {
    const fake = { getMany: () => [['k', { byteLength: MAX_HOST_BUFFERED_BYTES }]] } as unknown as SqliteKvStore;
    const big = createWasiKeyValue({ store: fake, allowedStores: ['default'] });
    assert.deepEqual(
      thrown(() => big.batch.getMany(big.store.open('default'), ['k'])),
      {
        tag: 'other',
        val: 'query result exceeds limit of 134217728 bytes',
      },
    );
  });
});

describe('one store behind every version', () => {
  test('data written through one version is visible through the others', () => {
    const allowed = { store, allowedStores: ['default'] };
    const spin1 = createKeyValueSpin1(allowed);
    const v2 = createKeyValueV2(allowed).Store.open('default');
    const wasi = createWasiKeyValue(allowed);
    const bucket = wasi.store.open('default');
    const h = spin1.open('default');
    spin1.set(h, 'from-spin1', bytes('1'));
    v2.set('from-v2', bytes('2'));
    wasi.atomics.increment(bucket, 'from-wasi', 3n);
    assert.equal(text(v2.get('from-spin1')), '1');
    assert.equal(text(bucket.get('from-v2')), '2');
    assert.deepEqual(spin1.get(h, 'from-wasi'), i64(3n));
    assert.deepEqual(spin1.getKeys(h), ['from-spin1', 'from-v2', 'from-wasi']);
  });

  test('every write through every version produces journal changes, in order', () => {
    const writes: string[] = [];
    const allowed = { store, allowedStores: ['default'], onWrite: (label: string) => writes.push(label) };
    const spin1 = createKeyValueSpin1(allowed);
    const wasi = createWasiKeyValue(allowed);
    const bucket = wasi.store.open('default');
    spin1.set(spin1.open('default'), 'a', bytes('1'));
    wasi.batch.setMany(bucket, [
      ['b', bytes('2')],
      ['c', bytes('3')],
    ]);
    wasi.atomics.increment(bucket, 'n', 7n);
    const cas = wasi.atomics.Cas.new(bucket, 'a');
    cas.current();
    wasi.atomics.swap(cas, bytes('swapped'));
    wasi.batch.deleteMany(bucket, ['b', 'c']);
    bucket.delete('a');
    assert.deepEqual(
      changes.map((c) => [c.op, c.key, c.op === 'set' ? text(c.value) : undefined]),
      [
        ['set', 'a', '1'],
        ['set', 'b', '2'],
        ['set', 'c', '3'],
        ['set', 'n', text(i64(7n))],
        ['set', 'a', 'swapped'],
        ['delete', 'b', undefined],
        ['delete', 'c', undefined],
        ['delete', 'a', undefined],
      ],
    );
    assert.equal(writes.length, 6);
  });

  test('a failed swap writes nothing and journals nothing', () => {
    const wasi = createWasiKeyValue({ store, allowedStores: ['default'] });
    const bucket = wasi.store.open('default');
    bucket.set('k', bytes('old'));
    const cas = wasi.atomics.Cas.new(bucket, 'k');
    cas.current();
    bucket.set('k', bytes('theirs'));
    changes.length = 0;
    thrown(() => wasi.atomics.swap(cas, bytes('mine')));
    assert.deepEqual(changes, []);
  });

  test('replaying the journal reproduces batch, increment and swap writes', () => {
    const snapshot = db.export();
    const wasi = createWasiKeyValue({ store, allowedStores: ['default'] });
    const bucket = wasi.store.open('default');
    wasi.batch.setMany(bucket, [
      ['a', bytes('1')],
      ['b', bytes('2')],
    ]);
    wasi.atomics.increment(bucket, 'n', -4n);
    wasi.atomics.swap(wasi.atomics.Cas.new(bucket, 'a'), bytes('x'));
    wasi.batch.deleteMany(bucket, ['b']);
    const restored = new SqliteKvStore(new SQL.Database(snapshot));
    for (const change of changes) restored.replay(change);
    assert.deepEqual(restored.keys('default'), ['a', 'n']);
    assert.equal(text(restored.get('default', 'a')), 'x');
    assert.deepEqual(restored.get('default', 'n'), i64(-4n));
  });

  test('host calls are traced with Spin-shaped outcomes, traps included', () => {
    const calls: string[] = [];
    const wasi = createWasiKeyValue({ store, allowedStores: ['default'], onCall: (call, outcome) => calls.push(`${call} -> ${outcome}`) });
    const bucket = wasi.store.open('default');
    bucket.set('s', bytes('x'));
    thrown(() => bucket.listKeys('c'));
    thrown(() => wasi.atomics.increment(bucket, 's', 1n));
    assert.deepEqual(calls, [
      'store.open("default") -> ok("bucket(default)")',
      'bucket.set("s", "x") -> ok(none)',
      'bucket.list-keys("c") -> err(other: list_keys: cursor not supported)',
      'atomics.increment("s", 1) -> trap(increment: the value of key "s" in store "default" is 1 bytes, not an 8-byte little-endian i64)',
    ]);
  });
});
