/**
 * Spin's SQLite key-value backend on sql.js: the same table and the same SQL as Spin's `"spin"`
 * store type (docs/spin-behaviour.md §5), so a playground database can be exported as
 * `.spin/sqlite_key_value.db` and opened by `spin up`, and the other way round.
 *
 * It knows nothing of WIT or permissions; the host adapters in `src/host/` do.
 */
import type { Database, Statement, SqlValue } from 'sql.js';

export const KV_SCHEMA = 'CREATE TABLE IF NOT EXISTS spin_key_value (store TEXT NOT NULL, key TEXT NOT NULL, value BLOB NOT NULL, PRIMARY KEY (store, key))';

const UPSERT = 'INSERT INTO spin_key_value (store, key, value) VALUES ($1,$2,$3) ON CONFLICT(store, key) DO UPDATE SET value=$3';
/** Keys per `IN (…)` list; well under SQLite's limit of 32766 bound parameters. */
const IN_CHUNK = 500;

/**
 * `increment` found a value that is not an 8-byte i64. Spin's host panics here (the request
 * fails), so the host adapters turn this into a trap rather than an error value.
 */
export class NotAnI64Error extends Error {
  constructor(store: string, key: string, length: number) {
    super(`increment: the value of key ${JSON.stringify(key)} in store ${JSON.stringify(store)} is ${length} bytes, not an 8-byte little-endian i64`);
    this.name = 'NotAnI64Error';
  }
}

/** A change to the key-value data, as the persistence journal records it. */
export type KvChange = { op: 'set'; store: string; key: string; value: Uint8Array } | { op: 'delete'; store: string; key: string };

export type KvChangeListener = (change: KvChange) => void;

export class SqliteKvStore {
  readonly #db: Database;
  readonly #statements = new Map<string, Statement>();
  readonly #listeners = new Set<KvChangeListener>();

  constructor(db: Database) {
    this.#db = db;
    db.run(KV_SCHEMA);
  }

  /** Called after every change, in order; persistence journals them. */
  onChange(listener: KvChangeListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  get(store: string, key: string): Uint8Array | undefined {
    const row = this.#one('SELECT value FROM spin_key_value WHERE store=$1 AND key=$2', [store, key]);
    return row ? toBytes(row[0]) : undefined;
  }

  exists(store: string, key: string): boolean {
    return this.#one('SELECT value FROM spin_key_value WHERE store=$1 AND key=$2', [store, key]) !== undefined;
  }

  set(store: string, key: string, value: Uint8Array): void {
    this.#run(UPSERT, [store, key, value]);
    this.#emit({ op: 'set', store, key, value: value.slice() });
  }

  delete(store: string, key: string): void {
    this.#run('DELETE FROM spin_key_value WHERE store=$1 AND key=$2', [store, key]);
    this.#emit({ op: 'delete', store, key });
  }

  /**
   * The values of those `keys` that exist, in SQLite's index order (ascending bytes), each key
   * once: what Spin's `key IN rarray(:keys)` query returns. sql.js has no `rarray`, so the keys
   * go in `IN (?,?,…)` chunks; sorting them first keeps the chunks, and so the result, in index order.
   */
  getMany(store: string, keys: readonly string[]): Array<[string, Uint8Array]> {
    const sorted = [...new Set(keys)].sort(compareUtf8);
    const found: Array<[string, Uint8Array]> = [];
    for (const chunk of chunks(sorted)) {
      this.#each(`SELECT key, value FROM spin_key_value WHERE store=? AND key IN (${placeholders(chunk.length)})`, [store, ...chunk], ([key, value]) => {
        found.push([String(key), toBytes(value)]);
      });
    }
    return found;
  }

  /** Upserts every entry in one transaction, as Spin's `set_many` does. */
  setMany(store: string, entries: ReadonlyArray<readonly [string, Uint8Array]>): void {
    this.#transaction(() => {
      for (const [key, value] of entries) this.#run(UPSERT, [store, key, value]);
    });
    for (const [key, value] of entries) this.#emit({ op: 'set', store, key, value: value.slice() });
  }

  /** Deletes the keys that exist; absent keys are ignored (Spin's `delete_many`). */
  deleteMany(store: string, keys: readonly string[]): void {
    const unique = [...new Set(keys)];
    this.#transaction(() => {
      for (const chunk of chunks(unique)) {
        this.#each(`DELETE FROM spin_key_value WHERE store=? AND key IN (${placeholders(chunk.length)})`, [store, ...chunk], () => {});
      }
    });
    for (const key of unique) this.#emit({ op: 'delete', store, key });
  }

  /**
   * Adds `delta` to the 8-byte little-endian i64 stored at `key` (a missing key counts as 0) and
   * returns the new value, in one transaction. Overflow wraps, as Spin's release build does.
   * Throws `NotAnI64Error` if the existing value is not 8 bytes: Spin panics there.
   */
  increment(store: string, key: string, delta: bigint): bigint {
    let next = 0n;
    this.#transaction(() => {
      const current = this.get(store, key);
      if (current && current.byteLength !== 8) throw new NotAnI64Error(store, key, current.byteLength);
      const old = current ? new DataView(current.buffer, current.byteOffset, 8).getBigInt64(0, true) : 0n;
      next = BigInt.asIntN(64, old + delta);
      this.#run(UPSERT, [store, key, i64Bytes(next)]);
    });
    this.#emit({ op: 'set', store, key, value: i64Bytes(next) });
    return next;
  }

  /**
   * Spin's compare-and-swap: with `old` present, write `value` only if the stored value still
   * equals `old`; with `old` absent, upsert unconditionally (so a racing insert goes undetected,
   * as in Spin). Returns whether the value was written.
   */
  compareAndSwap(store: string, key: string, old: Uint8Array | undefined, value: Uint8Array): boolean {
    if (old === undefined) {
      this.#transaction(() => this.#run(UPSERT, [store, key, value]));
    } else {
      this.#run('UPDATE spin_key_value SET value=$1 WHERE store=$2 AND key=$3 AND value=$4', [value, store, key, old]);
      if (this.#db.getRowsModified() !== 1) return false;
    }
    this.#emit({ op: 'set', store, key, value: value.slice() });
    return true;
  }

  /** Keys of one store in the order SQLite's primary-key index gives (ascending bytes), like Spin. */
  keys(store: string): string[] {
    const statement = this.#prepare('SELECT key FROM spin_key_value WHERE store=$1');
    statement.bind([store]);
    const keys: string[] = [];
    while (statement.step()) keys.push(String(statement.get()[0]));
    statement.reset();
    return keys;
  }

  /** How many keys one store holds (for the optional key-count limit). */
  count(store: string): number {
    const row = this.#one('SELECT COUNT(*) FROM spin_key_value WHERE store=$1', [store]);
    return Number(row?.[0] ?? 0);
  }

  /** Store labels that hold at least one key (for the UI). */
  stores(): string[] {
    const statement = this.#prepare('SELECT DISTINCT store FROM spin_key_value');
    const stores: string[] = [];
    while (statement.step()) stores.push(String(statement.get()[0]));
    statement.reset();
    return stores;
  }

  /** Apply a journalled change again, without notifying listeners (used at startup). */
  replay(change: KvChange): void {
    if (change.op === 'set') {
      this.#run(UPSERT, [change.store, change.key, change.value]);
    } else {
      this.#run('DELETE FROM spin_key_value WHERE store=$1 AND key=$2', [change.store, change.key]);
    }
  }

  /** Runs `body` in one transaction; rolls back on error so no transaction stays open (`export()` would throw). */
  #transaction(body: () => void): void {
    this.#db.run('BEGIN');
    try {
      body();
    } catch (error) {
      try {
        this.#db.run('ROLLBACK');
      } catch {
        // SQLite already rolled back (it does so itself after some errors); the first error is the one to report.
      }
      throw error;
    }
    this.#db.run('COMMIT');
  }

  #emit(change: KvChange): void {
    for (const listener of this.#listeners) listener(change);
  }

  #prepare(sql: string): Statement {
    let statement = this.#statements.get(sql);
    if (!statement) {
      statement = this.#db.prepare(sql);
      this.#statements.set(sql, statement);
    }
    return statement;
  }

  #one(sql: string, params: SqlValue[]): SqlValue[] | undefined {
    const statement = this.#prepare(sql);
    try {
      statement.bind(params);
      return statement.step() ? statement.get() : undefined;
    } finally {
      statement.reset();
    }
  }

  #run(sql: string, params: SqlValue[]): void {
    const statement = this.#prepare(sql);
    try {
      statement.run(params);
    } finally {
      statement.reset();
    }
  }

  /** For SQL whose text varies (`IN` lists): prepared, used once and freed, not cached. */
  #each(sql: string, params: SqlValue[], row: (values: SqlValue[]) => void): void {
    const statement = this.#db.prepare(sql);
    try {
      statement.bind(params);
      while (statement.step()) row(statement.get());
    } finally {
      statement.free();
    }
  }
}

function placeholders(count: number): string {
  return Array.from({ length: count }, () => '?').join(',');
}

function* chunks<T>(items: readonly T[]): Generator<T[]> {
  for (let i = 0; i < items.length; i += IN_CHUNK) yield items.slice(i, i + IN_CHUNK);
}

/** SQLite's BINARY collation compares UTF-8 bytes; code-point order is the same order. */
function compareUtf8(a: string, b: string): number {
  const x = a[Symbol.iterator]();
  const y = b[Symbol.iterator]();
  for (;;) {
    const p = x.next();
    const q = y.next();
    if (p.done || q.done) return p.done ? (q.done ? 0 : -1) : 1;
    const d = p.value.codePointAt(0)! - q.value.codePointAt(0)!;
    if (d !== 0) return d;
  }
}

function i64Bytes(value: bigint): Uint8Array {
  const bytes = new Uint8Array(8);
  new DataView(bytes.buffer).setBigInt64(0, value, true);
  return bytes;
}

function toBytes(value: SqlValue | undefined): Uint8Array {
  if (value instanceof Uint8Array) return value;
  // A database written by another tool may hold TEXT in the value column; Spin reads it as bytes.
  if (typeof value === 'string') return new TextEncoder().encode(value);
  if (value === null || value === undefined) return new Uint8Array();
  return new TextEncoder().encode(String(value));
}
