/**
 * SQLite for guests: `fermyon:spin/sqlite@2.0.0`, `spin:sqlite/sqlite@3.0.0`, `@3.1.0` and the
 * unversioned Spin 1 `fermyon:spin/sqlite`. One core holds Spin's rules (`crates/factor-sqlite`:
 * permission by `sqlite_databases`, at most 256 open connections per instance, the 128 MiB
 * result cap, every SQLite failure as `io(message)`); the adapters differ only in shape.
 */
import type { SqliteDatabases, SqliteValue } from '../storage/sqlite-databases';
import { MAX_HOST_BUFFERED_BYTES } from './key-value';

/** The WIT `value` variant (the same in every version). */
export type SqlValue =
  | { tag: 'integer'; val: bigint }
  | { tag: 'real'; val: number }
  | { tag: 'text'; val: string }
  | { tag: 'blob'; val: Uint8Array }
  | { tag: 'null' };

/** The WIT `query-result` record. */
export interface QueryResult {
  columns: string[];
  rows: Array<{ values: SqlValue[] }>;
}

export interface SqliteContext {
  databases: SqliteDatabases;
  /** The component's `sqlite_databases`. */
  allowedDatabases: readonly string[];
  /** Called for every host call, for the trace view. */
  onCall?: (call: string, outcome: string) => void;
  /** Called after a statement that may have written to `label`, so it can be persisted. */
  onWrite?: (label: string) => void;
}

type SqliteError = { tag: 'access-denied' | 'invalid-connection' } | { tag: 'io'; val: string };

/** What `execute-async` yields: the columns, the rows for its stream, and the error its future reports (none: ok). */
export interface RowsResult {
  columns: string[];
  rows: Array<{ values: SqlValue[] }>;
  error?: SqliteError;
}

class SqliteCoreError {
  constructor(readonly value: SqliteError) {}
}

/** `Table::new(256)` in Spin's sqlite host. */
const MAX_CONNECTIONS = 256;
// Rust sizes Spin adds when it checks the cap: `size_of::<QueryResult>()` and `size_of::<Value>()`.
const QUERY_RESULT = 48;
const VALUE = 32;
const READ_ONLY = /^\s*(SELECT|VALUES|EXPLAIN)\b/i;

function createSqliteCore(ctx: SqliteContext) {
  const opened = new Set<string>();
  let live = 0;
  const io = (message: string) => new SqliteCoreError({ tag: 'io', val: message });
  return {
    open(label: string): string {
      if (!ctx.allowedDatabases.includes(label)) throw new SqliteCoreError({ tag: 'access-denied' });
      if (live >= MAX_CONNECTIONS) throw io('too many connections opened');
      live += 1;
      opened.add(label);
      return label;
    },
    close(): void {
      live -= 1;
    },
    execute(label: string, statement: string, parameters: readonly SqlValue[]): QueryResult {
      let result;
      try {
        result = ctx.databases.query(label, statement, parameters.map(fromWit));
      } catch (error) {
        throw io(error instanceof Error ? error.message : String(error));
      }
      if (!READ_ONLY.test(statement)) ctx.onWrite?.(label);
      let bytes = QUERY_RESULT;
      const rows = result.rows.map((row) => ({
        values: row.map((value) => {
          bytes += VALUE + (typeof value === 'string' ? utf8Length(value) : value instanceof Uint8Array ? value.byteLength : 0);
          return toWit(value);
        }),
      }));
      if (bytes > MAX_HOST_BUFFERED_BYTES) throw io(`query result exceeds limit of ${MAX_HOST_BUFFERED_BYTES} bytes`);
      return { columns: result.columns, rows };
    },
    /**
     * `execute-async` as Spin's in-process SQLite runs it: a statement that fails is still `ok`,
     * with no columns, no rows and the error in the result future; a single row larger than the
     * cap ends the rows with `io(...)` there (the cap applies per row, not to the whole result).
     */
    executeRows(label: string, statement: string, parameters: readonly SqlValue[]): RowsResult {
      let result;
      try {
        result = ctx.databases.query(label, statement, parameters.map(fromWit));
      } catch (error) {
        return { columns: [], rows: [], error: { tag: 'io', val: error instanceof Error ? error.message : String(error) } };
      }
      if (!READ_ONLY.test(statement)) ctx.onWrite?.(label);
      const rows: Array<{ values: SqlValue[] }> = [];
      for (const row of result.rows) {
        let bytes = 0;
        for (const value of row) bytes += VALUE + (typeof value === 'string' ? utf8Length(value) : value instanceof Uint8Array ? value.byteLength : 0);
        if (bytes > MAX_HOST_BUFFERED_BYTES) {
          return { columns: result.columns, rows, error: { tag: 'io', val: `query result exceeds limit of ${MAX_HOST_BUFFERED_BYTES} bytes` } };
        }
        rows.push({ values: row.map(toWit) });
      }
      return { columns: result.columns, rows };
    },
    lastInsertRowid: (label: string): bigint => ctx.databases.lastInsertRowid(label),
    changes: (label: string): bigint => ctx.databases.changes(label),
    /** Ends the instance: rolls back what its connections left uncommitted, as closing them does in Spin. */
    finish(): void {
      for (const label of opened) ctx.databases.endConnection(label);
    },
  };
}

function fromWit(value: SqlValue): SqliteValue {
  return value.tag === 'null' ? null : value.val;
}

function toWit(value: SqliteValue): SqlValue {
  if (value === null) return { tag: 'null' };
  if (typeof value === 'bigint') return { tag: 'integer', val: value };
  if (typeof value === 'number') return { tag: 'real', val: value };
  if (typeof value === 'string') return { tag: 'text', val: value };
  return { tag: 'blob', val: value };
}

function utf8Length(text: string): number {
  return new TextEncoder().encode(text).byteLength;
}

function describe(value: unknown): string {
  return JSON.stringify(value, (_, v: unknown) => (typeof v === 'bigint' ? `${v}` : v instanceof Uint8Array ? `<${v.byteLength} bytes>` : v)) ?? 'none';
}

function tracer(ctx: SqliteContext) {
  return <T>(name: string, run: () => T): T => {
    try {
      const result = run();
      ctx.onCall?.(name, `ok(${describe(result)})`);
      return result;
    } catch (error) {
      if (!(error instanceof SqliteCoreError)) {
        ctx.onCall?.(name, `trap(${error instanceof Error ? error.message : String(error)})`);
        throw error;
      }
      ctx.onCall?.(name, `err(${error.value.tag}${'val' in error.value ? `: ${error.value.val}` : ''})`);
      throw error.value;
    }
  };
}

/** jco calls this on a host resource when the guest drops its handle. */
const symbolDispose: symbol = (Symbol as unknown as { dispose?: symbol }).dispose ?? Symbol.for('dispose');

function connectionClass(ctx: SqliteContext, core: ReturnType<typeof createSqliteCore>) {
  const call = tracer(ctx);
  return class Connection {
    #label: string | undefined;
    protected constructor(label: string) {
      this.#label = label;
    }
    static open(database: string): Connection {
      return call(`connection.open(${JSON.stringify(database)})`, () => new Connection(core.open(database)));
    }
    protected label(): string {
      return this.#open();
    }
    #open(): string {
      if (this.#label === undefined) throw new SqliteCoreError({ tag: 'invalid-connection' });
      return this.#label;
    }
    execute(statement: string, parameters: SqlValue[]): QueryResult {
      return call(`execute(${JSON.stringify(statement)}, ${describe(parameters)})`, () => core.execute(this.#open(), statement, parameters));
    }
    lastInsertRowid(): bigint {
      return call('last-insert-rowid()', () => core.lastInsertRowid(this.#open()));
    }
    changes(): bigint {
      return call('changes()', () => core.changes(this.#open()));
    }
    [symbolDispose](): void {
      if (this.#label === undefined) return;
      this.#label = undefined;
      core.close();
    }
    toJSON() {
      return `connection(${this.#label ?? 'closed'})`;
    }
  };
}

/**
 * `fermyon:spin/sqlite@2.0.0`: a `connection` resource with `open` and `execute`. Call
 * `finish()` when the instance is done.
 */
export function createSqliteV2(ctx: SqliteContext) {
  const core = createSqliteCore(ctx);
  return { Connection: connectionClass(ctx, core), finish: core.finish };
}

/**
 * `spin:sqlite/sqlite@3.0.0`: version 2 plus `last-insert-rowid` and `changes` (all synchronous;
 * `@3.1.0` adds async functions and needs WASIp3). Call `finish()` when the instance is done.
 */
export function createSqliteV3(ctx: SqliteContext) {
  return createSqliteV2(ctx);
}

/**
 * `spin:sqlite/sqlite@3.1.0` (Spin 4): version 3.0 plus `open-async`, `execute-async`,
 * `last-insert-rowid-async` and `changes-async`. Each async function returns a Promise (the
 * guest's call becomes a subtask, docs/spin4.md); `execute-async` hands back its rows as an async
 * iterable the glue lowers into a `stream<row-result>`, and a Promise for the `future<result>`.
 * Same databases, errors and trace lines as the synchronous functions. Call `finish()` when done.
 */
export function createSqliteV31(ctx: SqliteContext) {
  const core = createSqliteCore(ctx);
  const call = tracer(ctx);
  const Base = connectionClass(ctx, core);
  class Connection extends Base {
    static override open(database: string): Connection {
      return call(`connection.open(${JSON.stringify(database)})`, () => new Connection(core.open(database)));
    }
    static async openAsync(database: string): Promise<Connection> {
      return call(`connection.open-async(${JSON.stringify(database)})`, () => new Connection(core.open(database)));
    }
    async executeAsync(statement: string, parameters: SqlValue[]): Promise<[string[], AsyncIterable<{ values: SqlValue[] }>, Promise<unknown>]> {
      const name = `execute-async(${JSON.stringify(statement)}, ${describe(parameters)})`;
      // Traced as `ok({columns, rows, error?})`: the call succeeds even when its future reports an error.
      const result = call(name, () => core.executeRows(this.label(), statement, parameters));
      const ending = result.error ? { tag: 'err', val: result.error } : { tag: 'ok', val: undefined };
      return [result.columns, rowStream(result.rows), Promise.resolve(ending)];
    }
    async lastInsertRowidAsync(): Promise<bigint> {
      return call('last-insert-rowid-async()', () => core.lastInsertRowid(this.label()));
    }
    async changesAsync(): Promise<bigint> {
      return call('changes-async()', () => core.changes(this.label()));
    }
  }
  return { Connection, finish: core.finish };
}

async function* rowStream(rows: Array<{ values: SqlValue[] }>): AsyncGenerator<{ values: SqlValue[] }> {
  yield* rows;
}

/**
 * Unversioned `fermyon:spin/sqlite` (Spin 1): `connection` is a u32 handle from 0 up; an unknown
 * handle is `invalid-connection`; `close` ignores unknown handles. Call `finish()` when done.
 */
export function createSqliteSpin1(ctx: SqliteContext) {
  const core = createSqliteCore(ctx);
  const call = tracer(ctx);
  const handles = new Map<number, string>();
  let next = 0;
  const label = (conn: number): string => {
    const found = handles.get(conn);
    if (found === undefined) throw new SqliteCoreError({ tag: 'invalid-connection' });
    return found;
  };
  return {
    open(database: string): number {
      return call(`open(${JSON.stringify(database)})`, () => {
        const opened = core.open(database);
        while (handles.has(next)) next = (next + 1) >>> 0;
        const handle = next;
        next = (next + 1) >>> 0;
        handles.set(handle, opened);
        return handle;
      });
    },
    execute(conn: number, statement: string, parameters: SqlValue[]): QueryResult {
      return call(`execute(${conn}, ${JSON.stringify(statement)}, ${describe(parameters)})`, () => core.execute(label(conn), statement, parameters));
    },
    close(conn: number): void {
      call(`close(${conn})`, () => {
        if (handles.delete(conn)) core.close();
      });
    },
    finish: core.finish,
  };
}
