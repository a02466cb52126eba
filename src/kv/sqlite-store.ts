/**
 * Spin's SQLite key-value backend on sql.js: the same table and the same SQL as Spin's `"spin"`
 * store type (spin-host-reference §5), so a playground database can be exported as
 * `.spin/sqlite_key_value.db` and opened by `spin up`, and the other way round.
 *
 * It knows nothing of WIT or permissions; the host adapters in `src/host/` do.
 */
import type { Database, Statement, SqlValue } from 'sql.js';

export const KV_SCHEMA =
  'CREATE TABLE IF NOT EXISTS spin_key_value (store TEXT NOT NULL, key TEXT NOT NULL, value BLOB NOT NULL, PRIMARY KEY (store, key))';

/** A change to the key-value data, as the persistence journal records it. */
export type KvChange =
  | { op: 'set'; store: string; key: string; value: Uint8Array }
  | { op: 'delete'; store: string; key: string };

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
    this.#run(
      'INSERT INTO spin_key_value (store, key, value) VALUES ($1,$2,$3) ON CONFLICT(store, key) DO UPDATE SET value=$3',
      [store, key, value],
    );
    this.#emit({ op: 'set', store, key, value: value.slice() });
  }

  delete(store: string, key: string): void {
    this.#run('DELETE FROM spin_key_value WHERE store=$1 AND key=$2', [store, key]);
    this.#emit({ op: 'delete', store, key });
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
      this.#run(
        'INSERT INTO spin_key_value (store, key, value) VALUES ($1,$2,$3) ON CONFLICT(store, key) DO UPDATE SET value=$3',
        [change.store, change.key, change.value],
      );
    } else {
      this.#run('DELETE FROM spin_key_value WHERE store=$1 AND key=$2', [change.store, change.key]);
    }
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
    statement.bind(params);
    const row = statement.step() ? statement.get() : undefined;
    statement.reset();
    return row;
  }

  #run(sql: string, params: SqlValue[]): void {
    const statement = this.#prepare(sql);
    statement.run(params);
    statement.reset();
  }
}

function toBytes(value: SqlValue | undefined): Uint8Array {
  if (value instanceof Uint8Array) return value;
  // A database written by another tool may hold TEXT in the value column; Spin reads it as bytes.
  if (typeof value === 'string') return new TextEncoder().encode(value);
  if (value === null || value === undefined) return new Uint8Array();
  return new TextEncoder().encode(String(value));
}
