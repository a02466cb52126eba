/**
 * SQLite host interfaces on real sql.js, as the conformance test `sqlite` and Spin's
 * `crates/factor-sqlite` + `crates/sqlite-inproc` behave (docs/spin-behaviour.md §12).
 */
import { describe, test, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import initSqlJs from 'sql.js';
import { SqliteDatabases } from '../../src/storage/sqlite-databases.ts';
import { createSqliteSpin1, createSqliteV2, createSqliteV3, createSqliteV31, type SqlValue } from '../../src/host/sqlite.ts';

const SQL = await initSqlJs();
const dispose = (Symbol as unknown as { dispose?: symbol }).dispose ?? Symbol.for('dispose');

function thrown(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    return error;
  }
  assert.fail('expected the call to fail');
}

const integer = (val: bigint): SqlValue => ({ tag: 'integer', val });
const real = (val: number): SqlValue => ({ tag: 'real', val });
const textValue = (val: string): SqlValue => ({ tag: 'text', val });
const blob = (val: Uint8Array): SqlValue => ({ tag: 'blob', val });
const NULL: SqlValue = { tag: 'null' };

let databases: SqliteDatabases;
let writes: string[];
let Connection: ReturnType<typeof createSqliteV2>['Connection'];

beforeEach(() => {
  databases = new SqliteDatabases(SQL);
  writes = [];
  Connection = createSqliteV2({ databases, allowedDatabases: ['default'], onWrite: (label) => writes.push(label) }).Connection;
});

describe('conformance test `sqlite` (fermyon:spin/sqlite@2.0.0)', () => {
  test('open("forbidden") is access-denied even when default is granted', () => {
    assert.deepEqual(
      thrown(() => Connection.open('forbidden')),
      { tag: 'access-denied' },
    );
  });

  test('a component with no sqlite_databases cannot open default', () => {
    const { Connection: Denied } = createSqliteV2({ databases, allowedDatabases: [] });
    assert.deepEqual(
      thrown(() => Denied.open('default')),
      { tag: 'access-denied' },
    );
  });

  test('CREATE TABLE IF NOT EXISTS, one INSERT, then a SELECT returning exactly 1 row with columns key and value', () => {
    const conn = Connection.open('default');
    assert.deepEqual(conn.execute('CREATE TABLE IF NOT EXISTS test_data(key TEXT NOT NULL, value TEXT NOT NULL)', []), { columns: [], rows: [] });
    conn.execute('INSERT INTO test_data(key, value) VALUES(?, ?)', [textValue('my_key'), textValue('my_value')]);
    assert.deepEqual(conn.execute('SELECT * FROM test_data', []), {
      columns: ['key', 'value'],
      rows: [{ values: [textValue('my_key'), textValue('my_value')] }],
    });
  });
});

describe('values keep their SQLite storage class', () => {
  test('integers come back as bigint, including beyond 2^53 and at the i64 limits', () => {
    const conn = Connection.open('default');
    conn.execute('CREATE TABLE n (v INTEGER)', []);
    for (const v of [0n, 42n, -7n, 2n ** 53n + 1n, 9223372036854775807n, -9223372036854775808n]) {
      conn.execute('INSERT INTO n VALUES (?)', [integer(v)]);
    }
    const { rows } = conn.execute('SELECT v, typeof(v) FROM n', []);
    assert.deepEqual(
      rows.map((r) => r.values[0]),
      [0n, 42n, -7n, 2n ** 53n + 1n, 9223372036854775807n, -9223372036854775808n].map(integer),
    );
    assert.deepEqual(new Set(rows.map((r) => (r.values[1] as { val: string }).val)), new Set(['integer']));
  });

  test('a big integer bound into an untyped expression stays an exact integer', () => {
    const conn = Connection.open('default');
    assert.deepEqual(conn.execute('SELECT ?, typeof(?1)', [integer(12345678901234567n)]).rows[0]!.values, [integer(12345678901234567n), textValue('integer')]);
  });

  test('a whole real such as 1.0 stays real, in and out', () => {
    const conn = Connection.open('default');
    conn.execute('CREATE TABLE r (v)', []);
    conn.execute('INSERT INTO r VALUES (?), (?), (1.0)', [real(1), real(2.5)]);
    const { rows } = conn.execute('SELECT v, typeof(v) FROM r', []);
    assert.deepEqual(
      rows.map((r) => r.values),
      [
        [real(1), textValue('real')],
        [real(2.5), textValue('real')],
        [real(1), textValue('real')],
      ],
    );
  });

  test('text, blob and null round-trip', () => {
    const conn = Connection.open('default');
    const bytes = new Uint8Array([0, 1, 254, 255]);
    assert.deepEqual(conn.execute('SELECT ?, ?, ?, typeof(?3)', [textValue('héllo ✓'), blob(bytes), NULL]).rows[0]!.values, [
      textValue('héllo ✓'),
      blob(bytes),
      NULL,
      textValue('null'),
    ]);
  });

  test('columns are reported even when no row comes back', () => {
    const conn = Connection.open('default');
    conn.execute('CREATE TABLE t (a, b)', []);
    assert.deepEqual(conn.execute('SELECT a, b AS bee FROM t', []), { columns: ['a', 'bee'], rows: [] });
  });
});

describe('parameters', () => {
  test("are bound by position to ?, ?NNN and named parameters, by SQLite's numbering", () => {
    const conn = Connection.open('default');
    assert.deepEqual(conn.execute('SELECT ?2, ?, :name, ?1', [integer(1n), integer(2n), integer(3n), integer(4n)]).rows[0]!.values, [
      integer(2n),
      integer(3n),
      integer(4n),
      integer(1n),
    ]);
  });

  test('a placeholder inside a string or a comment is not a parameter', () => {
    const conn = Connection.open('default');
    assert.deepEqual(conn.execute("SELECT '?' -- ?\n, ? /* ? */", [integer(5000000000n)]).rows[0]!.values, [textValue('?'), integer(5000000000n)]);
  });

  test("a wrong number of parameters fails with rusqlite's message", () => {
    const conn = Connection.open('default');
    assert.deepEqual(
      thrown(() => conn.execute('SELECT ?, ?', [integer(1n)])),
      {
        tag: 'io',
        val: 'Wrong number of parameters passed to query. Got 1, needed 2',
      },
    );
    assert.deepEqual(
      thrown(() => conn.execute('SELECT 1', [integer(1n), integer(2n)])),
      {
        tag: 'io',
        val: 'Wrong number of parameters passed to query. Got 1, needed 0',
      },
    );
  });

  test("only the first statement runs, as with rusqlite's prepare", () => {
    const conn = Connection.open('default');
    conn.execute('CREATE TABLE t (v); INSERT INTO t VALUES (1)', []);
    assert.deepEqual(conn.execute('SELECT count(*) FROM t', []).rows[0]!.values, [integer(0n)]);
  });
});

describe('errors', () => {
  test("a SQL error is io(SQLite's message)", () => {
    const conn = Connection.open('default');
    assert.deepEqual(
      thrown(() => conn.execute('SELEC 1', [])),
      { tag: 'io', val: 'near "SELEC": syntax error' },
    );
    assert.deepEqual(
      thrown(() => conn.execute('SELECT * FROM missing', [])),
      { tag: 'io', val: 'no such table: missing' },
    );
  });

  test('a constraint violation is io(message)', () => {
    const conn = Connection.open('default');
    conn.execute('CREATE TABLE u (k TEXT PRIMARY KEY)', []);
    conn.execute("INSERT INTO u VALUES ('a')", []);
    assert.deepEqual(
      thrown(() => conn.execute("INSERT INTO u VALUES ('a')", [])),
      { tag: 'io', val: 'UNIQUE constraint failed: u.k' },
    );
  });

  test('the 257th open connection in one instance is io("too many connections opened")', () => {
    const open = Array.from({ length: 256 }, () => Connection.open('default'));
    assert.deepEqual(
      thrown(() => Connection.open('default')),
      { tag: 'io', val: 'too many connections opened' },
    );
    (open[0] as unknown as Record<symbol, () => void>)[dispose]!();
    assert.ok(Connection.open('default'));
  });
});

describe('state', () => {
  test('each label is its own database, shared by every connection to it', () => {
    const both = createSqliteV2({ databases, allowedDatabases: ['default', 'other'] }).Connection;
    both.open('default').execute('CREATE TABLE d (v)', []);
    assert.deepEqual(
      thrown(() => both.open('other').execute('SELECT * FROM d', [])),
      { tag: 'io', val: 'no such table: d' },
    );
    assert.deepEqual(Connection.open('default').execute('SELECT count(*) FROM d', []).rows[0]!.values, [integer(0n)]);
    assert.deepEqual(databases.labels(), ['default', 'other']);
  });

  test('writes are reported, reads are not', () => {
    const conn = Connection.open('default');
    conn.execute('CREATE TABLE t (v)', []);
    conn.execute('SELECT * FROM t', []);
    conn.execute('INSERT INTO t VALUES (1)', []);
    assert.deepEqual(writes, ['default', 'default']);
  });

  test('finish() rolls back a transaction the guest left open, so export works and the data is gone', () => {
    const host = createSqliteV2({ databases, allowedDatabases: ['default'] });
    const conn = host.Connection.open('default');
    conn.execute('CREATE TABLE t (v)', []);
    conn.execute('BEGIN', []);
    conn.execute('INSERT INTO t VALUES (1)', []);
    assert.throws(() => databases.export('default'), 'sql.js refuses to export inside a write transaction');
    host.finish();
    const reopened = new SqliteDatabases(SQL, { default: databases.export('default')! });
    assert.deepEqual(reopened.query('default', 'SELECT count(*) FROM t', []), { columns: ['count(*)'], rows: [[0n]] });
  });

  test("saved bytes given to the constructor are the database's starting state", () => {
    const first = new SqliteDatabases(SQL);
    first.query('default', 'CREATE TABLE t (v)', []);
    first.query('default', "INSERT INTO t VALUES ('kept')", []);
    const second = new SqliteDatabases(SQL, new Map([['default', first.export('default')!]]));
    assert.deepEqual(second.labels(), ['default']);
    assert.deepEqual(second.query('default', 'SELECT v FROM t', []).rows, [['kept']]);
    assert.equal(second.export('never-used'), undefined);
  });
});

describe('spin:sqlite/sqlite@3.0.0', () => {
  test('last-insert-rowid and changes report the last statement, as u64/s64 bigints', () => {
    const conn = createSqliteV3({ databases, allowedDatabases: ['default'] }).Connection.open('default');
    conn.execute('CREATE TABLE t (id INTEGER PRIMARY KEY, v)', []);
    conn.execute('INSERT INTO t (v) VALUES (?), (?)', [integer(1n), integer(2n)]);
    assert.equal(conn.lastInsertRowid(), 2n);
    assert.equal(conn.changes(), 2n);
    conn.execute('UPDATE t SET v = 0 WHERE id = 1', []);
    assert.equal(conn.changes(), 1n);
  });
});

describe('spin:sqlite/sqlite@3.1.0 (Spin 4)', () => {
  async function collect<T>(rows: AsyncIterable<T>): Promise<T[]> {
    const out: T[] = [];
    for await (const row of rows) out.push(row);
    return out;
  }

  test('execute-async returns the columns, a stream of every row and an ok future, on the same database as execute', async () => {
    const calls: string[] = [];
    const onCall = (call: string, outcome: string) => calls.push(`${call} -> ${outcome}`);
    const host = createSqliteV31({ databases, allowedDatabases: ['default'], onCall, onWrite: (l) => writes.push(l) });
    const conn = await host.Connection.openAsync('default');
    conn.execute('CREATE TABLE t (id INTEGER PRIMARY KEY, v)', []);
    const [insertColumns, insertRows, inserted] = await conn.executeAsync('INSERT INTO t (v) VALUES (?), (?), (?)', [textValue('a'), real(1.5), NULL]);
    assert.deepEqual([insertColumns, await collect(insertRows), await inserted], [[], [], { tag: 'ok', val: undefined }]);
    assert.deepEqual(writes, ['default', 'default']);
    assert.equal(await conn.lastInsertRowidAsync(), 3n);
    assert.equal(await conn.changesAsync(), 3n);
    const [columns, rows, ending] = await conn.executeAsync('SELECT id, v FROM t ORDER BY id', []);
    assert.deepEqual(columns, ['id', 'v']);
    assert.deepEqual(await collect(rows), [{ values: [integer(1n), textValue('a')] }, { values: [integer(2n), real(1.5)] }, { values: [integer(3n), NULL] }]);
    assert.deepEqual(await ending, { tag: 'ok', val: undefined });
    assert.deepEqual(databases.query('default', 'SELECT count(*) FROM t', []).rows, [[3n]]);
    assert.ok(
      calls.some((c) => c.startsWith('execute-async("SELECT id, v FROM t ORDER BY id", []) -> ok(')),
      calls.join('\n'),
    );
  });

  test("a failing statement is still ok, with no columns or rows and io(message) in the future, as Spin's in-process SQLite does", async () => {
    const conn = createSqliteV31({ databases, allowedDatabases: ['default'] }).Connection.open('default');
    const [columns, rows, ending] = await conn.executeAsync('SELECT * FROM missing', []);
    assert.deepEqual([columns, await collect(rows)], [[], []]);
    const error = (await ending) as { tag: string; val: { tag: string; val: string } };
    assert.equal(error.tag, 'err');
    assert.equal(error.val.tag, 'io');
    assert.match(error.val.val, /no such table: missing/);
  });

  test("open-async of a database not in sqlite_databases rejects with access-denied (the guest's err)", async () => {
    const host = createSqliteV31({ databases, allowedDatabases: ['default'] });
    await assert.rejects(host.Connection.openAsync('forbidden'), (error) => {
      assert.deepEqual(error, { tag: 'access-denied' });
      return true;
    });
  });
});

describe('unversioned fermyon:spin/sqlite (Spin 1)', () => {
  test('connections are u32 handles from 0; an unknown one is invalid-connection; close ignores unknown handles', () => {
    const sqlite = createSqliteSpin1({ databases, allowedDatabases: ['default'] });
    assert.deepEqual(
      thrown(() => sqlite.open('forbidden')),
      { tag: 'access-denied' },
    );
    const conn = sqlite.open('default');
    assert.equal(conn, 0);
    assert.deepEqual(sqlite.execute(conn, 'SELECT 1 AS one', []), { columns: ['one'], rows: [{ values: [integer(1n)] }] });
    sqlite.close(conn);
    sqlite.close(99);
    assert.deepEqual(
      thrown(() => sqlite.execute(conn, 'SELECT 1', [])),
      { tag: 'invalid-connection' },
    );
    assert.equal(sqlite.open('default'), 1);
  });
});

describe('tracing', () => {
  test('calls and outcomes are reported', () => {
    const calls: string[] = [];
    const traced = createSqliteV2({ databases, allowedDatabases: ['default'], onCall: (call, outcome) => calls.push(`${call} -> ${outcome}`) });
    thrown(() => traced.Connection.open('forbidden'));
    traced.Connection.open('default').execute('SELECT ?', [integer(1n)]);
    assert.deepEqual(calls, [
      'connection.open("forbidden") -> err(access-denied)',
      'connection.open("default") -> ok("connection(default)")',
      'execute("SELECT ?", [{"tag":"integer","val":"1"}]) -> ok({"columns":["?"],"rows":[{"values":[{"tag":"integer","val":"1"}]}]})',
    ]);
  });
});
