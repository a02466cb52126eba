/**
 * The UI's facade to a project's engine: callers never see `postMessage`. Requests carry
 * increasing ids; replies are matched by id. Events (logs, key-value changes, request traces)
 * go to listeners.
 *
 * A call never waits forever: each has a time limit (`CALL_TIMEOUT_MS`), and `dispose()` (the
 * runner reconnected, so the engine behind this port is gone) rejects every call still waiting.
 * Either way the caller gets an `EngineCallError` saying which call and why, and the UI's run
 * queue moves on.
 */
import type {
  AppBundle,
  EngineEvent,
  EngineToUi,
  KvAdminOp,
  KvAdminResult,
  KvStoreChange,
  LoadResult,
  LogEntry,
  RequestTrace,
  SqliteAdminOp,
  SqliteAdminResult,
  UiToEngine,
  WireRequest,
  WireResponse,
} from '../protocol/messages';
import { DEFAULT_LIMITS } from '../protocol/messages';

type Listener<T> = (value: T) => void;
type CallType = UiToEngine['type'];

/**
 * How long the UI waits for each kind of reply. Generous: they only catch an engine that will
 * never answer. A load transpiles and compiles every component (seconds for a large one on a
 * slow machine); a restart waits up to a minute for the fresh engine to load the app again; a
 * request is bounded by the runner's own safety timeout, so it gets that plus `REPLY_MARGIN_MS`
 * (and no limit when the app's safety timeout is off: a request may then stream for as long as
 * the app likes). `time-direct` is the benchmark's, which times as many requests as it asks.
 */
export const CALL_TIMEOUT_MS: Readonly<Record<Exclude<CallType, 'request' | 'time-direct'>, number>> = {
  load: 180_000,
  kv: 60_000,
  sqlite: 60_000,
  'restart-engine': 120_000,
};
export const REPLY_MARGIN_MS = 30_000;

/** A call the engine did not answer: it timed out, or the client was disposed (the runner reconnected). */
export class EngineCallError extends Error {
  constructor(
    readonly call: CallType,
    readonly reason: 'timeout' | 'disconnected',
    message: string,
  ) {
    super(message);
    this.name = 'EngineCallError';
  }
}

interface Pending {
  resolve(message: EngineToUi): void;
  reject(error: EngineCallError): void;
  call: CallType;
  timer?: ReturnType<typeof setTimeout>;
}

/**
 * What changed in each store since the last batch: key → whether it ends deleted, or `null` when
 * the store must be re-read (too many keys changed, or the engine did not say which).
 */
export type KvChanges = ReadonlyMap<string, ReadonlyMap<string, boolean> | null>;

/** The most entries of each kind queued for the next batch: the panels keep no more than this. */
const QUEUE_LIMIT = 1000;
/** Batches are at least this far apart: a person reads no faster, and each costs a page render. */
const MIN_INTERVAL_MS = 100;
/** When no animation frame comes (the tab was hidden meanwhile), deliver after this long. */
const HIDDEN_FALLBACK_MS = 250;

export class EngineClient {
  readonly #port: MessagePort;
  #nextId = 1;
  readonly #pending = new Map<number, Pending>();
  /** Set by `dispose()`: later calls fail at once with this message. */
  #disposed: string | null = null;
  /** The safety timeout of the app last loaded (requests wait that long plus a margin; 0 is off). */
  #requestTimeoutMs: number = DEFAULT_LIMITS.timeoutMs;
  readonly #timeouts: { [K in CallType]?: number };
  readonly #logListeners = new Set<Listener<LogEntry>>();
  readonly #logBatchListeners = new Set<Listener<LogEntry[]>>();
  readonly #kvListeners = new Set<Listener<KvChanges>>();
  readonly #traceListeners = new Set<Listener<RequestTrace[]>>();
  readonly #eventListeners = new Set<Listener<EngineEvent>>();

  // Logs, traces and key-value changes arrive once per request. They are queued and handed to
  // the panels as one batch per animation frame, at most one per MIN_INTERVAL_MS, so a burst of
  // requests costs one render, not one each (the benchmark measured ~10 ms of UI work per
  // request when every message rendered).
  // A hidden tab gets no animation frames: a timer delivers the batch instead, and the queues are
  // bounded (the panels keep no more than this anyway), so a background tab serving a flood of
  // requests holds at most QUEUE_LIMIT entries of each kind until it is delivered.
  #queuedLogs: LogEntry[] = [];
  /** By trace id: a trace sent again (a streamed body made more calls) replaces the queued one. */
  #queuedTraces = new Map<number, RequestTrace>();
  #queuedKv = new Map<string, Map<string, boolean> | null>();
  #flushScheduled = false;
  #lastFlush = -Infinity;
  /** Batches delivered so far (the tests' proof that bursts are coalesced). */
  batches = 0;

  #schedule(): void {
    if (this.#flushScheduled) return;
    this.#flushScheduled = true;
    let frame = 0;
    let timer = 0;
    const flush = () => {
      cancelAnimationFrame(frame);
      clearTimeout(timer);
      this.#flush();
    };
    const inFrame = () => {
      // The timer also covers a tab hidden after the frame was requested (that frame never comes).
      if (!document.hidden) frame = requestAnimationFrame(flush);
      timer = window.setTimeout(flush, document.hidden ? 0 : HIDDEN_FALLBACK_MS);
    };
    // The first message after a quiet spell shows in the next frame; a steady stream of them
    // (sequential requests, one every few ms) waits for the next interval.
    const wait = this.#lastFlush + MIN_INTERVAL_MS - performance.now();
    if (wait > 0) timer = window.setTimeout(inFrame, wait);
    else inFrame();
  }

  #flush(): void {
    this.#flushScheduled = false;
    this.#lastFlush = performance.now();
    this.batches++;
    const logs = this.#queuedLogs;
    const traces = [...this.#queuedTraces.values()];
    const kv = this.#queuedKv;
    this.#queuedLogs = [];
    this.#queuedTraces = new Map();
    this.#queuedKv = new Map();
    if (logs.length) {
      this.#logBatchListeners.forEach((l) => l(logs));
      for (const entry of logs) this.#logListeners.forEach((l) => l(entry));
    }
    if (traces.length) this.#traceListeners.forEach((l) => l(traces));
    if (kv.size) this.#kvListeners.forEach((l) => l(kv));
  }

  #queueKv(message: { stores: string[]; changes?: KvStoreChange[] }): void {
    const changes = message.changes ?? message.stores.map((store) => ({ store, keys: null }));
    for (const { store, keys } of changes) {
      const queued = this.#queuedKv.get(store);
      if (queued === null) continue;
      if (keys === null) {
        this.#queuedKv.set(store, null);
        continue;
      }
      const merged = queued ?? new Map<string, boolean>();
      for (const { key, deleted } of keys) {
        merged.delete(key);
        merged.set(key, deleted);
      }
      this.#queuedKv.set(store, merged.size > QUEUE_LIMIT ? null : merged);
    }
  }

  /** `timeouts` overrides `CALL_TIMEOUT_MS` per call type (tests use short ones). */
  constructor(port: MessagePort, timeouts: { [K in CallType]?: number } = {}) {
    this.#port = port;
    this.#timeouts = timeouts;
    port.onmessage = (event: MessageEvent<EngineToUi>) => {
      const message = event.data;
      if (message.type === 'log') {
        this.#queuedLogs.push(message.entry);
        if (this.#queuedLogs.length > 2 * QUEUE_LIMIT) this.#queuedLogs.splice(0, this.#queuedLogs.length - QUEUE_LIMIT);
        this.#schedule();
      } else if (message.type === 'kv-changed') {
        this.#queueKv(message);
        this.#schedule();
      } else if (message.type === 'trace') {
        this.#queuedTraces.set(message.trace.id, message.trace);
        if (this.#queuedTraces.size > QUEUE_LIMIT) this.#queuedTraces.delete(this.#queuedTraces.keys().next().value!);
        this.#schedule();
      } else if (message.type === 'engine-event') this.#eventListeners.forEach((l) => l(message.event));
      else {
        const pending = this.#pending.get(message.id);
        this.#pending.delete(message.id);
        clearTimeout(pending?.timer);
        pending?.resolve(message);
      }
    };
  }

  /** Each engine log entry (delivered in the batches below). */
  onLog(listener: Listener<LogEntry>): void {
    this.#logListeners.add(listener);
  }

  /** Engine log entries, at most one batch per frame, oldest first. */
  onLogs(listener: Listener<LogEntry[]>): void {
    this.#logBatchListeners.add(listener);
  }

  /** Key-value changes since the last batch, by store (see `KvChanges`). */
  onKvChanged(listener: Listener<KvChanges>): void {
    this.#kvListeners.add(listener);
  }

  /** Request traces, at most one batch per frame, in the order the engine first sent them. */
  onTraces(listener: Listener<RequestTrace[]>): void {
    this.#traceListeners.add(listener);
  }

  /** Restarts and which tab runs the engine, as the runner reports them. */
  onEngineEvent(listener: Listener<EngineEvent>): void {
    this.#eventListeners.add(listener);
  }

  async load(bundle: AppBundle): Promise<LoadResult> {
    this.#requestTimeoutMs = bundle.limits?.timeoutMs ?? DEFAULT_LIMITS.timeoutMs;
    const reply = await this.#call({ type: 'load', id: 0, bundle });
    if (reply.type !== 'loaded') throw new Error(`unexpected reply ${reply.type}`);
    return reply.result;
  }

  async request(request: WireRequest): Promise<WireResponse> {
    const reply = await this.#call({ type: 'request', id: 0, request }, request.body ? [request.body] : []);
    if (reply.type !== 'response') throw new Error(`unexpected reply ${reply.type}`);
    return reply.response;
  }

  /** A key-value explorer operation; an engine-side failure comes back as `{ op: 'error' }`. */
  async kv(request: KvAdminOp): Promise<KvAdminResult> {
    const transfer = request.op === 'set' ? [request.value] : [];
    const reply = await this.#call({ type: 'kv', id: 0, op: request }, transfer);
    if (reply.type !== 'kv-result') throw new Error(`unexpected reply ${reply.type}`);
    return reply.result;
  }

  /** A SQLite database operation (labels, export, replace); a failure comes back as `{ op: 'error' }`. */
  async sqlite(request: SqliteAdminOp): Promise<SqliteAdminResult> {
    const reply = await this.#call({ type: 'sqlite', id: 0, op: request });
    if (reply.type !== 'sqlite-result') throw new Error(`unexpected reply ${reply.type}`);
    return reply.result;
  }

  /** Ask the runner for a fresh engine Worker (the app is loaded again); resolves with how long it took. */
  async restart(): Promise<number> {
    const reply = await this.#call({ type: 'restart-engine', id: 0 });
    if (reply.type !== 'restarted') throw new Error(`unexpected reply ${reply.type}`);
    return reply.restartMs;
  }

  /** Time the engine's own `handle()` (the benchmark's floor for our plumbing). */
  async timeDirect(request: WireRequest, count: number): Promise<number[]> {
    const reply = await this.#call({ type: 'time-direct', id: 0, request, count });
    if (reply.type !== 'timed') throw new Error(`unexpected reply ${reply.type}`);
    return reply.durationsMs;
  }

  /**
   * The engine behind this port is gone (the runner reconnected with a fresh one): every call
   * still waiting is rejected with `reason`, and later calls fail at once.
   */
  dispose(reason: string): void {
    if (this.#disposed !== null) return;
    this.#disposed = reason;
    for (const [id, pending] of this.#pending) {
      this.#pending.delete(id);
      clearTimeout(pending.timer);
      pending.reject(new EngineCallError(pending.call, 'disconnected', `the engine did not answer "${pending.call}": ${reason}`));
    }
    this.#port.onmessage = null;
    this.#port.close();
  }

  #timeoutFor(type: CallType): number {
    const override = this.#timeouts[type];
    if (override !== undefined) return override;
    if (type === 'time-direct') return 0;
    if (type === 'request') return this.#requestTimeoutMs > 0 ? this.#requestTimeoutMs + REPLY_MARGIN_MS : 0;
    return CALL_TIMEOUT_MS[type];
  }

  #call(message: UiToEngine, transfer: Transferable[] = []): Promise<EngineToUi> {
    const call = message.type;
    if (this.#disposed !== null) {
      return Promise.reject(new EngineCallError(call, 'disconnected', `the engine did not answer "${call}": ${this.#disposed}`));
    }
    const id = this.#nextId++;
    return new Promise((resolve, reject) => {
      const pending: Pending = { resolve, reject, call };
      const timeoutMs = this.#timeoutFor(call);
      if (timeoutMs > 0) {
        pending.timer = setTimeout(() => {
          this.#pending.delete(id);
          reject(new EngineCallError(call, 'timeout', `the engine did not answer "${call}" within ${timeoutMs / 1000} s`));
        }, timeoutMs);
      }
      this.#pending.set(id, pending);
      this.#port.postMessage({ ...message, id }, transfer);
    });
  }
}
