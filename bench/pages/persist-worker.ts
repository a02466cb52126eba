/**
 * Runs the playground's real key-value persistence (src/storage/persistence.ts: IndexedDB journal +
 * snapshot checkpoints) over the real SqliteKvStore on sql.js, in a dedicated Worker as the
 * engine does. One worker per step, so the IndexedDB connection closes when it is terminated.
 *
 *   fill   { targetBytes }  grow the database to targetBytes (4 KB random values, in one
 *                           transaction, bypassing the journal) and checkpoint it, so the snapshot
 *                           in IndexedDB has that size: as after a long-lived app's checkpoint.
 *   writes { count, valueBytes }  reopen (timed), then `count` writes of one value each, every
 *                           one followed by the `flush()` the engine awaits before it answers.
 */
/// <reference lib="webworker" />
import initSqlJs from 'sql.js';
import sqlWasmUrl from 'sql.js/dist/sql-wasm-browser.wasm?url';
import { KvPersistence } from '../../src/storage/persistence';
import { SqliteKvStore, type KvChange } from '../../src/storage/sqlite-store';

const FILL_VALUE_BYTES = 4000;

function randomBytes(n: number): Uint8Array {
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i += 65536) crypto.getRandomValues(out.subarray(i, Math.min(n, i + 65536)));
  return out;
}

async function open() {
  const SQL = await initSqlJs({ locateFile: () => sqlWasmUrl });
  const started = performance.now();
  const { db, persistence } = await KvPersistence.open(SQL, (database, changes) => {
    const replayer = new SqliteKvStore(database);
    for (const change of changes) replayer.replay(change);
  });
  return { db, persistence, openMs: performance.now() - started };
}

self.onmessage = async (event: MessageEvent<{ cmd: 'fill'; targetBytes: number } | { cmd: 'writes'; count: number; valueBytes: number }>) => {
  try {
    const message = event.data;
    if (message.cmd === 'fill') {
      const { db, persistence } = await open();
      const store = new SqliteKvStore(db);
      const size = () => {
        const [pages, pageSize] = [db.exec('PRAGMA page_count')[0]!.values[0]![0], db.exec('PRAGMA page_size')[0]!.values[0]![0]];
        return Number(pages) * Number(pageSize);
      };
      let i = 0;
      while (size() < message.targetBytes) {
        db.run('BEGIN');
        for (let j = 0; j < 256 && i * FILL_VALUE_BYTES < message.targetBytes * 1.2; j++, i++) {
          const change: KvChange = { op: 'set', store: 'default', key: `fill-${i}`, value: randomBytes(FILL_VALUE_BYTES) };
          store.replay(change); // not journalled: the checkpoint below writes it as the snapshot
        }
        db.run('COMMIT');
      }
      const exportStart = performance.now();
      const exported = db.export(); // the synchronous part of a checkpoint: it blocks the engine thread
      const exportMs = performance.now() - exportStart;
      const checkpointStart = performance.now();
      await persistence.checkpoint();
      const checkpointMs = performance.now() - checkpointStart;
      self.postMessage({ ok: true, rows: i, dbBytes: persistence.snapshotBytes, exportedBytes: exported.byteLength, exportMs, checkpointMs });
    } else {
      const { db, persistence, openMs } = await open();
      const store = new SqliteKvStore(db);
      store.onChange((change) => persistence.record(change));
      const value = randomBytes(message.valueBytes);
      const durations: number[] = [];
      const setMs: number[] = [];
      for (let i = 0; i < message.count; i++) {
        const started = performance.now();
        store.set('default', `bench-${i % 64}`, value);
        const flushStart = performance.now();
        await persistence.flush();
        const ended = performance.now();
        setMs.push(flushStart - started);
        durations.push(ended - flushStart);
      }
      self.postMessage({ ok: true, dbBytes: persistence.snapshotBytes, openMs, durations, setMs });
    }
  } catch (error) {
    self.postMessage({ ok: false, error: error instanceof Error ? `${error.message}\n${error.stack}` : String(error) });
  }
};
