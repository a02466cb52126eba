/**
 * Interfaces that need network services the browser cannot reach: every one links (all the
 * functions and resource classes its WIT in spinframework/spin `wit/deps` declares exist) and
 * every call fails with that interface's own error case.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createUnavailableHosts, UNAVAILABLE_INTERFACES, unavailableMessage } from '../../src/host/stubs.ts';
import { HOST_INTERFACES } from '../../src/host/versions.ts';

type Host = Record<string, unknown>;
type Ctor = { new (...args: unknown[]): Record<string, (...args: unknown[]) => unknown>; open(...args: unknown[]): unknown };

const hosts = createUnavailableHosts();
const host = (name: string): Host => hosts[name] ?? assert.fail(`no stub for ${name}`);
const fn = (name: string, member: string) => host(name)[member] as (...args: unknown[]) => unknown;
const cls = (name: string, member = 'Connection') => host(name)[member] as Ctor;
/** Calls a resource method the guest could only reach with an instance. */
const method = (name: string, member: string) => (cls(name).prototype as Record<string, (...args: unknown[]) => unknown>)[member]!;

function thrown(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    return error;
  }
  assert.fail('expected the call to fail');
}

const failsWith = (run: () => unknown, tag: string, iface: string) => assert.deepEqual(thrown(run), { tag, val: unavailableMessage(iface) });

/** An `async func` stub: a Promise (no synchronous throw) that rejects with the error case. */
async function rejectsWith(result: unknown, tag: string, iface: string): Promise<void> {
  assert.ok(result instanceof Promise, 'an async function returns a Promise');
  await assert.rejects(result, (error: unknown) => {
    assert.deepEqual(error, { tag, val: unavailableMessage(iface) });
    return true;
  });
}

describe('fermyon:spin@2.0.0 interfaces', () => {
  test('redis: connection.open and every method fail with other(…)', () => {
    const iface = 'fermyon:spin/redis@2.0.0';
    failsWith(() => cls(iface).open('redis://localhost'), 'other', iface);
    for (const m of ['publish', 'get', 'set', 'incr', 'del', 'sadd', 'smembers', 'srem', 'execute']) {
      failsWith(() => method(iface, m)(), 'other', iface);
    }
  });

  test('mysql and postgres: open is connection-failed(…); query and execute are other(…)', () => {
    for (const iface of ['fermyon:spin/mysql@2.0.0', 'fermyon:spin/postgres@2.0.0']) {
      failsWith(() => cls(iface).open('mysql://db'), 'connection-failed', iface);
      failsWith(() => method(iface, 'query')('SELECT 1', []), 'other', iface);
      failsWith(() => method(iface, 'execute')('SELECT 1', []), 'other', iface);
    }
  });

  test('mqtt: open and publish fail with other(…)', () => {
    const iface = 'fermyon:spin/mqtt@2.0.0';
    failsWith(() => cls(iface).open('mqtt://broker', 'u', 'p', 30n), 'other', iface);
    failsWith(() => method(iface, 'publish')('t', new Uint8Array(), 'at-most-once'), 'other', iface);
  });

  test('llm: infer and generate-embeddings fail with runtime-error(…)', () => {
    const iface = 'fermyon:spin/llm@2.0.0';
    failsWith(() => fn(iface, 'infer')('llama2-chat', 'hi', undefined), 'runtime-error', iface);
    failsWith(() => fn(iface, 'generateEmbeddings')('all-minilm-l6-v2', ['hi']), 'runtime-error', iface);
  });

  test('rdbms-types is a type-only interface: an empty object', () => {
    assert.deepEqual(host('fermyon:spin/rdbms-types@2.0.0'), {});
  });
});

describe('spin:postgres/postgres', () => {
  test('3.0.0, 4.0.0 and 4.1.0: open is connection-failed(…); query and execute are other(…)', () => {
    for (const iface of ['spin:postgres/postgres@3.0.0', 'spin:postgres/postgres@4.0.0', 'spin:postgres/postgres@4.1.0']) {
      failsWith(() => cls(iface).open('postgres://db'), 'connection-failed', iface);
      failsWith(() => method(iface, 'query')('SELECT 1', []), 'other', iface);
      failsWith(() => method(iface, 'execute')('SELECT 1', []), 'other', iface);
    }
  });

  test('4.1.0 connection-builder constructs; set-ca-root is other(…) and build is connection-failed(…)', () => {
    const iface = 'spin:postgres/postgres@4.1.0';
    const builder = new (cls(iface, 'ConnectionBuilder'))('postgres://db');
    failsWith(() => builder.setCaRoot!('pem'), 'other', iface);
    failsWith(() => builder.build!(), 'connection-failed', iface);
  });

  test('4.2.0 (Spin 4): the synchronous functions fail at once, each -async twin rejects with the same case', async () => {
    const iface = 'spin:postgres/postgres@4.2.0';
    failsWith(() => cls(iface).open('postgres://db'), 'connection-failed', iface);
    failsWith(() => method(iface, 'query')('SELECT 1', []), 'other', iface);
    failsWith(() => method(iface, 'execute')('SELECT 1', []), 'other', iface);
    await rejectsWith((cls(iface) as unknown as { openAsync(a: string): Promise<unknown> }).openAsync('postgres://db'), 'connection-failed', iface);
    await rejectsWith(method(iface, 'queryAsync')('SELECT 1', []), 'other', iface);
    await rejectsWith(method(iface, 'executeAsync')('SELECT 1', []), 'other', iface);
    const builder = new (cls(iface, 'ConnectionBuilder'))('postgres://db');
    failsWith(() => builder.setCaRoot!('pem'), 'other', iface);
    failsWith(() => builder.build!(), 'connection-failed', iface);
    await rejectsWith(builder.buildAsync!(), 'connection-failed', iface);
  });
});

describe('Spin 4 (WASIp3) async interfaces', () => {
  test('redis@3.0.0: connection.open and every method return a Promise that rejects with other(…)', async () => {
    const iface = 'spin:redis/redis@3.0.0';
    await rejectsWith(cls(iface).open('redis://localhost'), 'other', iface);
    for (const m of ['publish', 'get', 'set', 'incr', 'del', 'sadd', 'smembers', 'srem', 'execute']) {
      await rejectsWith(method(iface, m)(), 'other', iface);
    }
  });

  test('mysql@3.0.0: open rejects with connection-failed(…); query and execute with other(…)', async () => {
    const iface = 'spin:mysql/mysql@3.0.0';
    await rejectsWith(cls(iface).open('mysql://db'), 'connection-failed', iface);
    await rejectsWith(method(iface, 'query')('SELECT 1', []), 'other', iface);
    await rejectsWith(method(iface, 'execute')('SELECT 1', []), 'other', iface);
  });

  test('mqtt@3.0.0: open and publish reject with other(…)', async () => {
    const iface = 'spin:mqtt/mqtt@3.0.0';
    await rejectsWith(cls(iface).open('mqtt://broker', 'u', 'p', 30n), 'other', iface);
    await rejectsWith(method(iface, 'publish')('t', new Uint8Array(), 'at-most-once'), 'other', iface);
  });
});

describe('unversioned fermyon:spin interfaces (Spin 1)', () => {
  test('redis functions fail with the enum error case "error" (it carries no text)', () => {
    for (const m of ['publish', 'get', 'set', 'incr', 'del', 'sadd', 'smembers', 'srem', 'execute']) {
      assert.equal(
        thrown(() => fn('fermyon:spin/redis', m)('redis://localhost', 'k')),
        'error',
      );
    }
  });

  test('mysql and postgres query/execute fail with connection-failed(…)', () => {
    for (const iface of ['fermyon:spin/mysql', 'fermyon:spin/postgres']) {
      failsWith(() => fn(iface, 'query')('mysql://db', 'SELECT 1', []), 'connection-failed', iface);
      failsWith(() => fn(iface, 'execute')('mysql://db', 'SELECT 1', []), 'connection-failed', iface);
    }
  });

  test('llm fails with runtime-error(…)', () => {
    failsWith(() => fn('fermyon:spin/llm', 'infer')('m', 'p', undefined), 'runtime-error', 'fermyon:spin/llm');
    failsWith(() => fn('fermyon:spin/llm', 'generateEmbeddings')('m', []), 'runtime-error', 'fermyon:spin/llm');
  });
});

describe('the list of covered interfaces', () => {
  test("names every network-service interface of Spin's worlds, and the versions table routes each to the stubs", () => {
    // Written out from Spin's WIT (spinframework/spin `wit/` and `wit/deps`), not from the code:
    // Redis, MySQL, Postgres, MQTT and LLM in the Spin 1 (unversioned), Spin 2 (`@2.0.0`) and
    // synchronous `spin:postgres` packages, and the ones Spin 4's `platform` world adds
    // (`spin:redis@3.0.0`, `spin:mysql@3.0.0`, `spin:postgres@4.2.0`, `spin:mqtt@3.0.0`).
    const expected = [
      'fermyon:spin/llm',
      'fermyon:spin/llm@2.0.0',
      'fermyon:spin/mqtt@2.0.0',
      'fermyon:spin/mysql',
      'fermyon:spin/mysql@2.0.0',
      'fermyon:spin/postgres',
      'fermyon:spin/postgres@2.0.0',
      'fermyon:spin/rdbms-types',
      'fermyon:spin/rdbms-types@2.0.0',
      'fermyon:spin/redis',
      'fermyon:spin/redis-types',
      'fermyon:spin/redis@2.0.0',
      'spin:mqtt/mqtt@3.0.0',
      'spin:mysql/mysql@3.0.0',
      'spin:postgres/postgres@3.0.0',
      'spin:postgres/postgres@4.0.0',
      'spin:postgres/postgres@4.1.0',
      'spin:postgres/postgres@4.2.0',
      'spin:redis/redis@3.0.0',
    ];
    assert.deepEqual([...UNAVAILABLE_INTERFACES].sort(), expected);
    const routed = HOST_INTERFACES.filter((i) => i.module === 'stubs').map((i) => i.name);
    assert.deepEqual(new Set(routed), new Set(UNAVAILABLE_INTERFACES));
  });

  test('every versioned name in the versions table is listed once', () => {
    const names = HOST_INTERFACES.map((i) => i.name);
    assert.equal(new Set(names).size, names.length);
  });

  test('calls are traced with the error they return', () => {
    const calls: string[] = [];
    const traced = createUnavailableHosts((call, outcome) => calls.push(`${call} -> ${outcome}`));
    thrown(() => (traced['fermyon:spin/redis@2.0.0']!.Connection as Ctor).open('redis://x'));
    assert.deepEqual(calls, ['fermyon:spin/redis@2.0.0 connection.open -> err(other: fermyon:spin/redis@2.0.0 is not available in the browser playground)']);
  });

  test('an async call is traced when its Promise settles', async () => {
    const calls: string[] = [];
    const traced = createUnavailableHosts((call, outcome) => calls.push(`${call} -> ${outcome}`));
    const pending = (traced['spin:redis/redis@3.0.0']!.Connection as Ctor).open('redis://x') as Promise<unknown>;
    assert.deepEqual(calls, [], 'nothing is reported before the call settles');
    await pending.catch(() => {});
    assert.deepEqual(calls, ['spin:redis/redis@3.0.0 connection.open -> err(other: spin:redis/redis@3.0.0 is not available in the browser playground)']);
  });
});
