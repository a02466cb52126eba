/**
 * Every message that crosses an execution context, in one place. Each type says who sends it to
 * whom. This module is a leaf: it imports nothing from `src/` and holds no logic but guards.
 *
 * Contexts: UI page (UI origin) · runner frame (preview origin) · service worker (preview origin)
 * · engine Worker (started by the runner).
 */

/** An HTTP request as plain data, transferable between contexts. */
export interface WireRequest {
  method: string;
  /** Path and query as the client sent them, e.g. `/api/items?x=1`. */
  pathWithQuery: string;
  headers: Array<[string, string]>;
  body: ArrayBuffer | null;
  /** Who started it, as the service worker proved it; absent on the console's requests. */
  initiator?: RequestInitiator;
}

/**
 * Who started a request the service worker caught, for the cookie jar's `SameSite` rules. `site`
 * is from the request's referrer: the project's own origin, the playground UI's origin, or
 * anything else, including no referrer (`cross-site`: what cannot be proved same-origin is not).
 * `navigation`: of a top-level tab (`top`), of a frame (`frame`), or not a navigation (`null`).
 */
export interface RequestInitiator {
  site: 'same-origin' | 'ui' | 'cross-site';
  navigation: 'top' | 'frame' | null;
}

/** An HTTP response as plain data, with the timing split the request console shows. */
export interface WireResponse {
  status: number;
  headers: Array<[string, string]>;
  /** Bytes, or a (transferred) stream when the component is still writing its body. */
  body: ArrayBuffer | ReadableStream<Uint8Array> | null;
  timing?: RequestTiming;
}

export interface RequestTiming {
  routeMs: number;
  /** Time the request waited for its instance (near 0 when one was made ahead while idle). */
  instantiateMs: number;
  /** What making that instance took, on or off the request path (WASI 0.2 components). */
  instanceMs?: number;
  handlerMs: number;
  persistMs: number;
  totalMs: number;
  /** Matched component id, or the reserved/static handler name. */
  handledBy?: string;
}

/** The app as files: its manifest and every file the manifest names, keyed by manifest path. */
export interface AppBundle {
  manifestText: string;
  /** Where the manifest came from (for messages and relative URLs); absent for uploads. */
  manifestUrl?: string;
  /** Component binaries and other files, keyed by the path or URL written in the manifest. */
  files: Record<string, ArrayBuffer>;
  /** Values for the app's `[variables]`, as `spin up --variable name=value` would set them. */
  variables?: Record<string, string>;
  /** The playground's safety limits for this app; absent fields take `DEFAULT_LIMITS`. */
  limits?: EngineLimits;
}

/**
 * Safety limits the playground adds; `spin up` has none of these (README "Guarantees and limits").
 * They travel with the app bundle, and the runner applies them from that load on.
 */
export interface EngineLimits {
  /**
   * How long a request may wait for its response to start, in ms. Past it the client gets 504,
   * the log names the route and component, and the runner replaces the engine Worker (a busy
   * guest cannot be interrupted otherwise). 0 turns the timeout off.
   */
  timeoutMs?: number;
  /** Ceiling for each linear memory a component defines, in MiB; growing past it fails (a trap). 0: no ceiling. */
  memoryLimitMiB?: number;
  /**
   * Enforce the key-value limits Fermyon Cloud documents (src/host/key-value-limits.ts): key and
   * value size, keys per store, stores per app. Off, as `spin up`, a write over one only warns.
   */
  cloudLimits?: boolean;
  /**
   * Spin 4's instance reuse for WASI 0.3 components (src/engine/instance-pool.ts): requests one
   * instance serves in all, requests it serves at once, and ms it is kept idle. Each a whole
   * number or Spin's range `a..b`. WASI 0.2 components always get a fresh instance per request.
   */
  instanceReuse?: number | string;
  instanceConcurrency?: number | string;
  idleInstanceTimeoutMs?: number | string;
}

export const DEFAULT_LIMITS: Readonly<Required<EngineLimits>> = {
  timeoutMs: 10_000,
  memoryLimitMiB: 256,
  cloudLimits: false,
  instanceReuse: 128,
  instanceConcurrency: 16,
  idleInstanceTimeoutMs: 1000,
};

/** Fermyon Cloud's documented key-value limits, which the "Fermyon Cloud limits" switch enforces. */
export const CLOUD_KV_LIMITS = {
  /** Key size in UTF-8 bytes. */
  keyBytes: 255,
  /** Value size in bytes: "1 MB" read as the decimal megabyte, the stricter reading. */
  valueBytes: 1_000_000,
  /** Keys one store may hold; overwriting an existing key never counts against it. */
  keysPerStore: 1024,
  /** Distinct key-value store labels the app's components name (Fermyon Cloud Starter plan). */
  stores: 5,
} as const;

/** What the runner reports about the project's engine, sent to every UI as `engine-event`. */
export type EngineEvent =
  /**
   * Which tab runs the project's engine. Tabs on the same project share one engine, run by the
   * first tab's runner; the others reach it through that tab (`other-tab`). `none`: no engine can
   * be reached yet (this tab takes over when the live one closes).
   */
  | { kind: 'live'; where: 'this-tab' | 'other-tab' | 'none'; message: string }
  | { kind: 'restarting'; reason: string }
  /** A fresh engine serves again, the app reloaded; `restartMs` from stopping the old one. */
  | { kind: 'restarted'; reason: string; restartMs: number };

export interface LoadedRoute {
  component: string;
  route: string;
  wildcard: boolean;
}

export type LoadResult =
  | { ok: true; routes: LoadedRoute[]; components: string[]; info?: ComponentInfo[] }
  | { ok: false; error: string; line?: number; column?: number; file?: string; info?: ComponentInfo[] };

/** What the "Files" panel shows for one component: its source and its world, read from the bytes. */
export interface ComponentInfo {
  id: string;
  /** The source path or URL as written in the manifest. */
  source: string;
  /** Bytes, when the bundle holds the source. */
  size?: number;
  kind: 'component' | 'core-module' | 'not-wasm' | 'missing' | 'registry';
  imports: Array<{ name: string; supported: boolean; reason?: string }>;
  exports: string[];
  /** Why the world could not be read. */
  error?: string;
}

/** One host call a component made while handling a request, for the "Trace" panel. */
export interface TraceCall {
  /** The component that made it (a chained request's component shows its own id). */
  component: string;
  /** The call with its arguments, e.g. `get("count")`. */
  call: string;
  /** `ok(…)`, `err(…)` or `trap(…)`. */
  outcome: string;
  /** Milliseconds from the start of the request to the call's return. */
  atMs: number;
  /** For an async host call (WASI 0.3): milliseconds from the start of the request to its start. */
  startMs?: number;
}

/** Everything one request did, in order: sent from the engine to the UI as it happens. */
export interface RequestTrace {
  id: number;
  /** Who sent it: the preview frame (through the service worker) or the request console. */
  source: 'preview' | 'console';
  method: string;
  pathWithQuery: string;
  /** A document load of the preview (its `accept` asks for HTML first), so the address bar follows it. */
  navigation: boolean;
  /** Wall-clock start (ms since the epoch). */
  startedAt: number;
  /** How the request was answered. */
  kind: 'component' | 'static' | 'reserved' | 'no-route' | 'no-app';
  /** The route pattern as written in the manifest (`/api/...`), when one matched. */
  route?: string;
  /** Component id, static trigger id or reserved endpoint name. */
  handledBy?: string;
  status?: number;
  timing?: RequestTiming;
  calls: TraceCall[];
  /** True while a streamed body is still being written (more calls may follow). */
  streaming?: boolean;
  /** For a reused (WASI 0.3) instance: which one served the request, and its how-manyth request this was. */
  instance?: { id: number; request: number; maxReuse: number; inFlight: number };
}

/** Key-value explorer operations, run by the engine so persistence journals every change. */
export type KvAdminOp =
  | { op: 'stores' }
  | { op: 'list'; store: string; prefix: string; limit: number }
  | { op: 'get'; store: string; key: string }
  | { op: 'set'; store: string; key: string; value: ArrayBuffer }
  | { op: 'delete'; store: string; keys: string[] }
  /** Every key of one store, or of every store (`null`: reset the project's data to its empty seed). */
  | { op: 'clear'; store: string | null }
  | { op: 'export'; store: string }
  | { op: 'import'; store: string; entries: Array<[string, ArrayBuffer]> };

export type KvAdminResult =
  | { op: 'stores'; stores: Array<{ name: string; keys: number }> }
  /** Keys in Spin's order that start with the prefix, at most `limit`; `matched` counts them all. */
  | { op: 'list'; keys: string[]; total: number; matched: number }
  | { op: 'get'; value: ArrayBuffer | null }
  | { op: 'export'; entries: Array<[string, ArrayBuffer]> }
  | { op: 'done'; changed: number }
  | { op: 'error'; message: string };

/**
 * The app's SQLite databases (`sqlite_databases` labels) as whole files, for "Export app" and
 * import. `replace` is checked (sql.js must open it) and saved before the answer, like an app write.
 */
export type SqliteAdminOp = { op: 'labels' } | { op: 'export'; label: string } | { op: 'replace'; label: string; bytes: ArrayBuffer };

export type SqliteAdminResult =
  /** Labels that have a database: used by the app, or saved from an earlier run or import. */
  | { op: 'labels'; labels: string[] }
  /** The database file, or `null` for a label that has none. */
  | { op: 'export'; bytes: ArrayBuffer | null }
  | { op: 'replaced'; label: string; bytes: number }
  | { op: 'error'; message: string };

export type LogLevel = 'info' | 'warn' | 'error' | 'stdout' | 'stderr';

export interface LogEntry {
  time: number;
  level: LogLevel;
  /** The component or host part that produced the line. */
  source: string;
  message: string;
}

/** Sent from the UI to the engine (over the port the runner hands over). */
export type UiToEngine =
  | { type: 'load'; id: number; bundle: AppBundle }
  | { type: 'request'; id: number; request: WireRequest }
  /** Time `count` calls of the engine's own `handle()`, with no service worker or message hop. */
  | { type: 'time-direct'; id: number; request: WireRequest; count: number }
  /** A key-value explorer operation (see `KvAdminOp`). */
  | { type: 'kv'; id: number; op: KvAdminOp }
  /** A SQLite database operation (see `SqliteAdminOp`). */
  | { type: 'sqlite'; id: number; op: SqliteAdminOp }
  /** Answered by the runner: replace the engine Worker with a fresh one and reload the app. */
  | { type: 'restart-engine'; id: number };

/**
 * The keys of one store that changed since the engine's previous `kv-changed`, each with whether it
 * ends deleted, so the explorer can update what it shows without asking the engine again. `null`
 * when more keys changed than the engine lists (the explorer re-reads the store).
 */
export interface KvStoreChange {
  store: string;
  keys: Array<{ key: string; deleted: boolean }> | null;
}

/** Sent from the engine to the UI. */
export type EngineToUi =
  | { type: 'loaded'; id: number; result: LoadResult }
  | { type: 'response'; id: number; response: WireResponse }
  | { type: 'timed'; id: number; durationsMs: number[] }
  | { type: 'log'; entry: LogEntry }
  /** Stores an app, the explorer or another tab changed; `changes` says which keys (absent: re-read the stores). */
  | { type: 'kv-changed'; stores: string[]; changes?: KvStoreChange[] }
  | { type: 'kv-result'; id: number; result: KvAdminResult }
  | { type: 'sqlite-result'; id: number; result: SqliteAdminResult }
  /** A request's trace; sent again with the same id if a streamed body makes more host calls. */
  | { type: 'trace'; trace: RequestTrace }
  /** From the runner: the answer to `restart-engine`. */
  | { type: 'restarted'; id: number; restartMs: number }
  /** From the runner: restarts, and which tab runs the engine. */
  | { type: 'engine-event'; event: EngineEvent };

/**
 * Sent from the service worker to the engine (through the runner that runs it), and answered on
 * the same port: `ack` at once, `response` when the response starts. A request not acked within
 * a second went to a dead port (its tab closed); the worker asks for a new port and sends it again.
 */
export type SwToEngine = { type: 'fetch'; id: number; request: WireRequest };
export type EngineToSw = { type: 'ack'; id: number } | { type: 'response'; id: number; response: WireResponse };

/** Sent from the runner that runs the engine to the service worker: a port to it. */
export interface EnginePortMessage {
  type: 'engine-port';
  port: MessagePort;
  /** The playground UI's origin, which the service worker tells apart from other initiators. */
  uiOrigin: string;
  /**
   * Identifies the engine host (one per runner). Requests in flight on a port of another host are
   * answered 503 (acked) or sent again (not acked) when a port of a new host arrives.
   */
  hostId: string;
}
/**
 * Sent from a runner that does not run the engine to the service worker, which passes it on to
 * the runner that does: a port for the second tab's UI traffic (UiToEngine / EngineToUi).
 */
export interface PeerConnectMessage {
  type: 'peer-connect';
  port: MessagePort;
}

/** Sent from the runner to the engine Worker itself (`worker.postMessage`), in this order at start. */
export type RunnerToEngineWorker =
  | { type: 'limits'; limits: Required<EngineLimits> }
  | { type: 'sw-port'; port: MessagePort }
  | { type: 'ui-port'; port: MessagePort }
  /** Liveness check while a streamed body is open: a busy guest keeps the Worker from answering. */
  | { type: 'ping'; id: number };
/**
 * Sent from the engine Worker to the runner (`self.postMessage`). `fatal`: the engine cannot go on
 * consistently (a key-value write could not be saved), so the runner replaces it.
 */
export type EngineWorkerToRunner = { type: 'pong'; id: number } | { type: 'fatal'; message: string };

/**
 * Web Locks names (per preview origin, so per project). The runner that holds `ENGINE_LOCK` runs
 * the project's engine for every tab; the engine Worker holds `ENGINE_DB_LOCK` while it lives, so
 * a replacement never opens the database while a terminated Worker may still be writing.
 */
export const ENGINE_LOCK = 'spin-playground:engine';
export const ENGINE_DB_LOCK = 'spin-playground:engine-db';
/** Sent from the service worker to the runner when it has no port (it was stopped). */
export interface NeedPortMessage {
  type: 'need-port';
}
/** Sent from a page to the service worker after a hard reload, which leaves the page uncontrolled. */
export interface ClaimMessage {
  type: 'claim';
}

/**
 * Sent from the UI to the runner frame: a port to talk to the engine directly. The UI sends it
 * when the runner says `runner-loaded`; the runner starts (service worker, engine election) only
 * on the first one from its parent on the UI origin.
 */
export interface ConnectMessage {
  type: 'connect';
  port: MessagePort;
}

/**
 * Sent from the runner to the UI (window.parent, targeted at the UI origin): `runner-loaded` as
 * soon as its page runs (the UI answers with `connect`), `runner-ready` once that `connect` started
 * the engine's tab election (the UI may load the app), `preview-ready` once the service worker can
 * serve the preview, `runner-error` when it cannot be.
 */
export type RunnerToUi =
  | { type: 'runner-loaded' }
  | { type: 'runner-ready' }
  /** The service worker can serve the preview (or is known not to: a `runner-error` says why). */
  | { type: 'preview-ready' }
  | { type: 'runner-error'; message: string };

/** Path prefix of the playground's own files on every origin (Vite `base`). */
export const RESERVED_PREFIX = '/__pg/';
/** A path the service worker answers by itself (204): a health check, and the benchmark's floor. */
export const SW_PING_PATH = `${RESERVED_PREFIX}sw-ping`;
/** Path of the runner page on a preview origin. */
export const RUNNER_PATH = `${RESERVED_PREFIX}runner.html`;

export function isMessage<T extends { type: string }>(data: unknown, type: T['type']): data is T {
  return typeof data === 'object' && data !== null && (data as { type?: unknown }).type === type;
}
