/**
 * The engine Worker's entry: opens the project's key-value database, creates the engine, and
 * serves two kinds of ports: the service worker's (requests from the preview) and the UI's
 * (load an app, requests from the console, logs).
 */
/// <reference lib="webworker" />
import initSqlJs from 'sql.js';
import sqlWasmUrl from 'sql.js/dist/sql-wasm-browser.wasm?url';
import type { EngineToSw, EngineToUi, KvStoreChange, LogEntry, SwToEngine, UiToEngine, WireResponse } from '../protocol/messages';
import { SqliteKvStore, type KvChange } from '../storage/sqlite-store';
import { KvPersistence } from '../storage/persistence';
import { SqliteDatabases } from '../storage/sqlite-databases';
import { SqlitePersistence } from '../storage/sqlite-persistence';
import { Engine } from './engine';
import { jspiAvailable } from './components';
import { ENGINE_DB_LOCK, type EngineWorkerToRunner, type RunnerToEngineWorker } from '../protocol/messages';
import { installMemoryCap, MIB } from './limits';
// The Worker's entry wires the parts: the only engine file that may import src/authoring/.
import { authoredCores } from '../authoring/prepared';

// The guest memory ceiling; the runner sends the limits before any port (so before any load).
let memoryLimitMiB = 0;
installMemoryCap(() => memoryLimitMiB * MIB);

function tellRunner(message: EngineWorkerToRunner): void {
  self.postMessage(message);
}

/**
 * One engine per project at a time: a Worker the runner just terminated may still be finishing a
 * write while its replacement starts. Held until this Worker ends (the browser releases it then).
 */
/**
 * How long a new engine waits for the previous one to let go of the data lock before taking it.
 * Chromium stops a Worker busy in a guest's loop about 2 s after terminate(); WebKit may never
 * stop it (its thread keeps spinning in wasm), so the lock would never be released and every
 * request after a safety-timeout restart would time out too. A terminated Worker runs no more
 * JavaScript, so taking its lock after the grace period cannot let two engines write the data.
 */
const LOCK_STEAL_AFTER_MS = 5000;

function holdEngineLock(): Promise<'granted' | 'stolen'> {
  if (!navigator.locks) return Promise.resolve('granted');
  const hold = () => new Promise<never>(() => {});
  return new Promise((resolve) => {
    const waiting = new AbortController();
    const timer = setTimeout(() => waiting.abort(), LOCK_STEAL_AFTER_MS);
    navigator.locks
      .request(ENGINE_DB_LOCK, { signal: waiting.signal }, () => {
        clearTimeout(timer);
        resolve('granted');
        return hold();
      })
      .catch(() => {
        if (!waiting.signal.aborted) return;
        void navigator.locks.request(ENGINE_DB_LOCK, { steal: true }, () => {
          resolve('stolen');
          return hold();
        });
      });
  });
}

const uiPorts = new Set<MessagePort>();
const recentLogs: LogEntry[] = [];
const MAX_RECENT_LOGS = 200;

function log(entry: Omit<LogEntry, 'time'>): void {
  const full: LogEntry = { time: Date.now(), ...entry };
  recentLogs.push(full);
  if (recentLogs.length > MAX_RECENT_LOGS) recentLogs.shift();
  broadcast({ type: 'log', entry: full });
}

function broadcast(message: EngineToUi): void {
  for (const port of uiPorts) port.postMessage(message);
}

/** Keys listed per store in one `kv-changed`; beyond it the explorer re-reads the store. */
const KV_CHANGED_KEYS_MAX = 500;
/** Keys changed per store since they were last announced (key → ends deleted); null: too many. */
const changedKeys = new Map<string, Map<string, boolean> | null>();

function noteKvChange(change: KvChange): void {
  let keys = changedKeys.get(change.store);
  if (keys === null) return;
  if (keys === undefined) changedKeys.set(change.store, (keys = new Map()));
  keys.delete(change.key);
  keys.set(change.key, change.op === 'delete');
  if (keys.size > KV_CHANGED_KEYS_MAX) changedKeys.set(change.store, null);
}

let kvChangedScheduled = new Set<string>();
function kvWritten(store: string): void {
  if (kvChangedScheduled.size === 0) {
    queueMicrotask(() => {
      const stores = [...kvChangedScheduled];
      kvChangedScheduled = new Set();
      // A store announced with no keys noted (not expected: every write goes through
      // SqliteKvStore) is re-read in full rather than shown stale.
      const changes = stores.map((name): KvStoreChange => {
        const keys = changedKeys.get(name);
        changedKeys.delete(name);
        return { store: name, keys: keys ? [...keys].map(([key, deleted]) => ({ key, deleted })) : null };
      });
      broadcast({ type: 'kv-changed', stores, changes });
    });
  }
  kvChangedScheduled.add(store);
}

async function start(): Promise<Engine> {
  const SQL = await initSqlJs({ locateFile: () => sqlWasmUrl });
  const lockWait = performance.now();
  const lock = await holdEngineLock();
  const waited = performance.now() - lockWait;
  if (lock === 'stolen') {
    log({
      level: 'warn',
      source: 'engine',
      message:
        `the previous engine did not stop within ${LOCK_STEAL_AFTER_MS / 1000} s of being terminated (a browser that cannot interrupt a ` +
        `guest's loop); this engine took over its data`,
    });
  }
  // Chromium stops a Worker busy in a guest's loop only about 2 s after terminate().
  if (waited > 100) log({ level: 'info', source: 'engine', message: `waited ${Math.round(waited)} ms for the previous engine to stop` });
  const unsaved = (what: string, error: unknown) =>
    log({
      level: 'error',
      source: 'engine',
      message:
        `${what} cannot be saved in this browser (IndexedDB: ${error instanceof Error ? error.message : String(error)}); the app runs with ` +
        `data kept in memory only, lost when the engine restarts. Allow site data for this site to keep it.`,
    });
  const { db, persistence } = await KvPersistence.open(SQL, (database, changes) => {
    const replayer = new SqliteKvStore(database);
    for (const change of changes) replayer.replay(change);
  }).catch((error: unknown) => {
    unsaved('Key-value data', error);
    return KvPersistence.memoryOnly(SQL);
  });
  persistence.onFailure((error) => {
    log({ level: 'error', source: 'key-value', message: error.message });
    tellRunner({ type: 'fatal', message: error.message });
  });
  const kv = new SqliteKvStore(db);
  kv.onChange((change) => {
    persistence.record(change);
    noteKvChange(change);
  });
  const { persistence: sqlitePersistence, initial } = await SqlitePersistence.open().catch((error: unknown) => {
    unsaved('SQLite data', error);
    const memoryOnly: Pick<SqlitePersistence, 'markDirty' | 'flush'> = { markDirty: () => {}, flush: async () => {} };
    return { persistence: memoryOnly, initial: new Map<string, Uint8Array>() };
  });
  const sqlite = new SqliteDatabases(SQL, initial);
  const scheme = location.protocol === 'https:' ? 'https' : 'http';
  return new Engine({
    kv,
    sqlite,
    onSqliteWrite: (label) => sqlitePersistence.markDirty(label),
    flush: async () => {
      await Promise.all([persistence.flush(), sqlitePersistence.flush(sqlite)]);
    },
    log,
    origin: { scheme, host: location.host },
    // The runner names the worker `…:sync` for `?jspi=off`, the path a browser without JSPI takes.
    bridge: jspiAvailable() && !self.name.endsWith(':sync') ? 'jspi' : 'sync',
    onKvWrite: kvWritten,
    onTrace: (trace) => broadcast({ type: 'trace', trace }),
    authored: authoredCores(),
  });
}

const engine = start();
engine.catch((error: unknown) => log({ level: 'error', source: 'engine', message: `engine failed to start: ${String(error)}` }));

function transferOf(response: WireResponse): Transferable[] {
  return response.body ? [response.body as Transferable] : [];
}

function serveSw(port: MessagePort): void {
  port.onmessage = async (event: MessageEvent<SwToEngine>) => {
    const message = event.data;
    const response = await (await engine).handle(message.request);
    const reply: EngineToSw = { type: 'response', id: message.id, response };
    port.postMessage(reply, transferOf(response));
  };
}

function serveUi(port: MessagePort): void {
  uiPorts.add(port);
  for (const entry of recentLogs) port.postMessage({ type: 'log', entry } satisfies EngineToUi);
  port.onmessage = async (event: MessageEvent<UiToEngine>) => {
    const message = event.data;
    const e = await engine;
    if (message.type === 'load') {
      port.postMessage({ type: 'loaded', id: message.id, result: await e.load(message.bundle) } satisfies EngineToUi);
    } else if (message.type === 'request') {
      const response = await e.handle(message.request, 'console');
      port.postMessage({ type: 'response', id: message.id, response } satisfies EngineToUi, transferOf(response));
    } else if (message.type === 'kv') {
      port.postMessage({ type: 'kv-result', id: message.id, result: await e.kvAdmin(message.op) } satisfies EngineToUi);
    } else if (message.type === 'sqlite') {
      const result = await e.sqliteAdmin(message.op);
      port.postMessage({ type: 'sqlite-result', id: message.id, result } satisfies EngineToUi, result.op === 'export' && result.bytes ? [result.bytes] : []);
    } else if (message.type === 'time-direct') {
      const durationsMs: number[] = [];
      for (let i = 0; i < message.count; i++) {
        const started = performance.now();
        await e.handle({ ...message.request, body: message.request.body?.slice(0) ?? null }, null);
        durationsMs.push(performance.now() - started);
      }
      port.postMessage({ type: 'timed', id: message.id, durationsMs } satisfies EngineToUi);
    }
  };
}

self.onmessage = (event: MessageEvent<RunnerToEngineWorker>) => {
  if (event.data.type === 'sw-port') serveSw(event.data.port);
  else if (event.data.type === 'ui-port') serveUi(event.data.port);
  else if (event.data.type === 'limits') memoryLimitMiB = event.data.limits.memoryLimitMiB;
  else if (event.data.type === 'ping') tellRunner({ type: 'pong', id: event.data.id });
};
