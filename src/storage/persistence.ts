/**
 * Durable key-value data in IndexedDB: a snapshot of the whole sql.js database plus a journal of
 * the changes made since. A write costs one small journal append (O(1) in the database size);
 * the snapshot is rewritten off the request path only once the journal has grown to a fraction
 * of the database, so the amortised cost per written byte stays flat as the database grows.
 *
 * The engine awaits `flush()` before it answers a request, so a write the app acknowledged has
 * reached IndexedDB before the client sees the response. Concurrent requests share journal
 * transactions: `flush()` resolves only once every change recorded before the call is committed,
 * including changes another request's flush is already writing.
 *
 * Crash safety: each journal append and each checkpoint is one IndexedDB transaction, so a
 * terminated Worker or a closed tab leaves either the old state or the new one, never a torn value.
 * Replaying a change twice is harmless (each records the key's whole new value, or its deletion).
 */
import { openDB, type DBSchema, type IDBPDatabase } from 'idb';
import type { Database, SqlJsStatic } from 'sql.js';
import type { KvChange } from './sqlite-store';

interface PlaygroundDb extends DBSchema {
  snapshot: { key: string; value: { bytes: Uint8Array; journalUpTo: number } };
  journal: { key: number; value: KvChange };
}

const DB_NAME = 'spin-playground-kv';
const SNAPSHOT_KEY = 'spin_key_value';
/** Checkpoint when the journal holds this many bytes, or a quarter of the database if larger. */
const MIN_CHECKPOINT_BYTES = 1 << 20;

export class KvPersistence {
  /** Null when IndexedDB is unavailable: the data then lives in memory only (see `memoryOnly`). */
  readonly #idb: IDBPDatabase<PlaygroundDb> | null;
  readonly #db: Database;
  #pending: KvChange[] = [];
  #journalBytes = 0;
  #dbBytesEstimate: number;
  #checkpointing: Promise<void> | null = null;
  /** Resolves once every journal transaction started so far has committed. */
  #committed: Promise<void> = Promise.resolve();
  /** Set when a journal write failed: memory now holds changes IndexedDB lacks. */
  #failure: Error | null = null;
  #onFailure: (error: Error) => void = () => {};

  private constructor(idb: IDBPDatabase<PlaygroundDb> | null, db: Database, dbBytes: number) {
    this.#idb = idb;
    this.#db = db;
    this.#dbBytesEstimate = dbBytes;
  }

  /**
   * Open the project's database: load the snapshot, then let `replay` apply the journal on top.
   * `replay` is given each journalled change in order.
   */
  static async open(SQL: SqlJsStatic, replay: (db: Database, changes: KvChange[]) => void): Promise<{ db: Database; persistence: KvPersistence }> {
    const idb = await openDB<PlaygroundDb>(DB_NAME, 1, {
      upgrade(database) {
        database.createObjectStore('snapshot');
        database.createObjectStore('journal', { autoIncrement: true });
      },
    });
    const tx = idb.transaction(['snapshot', 'journal'], 'readonly');
    const snapshot = await tx.objectStore('snapshot').get(SNAPSHOT_KEY);
    const journalKeys = await tx.objectStore('journal').getAllKeys();
    const journal = await tx.objectStore('journal').getAll();
    await tx.done;
    const db = snapshot ? new SQL.Database(snapshot.bytes) : new SQL.Database();
    const upTo = snapshot?.journalUpTo ?? 0;
    const changes = journal.filter((_, i) => (journalKeys[i] ?? 0) > upTo);
    replay(db, changes);
    const persistence = new KvPersistence(idb, db, snapshot?.bytes.byteLength ?? 0);
    persistence.#journalBytes = changes.reduce((sum, c) => sum + changeBytes(c), 0);
    return { db, persistence };
  }

  /**
   * For a browser that gives this origin no IndexedDB (blocked storage, some private modes): an
   * empty database that is never saved. The engine logs that the data will not survive it.
   */
  static memoryOnly(SQL: SqlJsStatic): { db: Database; persistence: KvPersistence } {
    const db = new SQL.Database();
    return { db, persistence: new KvPersistence(null, db, 0) };
  }

  /** Remember a change; it reaches IndexedDB at the next `flush()`. */
  record(change: KvChange): void {
    this.#pending.push(change);
  }

  /**
   * Called once if a journal write fails (quota exceeded, storage blocked or deleted): the
   * in-memory database is then ahead of IndexedDB, and only a fresh engine (which reopens the
   * durable state) is consistent again. Writes never acknowledged are the only ones lost.
   */
  onFailure(listener: (error: Error) => void): void {
    this.#onFailure = listener;
  }

  /**
   * Write remembered changes to the journal in one transaction, and resolve once they and every
   * change recorded earlier are committed. Rejects if any journal write failed.
   */
  flush(): Promise<void> {
    if (this.#failure) return Promise.reject(this.#failure);
    const idb = this.#idb;
    if (!idb) {
      this.#pending = [];
      return Promise.resolve();
    }
    if (this.#pending.length > 0) {
      const changes = this.#pending;
      this.#pending = [];
      const tx = idb.transaction('journal', 'readwrite');
      const store = tx.objectStore('journal');
      for (const change of changes) void store.add(change).catch(() => {});
      const written = tx.done.then(
        () => this.#written(changes),
        (error: unknown) => this.#failed(error),
      );
      // IndexedDB runs read-write transactions on one store in the order they were created;
      // chaining keeps `flush()` honest even if a later one settled first.
      this.#committed = Promise.all([this.#committed, written]).then(() => undefined);
    }
    return this.#committed;
  }

  #written(changes: KvChange[]): void {
    this.#journalBytes += changes.reduce((sum, c) => sum + changeBytes(c), 0);
    if (this.#journalBytes > Math.max(MIN_CHECKPOINT_BYTES, this.#dbBytesEstimate / 4)) {
      // Off the request path; a failed checkpoint leaves the journal in place (nothing lost).
      this.#checkpointing ??= this.checkpoint()
        .catch(() => {})
        .finally(() => (this.#checkpointing = null));
    }
  }

  #failed(error: unknown): never {
    const cause = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    const failure = new Error(
      `could not save key-value changes to IndexedDB (${cause}). The browser's storage for this site may be full or blocked; everything saved ` +
        `before is intact.`,
    );
    if (!this.#failure) {
      this.#failure = failure;
      this.#onFailure(failure);
    }
    throw failure;
  }

  /**
   * Rewrite the snapshot and drop the journal entries it contains, in one transaction, so a
   * crash at any point leaves either the old snapshot plus journal or the new snapshot. The last
   * journal key is read in that same transaction, and the image taken right then (sql.js exports
   * synchronously): no journal append can fall between the two.
   */
  async checkpoint(): Promise<void> {
    if (!this.#idb) return;
    const tx = this.#idb.transaction(['snapshot', 'journal'], 'readwrite');
    const cursor = await tx.objectStore('journal').openCursor(null, 'prev');
    const lastKey = cursor ? cursor.key : 0;
    const bytes = this.#db.export();
    void tx.objectStore('snapshot').put({ bytes, journalUpTo: lastKey }, SNAPSHOT_KEY);
    if (lastKey > 0) void tx.objectStore('journal').delete(IDBKeyRange.upperBound(lastKey));
    await tx.done;
    this.#dbBytesEstimate = bytes.byteLength;
    this.#journalBytes = 0;
  }

  /** Size of the last snapshot, for the UI's storage display and the benchmark. */
  get snapshotBytes(): number {
    return this.#dbBytesEstimate;
  }
}

function changeBytes(change: KvChange): number {
  return change.key.length + change.store.length + (change.op === 'set' ? change.value.byteLength : 0) + 16;
}
