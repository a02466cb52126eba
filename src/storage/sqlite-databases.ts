/**
 * The app's SQLite databases (`sqlite_databases` labels), one sql.js `Database` per label,
 * opened on first use, as Spin opens its connections lazily. `default` is Spin's
 * `.spin/sqlite_db.db`; a label with no saved bytes starts empty.
 *
 * It knows nothing of WIT or permissions; `src/host/sqlite.ts` does.
 */
import type { Database, SqlJsStatic, SqlValue, Statement } from 'sql.js';

/**
 * A SQLite value as the host interfaces carry it: `bigint` is INTEGER (all 64 bits), `number`
 * is REAL, `string` TEXT, `Uint8Array` BLOB. Keeping the two numeric types apart is what lets
 * `1` and `1.0` round-trip as Spin's `integer(1)` and `real(1.0)`.
 */
export type SqliteValue = bigint | number | string | Uint8Array | null;

export interface SqliteQueryResult {
  columns: string[];
  rows: SqliteValue[][];
}

export class SqliteDatabases {
  readonly #SQL: SqlJsStatic;
  readonly #initial: Map<string, Uint8Array>;
  readonly #open = new Map<string, Database>();

  /** `initial` holds saved database bytes per label (for example from IndexedDB or an upload). */
  constructor(SQL: SqlJsStatic, initial?: ReadonlyMap<string, Uint8Array> | Record<string, Uint8Array>) {
    this.#SQL = SQL;
    this.#initial = new Map(initial instanceof Map ? initial : Object.entries(initial ?? {}));
  }

  /** The database for `label`, opened now if this is its first use. */
  get(label: string): Database {
    let db = this.#open.get(label);
    if (!db) {
      const bytes = this.#initial.get(label);
      db = bytes ? new this.#SQL.Database(bytes) : new this.#SQL.Database();
      this.#initial.delete(label);
      this.#open.set(label, db);
    }
    return db;
  }

  /** Labels that have data: opened ones and those given saved bytes. */
  labels(): string[] {
    return [...new Set([...this.#open.keys(), ...this.#initial.keys()])].sort();
  }

  /**
   * Runs the first statement of `sql` with positional `params`, as Spin's in-process SQLite
   * (rusqlite) does: the columns come from the statement even when no row does, every value
   * keeps its storage class, and a parameter count that does not match fails with rusqlite's
   * message. Throws an `Error` whose message is SQLite's.
   */
  query(label: string, sql: string, params: readonly SqliteValue[]): SqliteQueryResult {
    const db = this.get(label);
    const statements = db.iterateStatements(sql);
    let rewritten: Statement | undefined;
    try {
      const first = statements.next();
      if (first.done) {
        checkCount(params.length, 0);
        return { columns: [], rows: [] };
      }
      // Like rusqlite's `prepare`, run only the first statement and ignore the rest.
      const text = sql.slice(0, sql.length - statements.getRemainingSQL().length);
      const { placeholders, count } = scanParameters(text);
      checkCount(params.length, count);
      const columns = first.value.getColumnNames();
      const { values, casts } = bindable(params);
      if (casts.size > 0) rewritten = db.prepare(withCasts(text, placeholders, casts));
      const statement = rewritten ?? first.value;
      statement.bind(values);
      const rows: SqliteValue[][] = [];
      while (statement.step()) rows.push(getRow(statement));
      return { columns, rows };
    } finally {
      rewritten?.free();
      // Frees the first statement and the iterator's copy of the SQL (sql.js ≥ 1.9; untyped in @types/sql.js).
      (statements as unknown as { return(): void }).return();
    }
  }

  /** `sqlite3_changes()`: rows the last INSERT, UPDATE or DELETE on `label` changed. */
  changes(label: string): bigint {
    return BigInt(this.get(label).getRowsModified());
  }

  /** `sqlite3_last_insert_rowid()` of `label`'s connection. */
  lastInsertRowid(label: string): bigint {
    const row = this.query(label, 'SELECT last_insert_rowid()', []).rows[0]?.[0];
    return typeof row === 'bigint' ? row : 0n;
  }

  /**
   * Rolls back a transaction a guest left open on `label`, as closing Spin's per-`open`
   * connection does, so the next request (and `export`) does not run inside it.
   */
  endConnection(label: string): void {
    const db = this.#open.get(label);
    try {
      db?.run('ROLLBACK');
    } catch {
      // "cannot rollback - no transaction is active": nothing was left open.
    }
  }

  /**
   * Makes `bytes` (a SQLite database file) `label`'s database from now on. The file is checked
   * first: sql.js must open it and `PRAGMA quick_check` must find it intact; otherwise this
   * throws, naming the label, and the database `label` had is kept.
   */
  replace(label: string, bytes: Uint8Array): void {
    let db: Database | undefined;
    try {
      db = new this.#SQL.Database(bytes);
      const check = db.exec('PRAGMA quick_check')[0]?.values[0]?.[0];
      if (check !== 'ok') throw new Error(`the integrity check says: ${String(check)}`);
    } catch (error) {
      db?.close();
      throw new Error(
        `SQLite database "${label}": the file (${bytes.byteLength} bytes) is not a SQLite database sql.js can open ` +
          `(${error instanceof Error ? error.message : String(error)}); the existing database was kept`,
      );
    }
    this.#open.get(label)?.close();
    this.#initial.delete(label);
    this.#open.set(label, db);
  }

  /**
   * The bytes of `label`'s database (a file `spin up` can open), or `undefined` for a label
   * never used. sql.js throws while a write transaction is open on it.
   */
  export(label: string): Uint8Array | undefined {
    const db = this.#open.get(label);
    if (db) return db.export();
    return this.#initial.get(label)?.slice();
  }
}

function checkCount(given: number, needed: number): void {
  // rusqlite stops binding at the first surplus value, so it reports needed + 1.
  if (given !== needed) {
    throw new Error(`Wrong number of parameters passed to query. Got ${Math.min(given, needed + 1)}, needed ${needed}`);
  }
}

type Cast = 'INTEGER' | 'REAL';

/**
 * sql.js binds a JS number as a 32-bit integer when it is one and as a double otherwise, and a
 * bigint as TEXT. So an INTEGER outside 32 bits goes in as its decimal text and a whole REAL as
 * an integer, and the placeholder is wrapped in `(CAST(… AS type)+0)`: exact for all 64 bits,
 * and an expression with no affinity, like a bound value.
 */
function bindable(params: readonly SqliteValue[]): { values: SqlValue[]; casts: Map<number, Cast> } {
  const casts = new Map<number, Cast>();
  const values = params.map((value, i): SqlValue => {
    if (typeof value === 'bigint') {
      if (value === BigInt.asIntN(32, value)) return Number(value);
      casts.set(i + 1, 'INTEGER');
      return value.toString();
    }
    if (typeof value === 'number' && value === (value | 0)) casts.set(i + 1, 'REAL');
    return value;
  });
  return { values, casts };
}

interface Placeholder {
  start: number;
  end: number;
  index: number;
}

/** Finds the parameters of one SQL statement and their indexes, by SQLite's numbering rules. */
function scanParameters(sql: string): { placeholders: Placeholder[]; count: number } {
  const placeholders: Placeholder[] = [];
  const named = new Map<string, number>();
  let count = 0;
  let i = 0;
  const isIdChar = (c: string | undefined) => c !== undefined && /[\p{L}\p{N}_$]|[^\x00-\x7f]/u.test(c);
  const skipTo = (close: string, from: number) => {
    const end = sql.indexOf(close, from);
    return end < 0 ? sql.length : end + close.length;
  };
  while (i < sql.length) {
    const c = sql[i]!;
    const next = sql[i + 1];
    if (c === "'" || c === '"' || c === '`') {
      let j = i + 1;
      for (;;) {
        j = skipTo(c, j);
        if (j >= sql.length || sql[j] !== c) break;
        j += 1; // a doubled quote is an escaped one
      }
      i = j;
    } else if (c === '[') {
      i = skipTo(']', i + 1);
    } else if (c === '-' && next === '-') {
      i = skipTo('\n', i + 2);
    } else if (c === '/' && next === '*') {
      i = skipTo('*/', i + 2);
    } else if (c === '?') {
      let j = i + 1;
      while (j < sql.length && /[0-9]/.test(sql[j]!)) j += 1;
      const index = j > i + 1 ? Number(sql.slice(i + 1, j)) : count + 1;
      count = Math.max(count, index);
      placeholders.push({ start: i, end: j, index });
      i = j;
    } else if (':@$#'.includes(c) && isIdChar(next)) {
      let j = i + 1;
      while (j < sql.length && (isIdChar(sql[j]) || (c === '$' && sql.startsWith('::', j)))) j += sql.startsWith('::', j) ? 2 : 1;
      const name = sql.slice(i, j);
      let index = named.get(name);
      if (index === undefined) named.set(name, (index = ++count));
      placeholders.push({ start: i, end: j, index });
      i = j;
    } else if (isIdChar(c)) {
      // A whole identifier, keyword or number, so a `$` inside one is not a parameter.
      while (i < sql.length && isIdChar(sql[i])) i += 1;
    } else {
      i += 1;
    }
  }
  return { placeholders, count };
}

function withCasts(sql: string, placeholders: readonly Placeholder[], casts: ReadonlyMap<number, Cast>): string {
  let out = '';
  let at = 0;
  for (const { start, end, index } of placeholders) {
    const cast = casts.get(index);
    if (!cast) continue;
    out += `${sql.slice(at, start)}(CAST(${sql.slice(start, end)} AS ${cast})+0)`;
    at = end;
  }
  return out + sql.slice(at);
}

type GetWithConfig = (params: null, config: { useBigInt: boolean }) => Array<SqlValue | bigint>;

function getRow(statement: Statement): SqliteValue[] {
  // `useBigInt` (sql.js ≥ 1.7) reads INTEGER columns as bigint and leaves REAL ones as numbers.
  return (statement.get as unknown as GetWithConfig).call(statement, null, { useBigInt: true });
}
