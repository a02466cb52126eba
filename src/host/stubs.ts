/**
 * Spin interfaces that need a network service the browser cannot reach: Redis, MySQL, Postgres,
 * MQTT and LLM inferencing. Each stub has every function and resource class its WIT declares
 * (spinframework/spin `wit/deps`), so a component that imports it links and runs; every call
 * fails with the interface's own error case and the text "<interface> is not available in the
 * browser playground". The Spin 4 (WASIp3) versions' `async func`s return a Promise that
 * rejects with that error, a failed subtask for the guest (docs/spin4.md).
 */

type OnCall = (call: string, outcome: string) => void;
type Failure = (name: string) => never;

/** What a guest sees when it calls one of these interfaces. */
export function unavailableMessage(iface: string): string {
  return `${iface} is not available in the browser playground`;
}

/** `fermyon:spin/redis@2.0.0`: every call is `other(…)`. */
function redisV2(fail: Failure) {
  class Connection {
    static open(_address: string): Connection {
      return fail('connection.open');
    }
    publish(_channel: string, _payload: Uint8Array): void {
      fail('publish');
    }
    get(_key: string): Uint8Array | undefined {
      return fail('get');
    }
    set(_key: string, _value: Uint8Array): void {
      fail('set');
    }
    incr(_key: string): bigint {
      return fail('incr');
    }
    del(_keys: string[]): number {
      return fail('del');
    }
    sadd(_key: string, _values: string[]): number {
      return fail('sadd');
    }
    smembers(_key: string): string[] {
      return fail('smembers');
    }
    srem(_key: string, _values: string[]): number {
      return fail('srem');
    }
    execute(_command: string, _arguments: unknown[]): unknown[] {
      return fail('execute');
    }
  }
  return { Connection };
}

/** `fermyon:spin/{mysql,postgres}@2.0.0` and `spin:postgres/postgres@3.0.0|4.0.0|4.1.0`. */
function rdbmsConnection(fail: Failure, openFail: Failure) {
  return class Connection {
    static open(_address: string): Connection {
      return openFail('connection.open');
    }
    query(_statement: string, _params: unknown[]): unknown {
      return fail('query');
    }
    execute(_statement: string, _params: unknown[]): bigint | undefined {
      return fail('execute');
    }
  };
}

/** `spin:postgres/postgres@4.1.0` adds a `connection-builder` resource with a constructor. */
function connectionBuilder(fail: Failure, openFail: Failure) {
  return class ConnectionBuilder {
    setCaRoot(_certificate: string): void {
      fail('connection-builder.set-ca-root');
    }
    build(): never {
      return openFail('connection-builder.build');
    }
  };
}

/** `fermyon:spin/mqtt@2.0.0`: every call is `other(…)`. */
function mqttV2(fail: Failure) {
  class Connection {
    static open(_address: string, _username: string, _password: string, _keepAlive: bigint): Connection {
      return fail('connection.open');
    }
    publish(_topic: string, _payload: Uint8Array, _qos: string): void {
      fail('publish');
    }
  }
  return { Connection };
}

/** `llm` (unversioned and `@2.0.0` are identical): every call is `runtime-error(…)`. */
function llm(fail: Failure) {
  return {
    infer: (_model: string, _prompt: string, _params?: unknown): never => fail('infer'),
    generateEmbeddings: (_model: string, _text: string[]): never => fail('generate-embeddings'),
  };
}

/** Unversioned Spin 1 `redis`: its error is the enum `{ success, error }`, so no text reaches the guest. */
function redisSpin1(fail: Failure) {
  const names = ['publish', 'get', 'set', 'incr', 'del', 'sadd', 'smembers', 'srem', 'execute'] as const;
  return Object.fromEntries(names.map((name) => [name, (..._args: unknown[]): never => fail(name)]));
}

/** Unversioned Spin 1 `mysql` / `postgres`: functions taking the address; `connection-failed(…)`. */
function rdbmsSpin1(fail: Failure) {
  return {
    query: (_address: string, _statement: string, _params: unknown[]): never => fail('query'),
    execute: (_address: string, _statement: string, _params: unknown[]): never => fail('execute'),
  };
}

/** An `async func`: the failure arrives as a rejected Promise, a turn later. */
type AsyncFailure = (name: string) => Promise<never>;
const later =
  (fail: Failure): AsyncFailure =>
  (name) =>
    Promise.resolve().then(() => fail(name));

/** `spin:redis/redis@3.0.0`: every function is async; every call is `other(…)`. */
function redisV3(fail: AsyncFailure) {
  class Connection {
    static open(_address: string): Promise<Connection> {
      return fail('connection.open');
    }
    publish(_channel: string, _payload: Uint8Array): Promise<void> {
      return fail('publish');
    }
    get(_key: string): Promise<Uint8Array | undefined> {
      return fail('get');
    }
    set(_key: string, _value: Uint8Array): Promise<void> {
      return fail('set');
    }
    incr(_key: string): Promise<bigint> {
      return fail('incr');
    }
    del(_keys: string[]): Promise<number> {
      return fail('del');
    }
    sadd(_key: string, _values: string[]): Promise<number> {
      return fail('sadd');
    }
    smembers(_key: string): Promise<string[]> {
      return fail('smembers');
    }
    srem(_key: string, _values: string[]): Promise<number> {
      return fail('srem');
    }
    execute(_command: string, _arguments: unknown[]): Promise<unknown[]> {
      return fail('execute');
    }
  }
  return { Connection };
}

/** `spin:mysql/mysql@3.0.0`: async `open` (connection-failed), `query` and `execute` (other). */
function mysqlV3(fail: AsyncFailure, openFail: AsyncFailure) {
  class Connection {
    static open(_address: string): Promise<Connection> {
      return openFail('connection.open');
    }
    query(_statement: string, _params: unknown[]): Promise<never> {
      return fail('query');
    }
    execute(_statement: string, _params: unknown[]): Promise<void> {
      return fail('execute');
    }
  }
  return { Connection };
}

/** `spin:postgres/postgres@4.2.0`: 4.1.0's functions plus an `-async` twin of each. */
function postgresV42(fail: Failure, openFail: Failure) {
  const failLater = later(fail);
  const openLater = later(openFail);
  class Connection {
    static open(_address: string): Connection {
      return openFail('connection.open');
    }
    static openAsync(_address: string): Promise<Connection> {
      return openLater('connection.open-async');
    }
    query(_statement: string, _params: unknown[]): unknown {
      return fail('query');
    }
    queryAsync(_statement: string, _params: unknown[]): Promise<never> {
      return failLater('query-async');
    }
    execute(_statement: string, _params: unknown[]): bigint {
      return fail('execute');
    }
    executeAsync(_statement: string, _params: unknown[]): Promise<bigint> {
      return failLater('execute-async');
    }
  }
  class ConnectionBuilder extends connectionBuilder(fail, openFail) {
    buildAsync(): Promise<Connection> {
      return openLater('connection-builder.build-async');
    }
  }
  return { Connection, ConnectionBuilder };
}

/** `spin:mqtt/mqtt@3.0.0`: async `open` and `publish`, both `other(…)` as in 2.0.0. */
function mqttV3(fail: AsyncFailure) {
  class Connection {
    static open(_address: string, _username: string, _password: string, _keepAlive: bigint): Promise<Connection> {
      return fail('connection.open');
    }
    publish(_topic: string, _payload: Uint8Array, _qos: string): Promise<void> {
      return fail('publish');
    }
  }
  return { Connection };
}

type ErrorCase = { tag: string } | string;

/**
 * The stub objects, keyed by full interface name. Type-only interfaces (`rdbms-types`,
 * `redis-types`) are empty objects, for glue that asks for them. Every call is reported to
 * `onCall` with the error it returns.
 */
export function createUnavailableHosts(onCall?: OnCall): Record<string, Record<string, unknown>> {
  const failing =
    (iface: string, error: (message: string) => ErrorCase): Failure =>
    (name) => {
      const message = unavailableMessage(iface);
      const value = error(message);
      onCall?.(`${iface} ${name}`, `err(${typeof value === 'string' ? value : value.tag}: ${message})`);
      throw value;
    };
  const other = (iface: string) => failing(iface, (val) => ({ tag: 'other', val }));
  const connectionFailed = (iface: string) => failing(iface, (val) => ({ tag: 'connection-failed', val }));
  const rdbms = (iface: string) => ({ Connection: rdbmsConnection(other(iface), connectionFailed(iface)) });
  return {
    'fermyon:spin/redis@2.0.0': redisV2(other('fermyon:spin/redis@2.0.0')),
    'fermyon:spin/mysql@2.0.0': rdbms('fermyon:spin/mysql@2.0.0'),
    'fermyon:spin/postgres@2.0.0': rdbms('fermyon:spin/postgres@2.0.0'),
    'fermyon:spin/rdbms-types@2.0.0': {},
    'fermyon:spin/mqtt@2.0.0': mqttV2(other('fermyon:spin/mqtt@2.0.0')),
    'fermyon:spin/llm@2.0.0': llm(failing('fermyon:spin/llm@2.0.0', (val) => ({ tag: 'runtime-error', val }))),
    'spin:postgres/postgres@3.0.0': rdbms('spin:postgres/postgres@3.0.0'),
    'spin:postgres/postgres@4.0.0': rdbms('spin:postgres/postgres@4.0.0'),
    'spin:postgres/postgres@4.1.0': {
      ...rdbms('spin:postgres/postgres@4.1.0'),
      ConnectionBuilder: connectionBuilder(other('spin:postgres/postgres@4.1.0'), connectionFailed('spin:postgres/postgres@4.1.0')),
    },
    'spin:redis/redis@3.0.0': redisV3(later(other('spin:redis/redis@3.0.0'))),
    'spin:mysql/mysql@3.0.0': mysqlV3(later(other('spin:mysql/mysql@3.0.0')), later(connectionFailed('spin:mysql/mysql@3.0.0'))),
    'spin:postgres/postgres@4.2.0': postgresV42(other('spin:postgres/postgres@4.2.0'), connectionFailed('spin:postgres/postgres@4.2.0')),
    'spin:mqtt/mqtt@3.0.0': mqttV3(later(other('spin:mqtt/mqtt@3.0.0'))),
    'fermyon:spin/redis': redisSpin1(failing('fermyon:spin/redis', () => 'error')),
    'fermyon:spin/redis-types': {},
    'fermyon:spin/mysql': rdbmsSpin1(connectionFailed('fermyon:spin/mysql')),
    'fermyon:spin/postgres': rdbmsSpin1(connectionFailed('fermyon:spin/postgres')),
    'fermyon:spin/rdbms-types': {},
    'fermyon:spin/llm': llm(failing('fermyon:spin/llm', (val) => ({ tag: 'runtime-error', val }))),
  };
}

/** Every interface name `createUnavailableHosts` covers. */
export const UNAVAILABLE_INTERFACES: string[] = Object.keys(createUnavailableHosts());
