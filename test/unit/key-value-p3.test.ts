/**
 * `spin:key-value/key-value@3.0.0` (Spin 4) on real sql.js: every function returns a Promise
 * (the guest's call becomes a subtask), errors are Spin's `v3::Error` cases as rejected plain
 * objects, `get-keys` hands over a stream and a future that settles after the stream ends, and
 * the data is the same table every other version uses (docs/spin4.md). The guest side runs in
 * the browser tests (test/browser/spin4-key-value.test.ts): Node 20 has no JSPI.
 */
import { beforeEach, test } from 'node:test';
import assert from 'node:assert/strict';
import initSqlJs from 'sql.js';
import { SqliteKvStore } from '../../src/storage/sqlite-store.ts';
import { createKeyValueV2 } from '../../src/host/key-value.ts';
import { createKeyValueV3 } from '../../src/host/key-value-p3.ts';
import { CLOUD_KV_LIMITS, KvLimits } from '../../src/host/key-value-limits.ts';

const SQL = await initSqlJs();
const bytes = (text: string) => new TextEncoder().encode(text);
const text = (value: Uint8Array | undefined) => (value === undefined ? undefined : new TextDecoder().decode(value));

let store: SqliteKvStore;
let calls: string[];
let writes: string[];
let kv: ReturnType<typeof createKeyValueV3>;

beforeEach(() => {
  store = new SqliteKvStore(new SQL.Database());
  calls = [];
  writes = [];
  kv = createKeyValueV3({
    store,
    allowedStores: ['default'],
    onCall: (call, outcome, startedAt) => calls.push(`${call} → ${outcome}${typeof startedAt === 'number' ? ' (with start)' : ''}`),
    onWrite: (label) => writes.push(label),
  });
});

/** Reads a host stream the way the glue does, one element per step. */
function drain<T>(stream: Iterable<T>): T[] {
  return [...stream];
}

test('open, set, get, exists and delete are async and share the table with 2.0.0', async () => {
  const opened = kv.Store.open('default');
  assert.ok(opened instanceof Promise);
  const s = await opened;
  await s.set('greeting', bytes('hello'));
  assert.equal(text(await s.get('greeting')), 'hello');
  assert.equal(await s.exists('greeting'), true);
  assert.equal(
    text(
      createKeyValueV2({ store, allowedStores: ['default'] })
        .Store.open('default')
        .get('greeting'),
    ),
    'hello',
  );
  await s.delete('greeting');
  assert.equal(await s.get('greeting'), undefined);
  assert.equal(await s.exists('greeting'), false);
  assert.deepEqual(writes, ['default', 'default']);
  assert.deepEqual(calls, [
    'store.open("default") → ok("store(default)") (with start)',
    'set("greeting", "hello") → ok(none) (with start)',
    'get("greeting") → ok("hello") (with start)',
    'exists("greeting") → ok(true) (with start)',
    'delete("greeting") → ok(none) (with start)',
    'get("greeting") → ok(none) (with start)',
    'exists("greeting") → ok(false) (with start)',
  ]);
});

test("a label not in key_value_stores rejects with access-denied, a plain object (the guest's err)", async () => {
  await assert.rejects(kv.Store.open('forbidden'), (error: unknown) => {
    assert.deepEqual(error, { tag: 'access-denied' });
    assert.ok(!(error instanceof Error), 'an Error would be a trap');
    return true;
  });
  assert.deepEqual(calls, ['store.open("forbidden") → err(access-denied) (with start)']);
});

test('a write over a Cloud limit rejects with other(…) and stores nothing', async () => {
  const limits = new KvLimits(true, () => {}).forComponent('writer');
  const limited = createKeyValueV3({ store, allowedStores: ['default'], limits });
  const s = await limited.Store.open('default');
  await assert.rejects(s.set('k'.repeat(CLOUD_KV_LIMITS.keyBytes + 1), bytes('v')), (error: unknown) => {
    assert.equal((error as { tag: string }).tag, 'other');
    assert.ok(!(error instanceof Error));
    return true;
  });
  assert.deepEqual(store.keys('default'), []);
});

test('get-keys streams every key in index order; its future settles only after the stream has ended', async () => {
  const s = await kv.Store.open('default');
  const many = Array.from({ length: 40 }, (_, i) => `key-${String(i).padStart(2, '0')}`);
  for (const key of [...many].reverse()) await s.set(key, bytes('v'));
  calls.length = 0;
  const [keys, done] = await s.getKeys();
  let settled = false;
  void done.then(() => (settled = true));
  const iterator = keys[Symbol.iterator]();
  const first = iterator.next();
  await Promise.resolve();
  assert.deepEqual(first, { value: 'key-00', done: false });
  assert.equal(settled, false, 'the future waits for the stream');
  const rest: string[] = [];
  for (let step = iterator.next(); !step.done; step = iterator.next()) rest.push(step.value);
  assert.deepEqual(['key-00', ...rest], many);
  assert.deepEqual(await done, { tag: 'ok' });
  assert.equal(calls.length, 1);
  assert.match(calls[0]!, /^get-keys\(\) → ok\(\["key-00","key-01",.*"key-39"\]\) \(with start\)$/);
});

test('a guest that drops the keys stream early still gets its future settled, and the trace says so', async () => {
  const s = await kv.Store.open('default');
  for (const key of ['a', 'b', 'c']) await s.set(key, bytes('v'));
  calls.length = 0;
  const [keys, done] = await s.getKeys();
  const iterator = keys[Symbol.iterator]();
  iterator.next();
  iterator.return?.();
  assert.deepEqual(await done, { tag: 'ok' });
  assert.deepEqual(calls, ['get-keys() → ok(["a"], stream dropped after 1 of 3) (with start)']);
  assert.deepEqual(drain((await s.getKeys())[0]), ['a', 'b', 'c']);
});

test('a store error while listing keys reaches the guest through the future, after an empty stream', async () => {
  const s = await kv.Store.open('default');
  store.keys = () => {
    throw new Error('disk I/O error');
  };
  const [keys, done] = await s.getKeys();
  assert.deepEqual(drain(keys), []);
  assert.deepEqual(await done, { tag: 'err', val: { tag: 'other', val: 'disk I/O error' } });
  assert.match(calls.at(-1)!, /^get-keys\(\) → err\(other: disk I\/O error\) \(with start\)$/);
});
