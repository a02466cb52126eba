/**
 * The engine Worker's entry: opens the project's key-value database, creates the engine, and
 * serves two kinds of ports: the service worker's (requests from the preview) and the UI's
 * (load an app, requests from the console, logs).
 */
/// <reference lib="webworker" />
import initSqlJs from 'sql.js';
import sqlWasmUrl from 'sql.js/dist/sql-wasm-browser.wasm?url';
import type { EngineToSw, EngineToUi, LogEntry, SwToEngine, UiToEngine, WireResponse } from '../protocol/messages';
import { SqliteKvStore } from '../kv/sqlite-store';
import { KvPersistence } from '../kv/persistence';
import { SqliteDatabases } from '../kv/sqlite-databases';
import { SqlitePersistence } from '../kv/sqlite-persistence';
import { Engine } from './engine';

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

let kvChangedScheduled = new Set<string>();
function kvWritten(store: string): void {
  if (kvChangedScheduled.size === 0) {
    queueMicrotask(() => {
      const stores = [...kvChangedScheduled];
      kvChangedScheduled = new Set();
      broadcast({ type: 'kv-changed', stores });
    });
  }
  kvChangedScheduled.add(store);
}

async function start(): Promise<Engine> {
  const SQL = await initSqlJs({ locateFile: () => sqlWasmUrl });
  const { db, persistence } = await KvPersistence.open(SQL, (database, changes) => {
    const replayer = new SqliteKvStore(database);
    for (const change of changes) replayer.replay(change);
  });
  const kv = new SqliteKvStore(db);
  kv.onChange((change) => persistence.record(change));
  const { persistence: sqlitePersistence, initial } = await SqlitePersistence.open();
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
    onKvWrite: kvWritten,
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
      const response = await e.handle(message.request);
      port.postMessage({ type: 'response', id: message.id, response } satisfies EngineToUi, transferOf(response));
    } else if (message.type === 'time-direct') {
      const durationsMs: number[] = [];
      for (let i = 0; i < message.count; i++) {
        const started = performance.now();
        await e.handle({ ...message.request, body: message.request.body?.slice(0) ?? null });
        durationsMs.push(performance.now() - started);
      }
      port.postMessage({ type: 'timed', id: message.id, durationsMs } satisfies EngineToUi);
    }
  };
}

self.onmessage = (event: MessageEvent<{ type: string; port: MessagePort }>) => {
  if (event.data.type === 'sw-port') serveSw(event.data.port);
  else if (event.data.type === 'ui-port') serveUi(event.data.port);
};
