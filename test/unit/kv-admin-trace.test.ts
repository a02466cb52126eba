/**
 * The engine side of the key-value explorer (every change goes through the store, so persistence
 * journals it, and is flushed before the answer) and of the Trace panel (a per-request recorder).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import initSqlJs from 'sql.js';
import { SqliteKvStore, type KvChange } from '../../src/storage/sqlite-store.ts';
import { runKvAdmin } from '../../src/engine/kv-admin.ts';
import { TraceRecorder } from '../../src/engine/trace.ts';
import type { RequestTrace } from '../../src/protocol/messages.ts';

const SQL = await initSqlJs();
const buffer = (text: string) => new TextEncoder().encode(text).buffer as ArrayBuffer;
const text = (value: ArrayBuffer | null) => (value === null ? null : new TextDecoder().decode(value));

test('explorer edits go through the store: journalled, flushed, and announced', async () => {
  const kv = new SqliteKvStore(new SQL.Database());
  const journal: KvChange[] = [];
  kv.onChange((change) => journal.push(change));
  const events: string[] = [];
  const deps = { kv, flush: async () => void events.push('flush'), onKvWrite: (store: string) => events.push(`changed ${store}`) };
  assert.deepEqual(
    await runKvAdmin(
      {
        op: 'import',
        store: 'default',
        entries: [
          ['b', buffer('2')],
          ['a', buffer('1')],
          ['ab', buffer('3')],
        ],
      },
      deps,
    ),
    { op: 'done', changed: 3 },
  );
  assert.deepEqual(events, ['flush', 'changed default'], 'durable before anyone hears of it');
  assert.deepEqual(await runKvAdmin({ op: 'list', store: 'default', prefix: 'a', limit: 1 }, deps), { op: 'list', keys: ['a'], total: 3, matched: 2 });
  assert.equal(text(((await runKvAdmin({ op: 'get', store: 'default', key: 'ab' }, deps)) as { value: ArrayBuffer | null }).value), '3');
  await runKvAdmin({ op: 'set', store: 'other', key: 'x', value: buffer('y') }, deps);
  assert.deepEqual(await runKvAdmin({ op: 'stores' }, deps), {
    op: 'stores',
    stores: [
      { name: 'default', keys: 3 },
      { name: 'other', keys: 1 },
    ],
  });
  await runKvAdmin({ op: 'delete', store: 'default', keys: ['a'] }, deps);
  await runKvAdmin({ op: 'clear', store: null }, deps);
  assert.deepEqual(kv.stores(), []);
  assert.deepEqual(
    journal.map((c) => `${c.op} ${c.store}/${c.key}`),
    ['set default/b', 'set default/a', 'set default/ab', 'set other/x', 'delete default/a', 'delete default/ab', 'delete default/b', 'delete other/x'],
  );
});

test('a failing store operation is an error result, not a thrown error', async () => {
  const db = new SQL.Database();
  const kv = new SqliteKvStore(db);
  db.close();
  const result = await runKvAdmin({ op: 'stores' }, { kv, flush: async () => {} });
  assert.equal(result.op, 'error');
});

test('a trace records route, calls in order with their time, and is sent again when a streamed body makes more calls', async () => {
  const sent: RequestTrace[] = [];
  const recorder = new TraceRecorder({ method: 'GET', pathWithQuery: '/a?b', headers: [['Accept', 'text/html,*/*']], body: null }, 'preview', (t) =>
    sent.push(t),
  );
  recorder.routed('component', 'api', '/...');
  recorder.call('api', 'store.open("default")', 'ok("store(default)")');
  recorder.call('api', 'get("k")', 'err(access-denied)');
  recorder.finish(200, { routeMs: 0, instantiateMs: 1, handlerMs: 2, persistMs: 0, totalMs: 3 }, true);
  assert.equal(sent.length, 1);
  const first = sent[0]!;
  assert.equal(first.navigation, true, 'a document load of the preview');
  assert.deepEqual([first.kind, first.handledBy, first.route, first.status, first.streaming], ['component', 'api', '/...', 200, true]);
  assert.deepEqual(
    first.calls.map((c) => c.call),
    ['store.open("default")', 'get("k")'],
  );
  assert.ok(first.calls[0]!.atMs <= first.calls[1]!.atMs);
  recorder.call('api', 'set("k", "v")', 'ok(none)');
  await new Promise((resolve) => setTimeout(resolve, 80));
  assert.equal(sent.length, 2);
  assert.equal(sent[1]!.id, first.id);
  assert.equal(sent[1]!.calls.length, 3);
  const console_ = new TraceRecorder({ method: 'GET', pathWithQuery: '/', headers: [['accept', 'text/html']], body: null }, 'console', () => {});
  assert.equal(console_.trace.navigation, false, 'only the preview navigates');
  assert.notEqual(console_.trace.id, first.id);
});
