/**
 * The optional Fermyon Cloud key-value limits (src/host/key-value-limits.ts) through every
 * interface version on real sql.js: with the switch on, a key over 255 bytes, a value over
 * 1,000,000 bytes and a new key past 1,024 per store are refused with the interface's
 * `other`/`io` error and nothing is stored; with it off (as `spin up`) everything is stored and
 * each kind of limit warns once per load. The store-count check runs at load (app-loader.ts).
 */
import { beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import initSqlJs from 'sql.js';
import { SqliteKvStore } from '../../src/storage/sqlite-store.ts';
import { createKeyValueCore, createKeyValueSpin1, createKeyValueV2, createWasiKeyValue } from '../../src/host/key-value.ts';
import { CLOUD_KV_LIMITS, CLOUD_LIMITS_NOTE, KvLimits, shortKey, utf8Length } from '../../src/host/key-value-limits.ts';
import type { LogEntry } from '../../src/protocol/messages.ts';

const SQL = await initSqlJs();
const bytes = (text: string) => new TextEncoder().encode(text);

function thrown(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    return error;
  }
  assert.fail('expected the call to fail');
}

/** The `val` of an `{ tag: 'other' | 'io', val }` error value, asserting the tag. */
function errorText(error: unknown, tag: string): string {
  const value = error as { tag?: unknown; val?: unknown };
  assert.equal(value.tag, tag, `expected ${tag}, got ${JSON.stringify(error)}`);
  assert.equal(typeof value.val, 'string');
  return value.val as string;
}

let store: SqliteKvStore;
let logs: Array<Omit<LogEntry, 'time'>>;
const limits = (cloud: boolean) => new KvLimits(cloud, (entry) => logs.push(entry)).forComponent('writer');
const warnings = () => logs.filter((e) => e.level === 'warn').map((e) => e.message);
const errors = () => logs.filter((e) => e.level === 'error').map((e) => e.message);

const KEY_300 = 'k'.repeat(300);
const KEY_255 = 'k'.repeat(CLOUD_KV_LIMITS.keyBytes);
const BIG_VALUE = new Uint8Array(1_100_000);
const MAX_VALUE = new Uint8Array(CLOUD_KV_LIMITS.valueBytes);

beforeEach(() => {
  store = new SqliteKvStore(new SQL.Database());
  logs = [];
});

describe('the numbers', () => {
  test('Fermyon Cloud: 255-byte keys, 1,000,000-byte values, 1,024 keys per store, 5 stores', () => {
    assert.deepEqual({ ...CLOUD_KV_LIMITS }, { keyBytes: 255, valueBytes: 1_000_000, keysPerStore: 1024, stores: 5 });
  });

  test('key size counts UTF-8 bytes, not characters', () => {
    assert.equal(utf8Length('abc'), 3);
    assert.equal(utf8Length('é'), 2);
    assert.equal(utf8Length('€'), 3);
    assert.equal(utf8Length('😀'), 4);
  });

  test('log lines truncate keys to 40 characters', () => {
    assert.equal(shortKey('short'), '"short"');
    assert.equal(shortKey('x'.repeat(41)), `"${'x'.repeat(40)}"…`);
  });
});

describe('fermyon:spin/key-value@2.0.0 with Cloud limits on', () => {
  let s: ReturnType<ReturnType<typeof createKeyValueV2>['Store']['open']>;
  beforeEach(() => {
    s = createKeyValueV2({ store, allowedStores: ['default'], limits: limits(true) }).Store.open('default');
  });

  test('a 255-byte key and a 1,000,000-byte value are accepted', () => {
    s.set(KEY_255, MAX_VALUE);
    assert.equal(store.get('default', KEY_255)?.byteLength, CLOUD_KV_LIMITS.valueBytes);
    assert.deepEqual(logs, []);
  });

  test('a 256-byte key (128 two-byte characters) is other(...) naming the limit and size; nothing stored', () => {
    const key = 'é'.repeat(128);
    const message = errorText(
      thrown(() => s.set(key, bytes('v'))),
      'other',
    );
    assert.match(message, /key is 256 bytes \(UTF-8\), over the key size limit of 255 bytes/);
    assert.ok(message.endsWith(CLOUD_LIMITS_NOTE), message);
    assert.equal(store.exists('default', key), false);
    assert.equal(store.count('default'), 0);
  });

  test('a 1,000,001-byte value is refused; the log names component, store and the truncated key', () => {
    const message = errorText(
      thrown(() => s.set(KEY_300.slice(0, 50), new Uint8Array(1_000_001))),
      'other',
    );
    assert.match(message, /value is 1000001 bytes, over the value size limit of 1000000 bytes/);
    assert.equal(store.count('default'), 0);
    assert.equal(errors().length, 1);
    assert.match(errors()[0]!, /^key-value write refused \(component "writer", store "default", key "k{40}"…\): value is 1000001 bytes/);
    assert.match(errors()[0]!, /Fermyon Cloud limits \(switch off in the playground to match spin up\)$/);
  });

  test('the 1,025th key is refused, overwriting one of the 1,024 is fine, and so is a new key after a delete', () => {
    for (let i = 0; i < CLOUD_KV_LIMITS.keysPerStore; i++) s.set(`key-${i}`, bytes(String(i)));
    assert.equal(store.count('default'), 1024);
    const message = errorText(
      thrown(() => s.set('one-too-many', bytes('x'))),
      'other',
    );
    assert.match(message, /store "default" holds 1024 keys and this write would make 1025, over the limit of 1024 keys per store/);
    assert.equal(store.exists('default', 'one-too-many'), false);
    s.set('key-7', bytes('overwritten'));
    assert.equal(new TextDecoder().decode(store.get('default', 'key-7')), 'overwritten');
    s.delete('key-0');
    s.set('one-too-many', bytes('x'));
    assert.equal(store.count('default'), 1024);
  });

  test('each store counts its own keys', () => {
    const both = createKeyValueV2({ store, allowedStores: ['default', 'other'], limits: limits(true) }).Store;
    for (let i = 0; i < 1024; i++) store.set('default', `k${i}`, bytes('x'));
    both.open('other').set('fine', bytes('x'));
    assert.equal(store.count('other'), 1);
    assert.ok(thrown(() => both.open('default').set('no', bytes('x'))));
  });
});

describe('Cloud limits off (spin up): stored, one warning per kind per load', () => {
  test('a 300-byte key and a 1.1 MB value are stored; two warnings name the documented limits and their sources', () => {
    const s = createKeyValueV2({ store, allowedStores: ['default'], limits: limits(false) }).Store.open('default');
    s.set(KEY_300, BIG_VALUE);
    s.set(`${KEY_300}again`, BIG_VALUE);
    s.set('other-key', BIG_VALUE);
    assert.equal(store.get('default', KEY_300)?.byteLength, 1_100_000);
    assert.equal(store.count('default'), 3);
    const warned = warnings();
    assert.equal(warned.length, 2, warned.join('\n'));
    assert.match(
      warned[0]!,
      new RegExp(
        /component "writer", store "default", key "k{40}"…: key is 300 bytes \(UTF-8\), /.source +
          /over the documented key size limit of 255 bytes \(Fermyon Cloud FAQ: 255 bytes; spin-docs/.source,
      ),
    );
    assert.match(warned[1]!, /value is 1100000 bytes, over the documented value size limit of 1000000 bytes \(1 MB\) \(Fermyon Cloud FAQ: 1 MB; spin-docs/);
    for (const line of warned) assert.match(line, /spin up enforces none, so it was stored/);
    assert.deepEqual(errors(), []);
  });

  test('the 1,025th key is stored with one warning; later keys do not warn again', () => {
    const s = createKeyValueV2({ store, allowedStores: ['default'], limits: limits(false) }).Store.open('default');
    for (let i = 0; i < 1030; i++) s.set(`key-${i}`, bytes('x'));
    assert.equal(store.count('default'), 1030);
    assert.equal(warnings().length, 1);
    assert.match(
      warnings()[0]!,
      /holds 1024 keys and this write would make 1025, over the documented limit of 1024 keys per store \(Fermyon Cloud FAQ: 1,024 keys/,
    );
  });

  test('a new load warns again', () => {
    for (const _ of [1, 2])
      createKeyValueV2({ store, allowedStores: ['default'], limits: limits(false) })
        .Store.open('default')
        .set(KEY_300, bytes('x'));
    assert.equal(warnings().length, 2);
  });

  test('without limits (no app load, e.g. a bare host) nothing is checked or logged', () => {
    createKeyValueV2({ store, allowedStores: ['default'] })
      .Store.open('default')
      .set(KEY_300, BIG_VALUE);
    assert.equal(store.count('default'), 1);
    assert.deepEqual(logs, []);
  });
});

describe('every interface version shares the check (Cloud limits on)', () => {
  test('unversioned Spin 1: io(...) with the same text', () => {
    const kv = createKeyValueSpin1({ store, allowedStores: ['default'], limits: limits(true) });
    const handle = kv.open('default');
    assert.match(
      errorText(
        thrown(() => kv.set(handle, KEY_300, bytes('v'))),
        'io',
      ),
      /key is 300 bytes/,
    );
    assert.match(
      errorText(
        thrown(() => kv.set(handle, 'k', BIG_VALUE)),
        'io',
      ),
      /value is 1100000 bytes/,
    );
    assert.equal(store.count('default'), 0);
  });

  test('Spin 1 core modules (the core the adapter calls) throw the other error the adapter maps to io', () => {
    const core = createKeyValueCore({ store, allowedStores: ['default'], limits: limits(true) });
    const error = thrown(() => core.set('default', KEY_300, bytes('v'))) as Error & { error?: { kind: string } };
    assert.equal(error.error?.kind, 'other');
    assert.match(error.message, /key is 300 bytes/);
  });

  test('wasi:keyvalue store.set, batch.set-many (all or nothing), atomics.increment and swap', () => {
    const wasi = createWasiKeyValue({ store, allowedStores: ['default'], limits: limits(true) });
    const bucket = wasi.store.open('default');
    assert.match(
      errorText(
        thrown(() => bucket.set(KEY_300, bytes('v'))),
        'other',
      ),
      /key is 300 bytes/,
    );
    assert.match(
      errorText(
        thrown(() =>
          wasi.batch.setMany(bucket, [
            ['fine', bytes('a')],
            ['big', BIG_VALUE],
          ]),
        ),
        'other',
      ),
      /value is 1100000 bytes/,
    );
    assert.equal(store.exists('default', 'fine'), false, 'set-many is refused as a whole');
    assert.match(
      errorText(
        thrown(() => wasi.atomics.increment(bucket, KEY_300, 1n)),
        'other',
      ),
      /key is 300 bytes/,
    );
    const cas = wasi.atomics.Cas.new(bucket, 'c');
    const swapError = thrown(() => wasi.atomics.swap(cas, BIG_VALUE)) as { tag: string; val: unknown };
    assert.equal(swapError.tag, 'store-error');
    assert.match(errorText(swapError.val, 'other'), /value is 1100000 bytes/);
    assert.equal(store.count('default'), 0);
  });

  test('set-many counts only the new distinct keys against 1,024', () => {
    const wasi = createWasiKeyValue({ store, allowedStores: ['default'], limits: limits(true) });
    const bucket = wasi.store.open('default');
    for (let i = 0; i < 1020; i++) store.set('default', `k${i}`, bytes('x'));
    const five = Array.from({ length: 5 }, (_, i) => [`new${i}`, bytes('y')] as [string, Uint8Array]);
    assert.match(
      errorText(
        thrown(() => wasi.batch.setMany(bucket, five)),
        'other',
      ),
      /holds 1020 keys and this write would make 1025/,
    );
    wasi.batch.setMany(bucket, [...five.slice(0, 4), ['new0', bytes('again')], ['k1', bytes('overwrite')]]);
    assert.equal(store.count('default'), 1024);
  });

  test('a conditional swap only updates, so a full store does not refuse it', () => {
    const wasi = createWasiKeyValue({ store, allowedStores: ['default'], limits: limits(true) });
    const bucket = wasi.store.open('default');
    for (let i = 0; i < 1024; i++) store.set('default', `k${i}`, bytes('x'));
    const cas = wasi.atomics.Cas.new(bucket, 'k5');
    cas.current();
    wasi.atomics.swap(cas, bytes('swapped'));
    assert.equal(new TextDecoder().decode(store.get('default', 'k5')), 'swapped');
  });
});

describe('number of stores (checked at load)', () => {
  const byComponent = (...labels: string[][]) => new Map(labels.map((l, i) => [`c${i}`, l]));

  test('five distinct labels pass; a label named by two components counts once', () => {
    const kv = new KvLimits(true, (entry) => logs.push(entry));
    assert.equal(kv.checkStores(byComponent(['default', 'a', 'b'], ['default', 'c', 'd'])), undefined);
    assert.deepEqual(logs, []);
  });

  test('six with Cloud limits on: an error naming the limit and the labels', () => {
    const message = new KvLimits(true, () => {}).checkStores(byComponent(['default', 'a', 'b'], ['c', 'd', 'e']));
    assert.equal(
      message,
      `the app's components name 6 distinct key-value stores ("a", "b", "c", "d", "default", "e"), over the limit of 5 stores per app; ${CLOUD_LIMITS_NOTE}`,
    );
  });

  test('six with Cloud limits off: loads, with one warning naming the source', () => {
    const kv = new KvLimits(false, (entry) => logs.push(entry));
    assert.equal(kv.checkStores(byComponent(['default', 'a', 'b'], ['c', 'd', 'e'])), undefined);
    assert.equal(warnings().length, 1);
    assert.match(
      warnings()[0]!,
      /6 distinct key-value stores .*over the documented limit of 5 stores per app \(Fermyon Cloud FAQ: 5 stores on the Starter plan/,
    );
  });
});
