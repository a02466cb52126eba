/**
 * Durable SQLite databases (`sqlite_databases`) in IndexedDB: one saved image per label, written
 * after a request that may have changed it and before the response is acknowledged. Unlike the
 * key-value store, arbitrary SQL cannot be journalled as small changes, so the whole image is
 * saved; that is cheap for the small databases a playground holds (about 5 ms per MB).
 */
import { openDB, type DBSchema, type IDBPDatabase } from 'idb';
import type { SqliteDatabases } from './sqlite-databases';

interface SqliteDb extends DBSchema {
  databases: { key: string; value: Uint8Array };
}

export class SqlitePersistence {
  readonly #idb: IDBPDatabase<SqliteDb>;
  readonly #dirty = new Set<string>();

  private constructor(idb: IDBPDatabase<SqliteDb>) {
    this.#idb = idb;
  }

  /** Open the store and read every saved database image. */
  static async open(): Promise<{ persistence: SqlitePersistence; initial: Map<string, Uint8Array> }> {
    const idb = await openDB<SqliteDb>('spin-playground-sqlite', 1, {
      upgrade(database) {
        database.createObjectStore('databases');
      },
    });
    const tx = idb.transaction('databases');
    const [keys, values] = await Promise.all([tx.store.getAllKeys(), tx.store.getAll()]);
    await tx.done;
    return { persistence: new SqlitePersistence(idb), initial: new Map(keys.map((k, i) => [k, values[i]!])) };
  }

  markDirty(label: string): void {
    this.#dirty.add(label);
  }

  /** Save every database changed since the last flush, in one transaction. */
  async flush(databases: SqliteDatabases): Promise<void> {
    if (this.#dirty.size === 0) return;
    const labels = [...this.#dirty];
    this.#dirty.clear();
    const images = labels.flatMap((label) => {
      const bytes = databases.export(label);
      return bytes ? [[label, bytes] as const] : [];
    });
    const tx = this.#idb.transaction('databases', 'readwrite');
    for (const [label, bytes] of images) void tx.store.put(bytes, label);
    await tx.done;
  }
}
