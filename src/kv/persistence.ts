/**
 * Durable key-value data in IndexedDB: a snapshot of the whole sql.js database plus a journal of
 * the changes made since. A write costs one small journal append (O(1) in the database size);
 * the snapshot is rewritten off the request path only once the journal has grown to a fraction
 * of the database, so the amortised cost per written byte stays flat as the database grows.
 *
 * The engine awaits `flush()` before it answers a request, so a write the app acknowledged has
 * reached IndexedDB before the client sees the response.
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
  readonly #idb: IDBPDatabase<PlaygroundDb>;
  readonly #db: Database;
  #pending: KvChange[] = [];
  #journalBytes = 0;
  #dbBytesEstimate: number;
  #checkpointing: Promise<void> | null = null;

  private constructor(idb: IDBPDatabase<PlaygroundDb>, db: Database, dbBytes: number) {
    this.#idb = idb;
    this.#db = db;
    this.#dbBytesEstimate = dbBytes;
  }

  /**
   * Open the project's database: load the snapshot, then let `replay` apply the journal on top.
   * `replay` is given each journalled change in order.
   */
  static async open(
    SQL: SqlJsStatic,
    replay: (db: Database, changes: KvChange[]) => void,
  ): Promise<{ db: Database; persistence: KvPersistence }> {
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

  /** Remember a change; it reaches IndexedDB at the next `flush()`. */
  record(change: KvChange): void {
    this.#pending.push(change);
  }

  /** Write remembered changes to the journal in one transaction, and resolve once committed. */
  async flush(): Promise<void> {
    if (this.#pending.length === 0) return;
    const changes = this.#pending;
    this.#pending = [];
    const tx = this.#idb.transaction('journal', 'readwrite');
    const store = tx.objectStore('journal');
    for (const change of changes) void store.add(change);
    await tx.done;
    this.#journalBytes += changes.reduce((sum, c) => sum + changeBytes(c), 0);
    if (this.#journalBytes > Math.max(MIN_CHECKPOINT_BYTES, this.#dbBytesEstimate / 4)) {
      this.#checkpointing ??= this.checkpoint().finally(() => (this.#checkpointing = null));
    }
  }

  /**
   * Rewrite the snapshot and drop the journal entries it contains, in one transaction, so a
   * crash at any point leaves either the old snapshot plus journal or the new snapshot.
   */
  async checkpoint(): Promise<void> {
    const lastKey = await this.#lastJournalKey();
    const bytes = this.#db.export();
    const tx = this.#idb.transaction(['snapshot', 'journal'], 'readwrite');
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

  async #lastJournalKey(): Promise<number> {
    const cursor = await this.#idb.transaction('journal').store.openCursor(null, 'prev');
    return cursor ? cursor.key : 0;
  }
}

function changeBytes(change: KvChange): number {
  return change.key.length + change.store.length + (change.op === 'set' ? change.value.byteLength : 0) + 16;
}
