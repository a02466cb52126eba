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
  readonly #kvListeners = new Set<Listener<string[]>>();
  readonly #traceListeners = new Set<Listener<RequestTrace>>();
  readonly #eventListeners = new Set<Listener<EngineEvent>>();

  // Logs, traces and key-value changes arrive once per request; the panels they feed are
  // updated at most once per frame, so a burst of requests costs one render, not one each
  // (the benchmark measured ~5 ms of UI work per request when every message rendered at once).
  #queuedLogs: LogEntry[] = [];
  #queuedTraces: RequestTrace[] = [];
  #queuedKvStores = new Set<string>();
  #flushScheduled = false;

  #schedule(): void {
    if (this.#flushScheduled) return;
    this.#flushScheduled = true;
    const flush = () => {
      this.#flushScheduled = false;
      const logs = this.#queuedLogs;
      const traces = this.#queuedTraces;
      const stores = [...this.#queuedKvStores];
      this.#queuedLogs = [];
      this.#queuedTraces = [];
      this.#queuedKvStores.clear();
      for (const entry of logs) this.#logListeners.forEach((l) => l(entry));
      for (const trace of traces) this.#traceListeners.forEach((l) => l(trace));
      if (stores.length) this.#kvListeners.forEach((l) => l(stores));
    };
    // Hidden tabs get no animation frames; a short timer still delivers the updates.
    if (typeof requestAnimationFrame === 'function' && !document.hidden) requestAnimationFrame(flush);
    else setTimeout(flush, 50);
  }

  /** `timeouts` overrides `CALL_TIMEOUT_MS` per call type (tests use short ones). */
  constructor(port: MessagePort, timeouts: { [K in CallType]?: number } = {}) {
    this.#port = port;
    this.#timeouts = timeouts;
    port.onmessage = (event: MessageEvent<EngineToUi>) => {
      const message = event.data;
      if (message.type === 'log') {
        this.#queuedLogs.push(message.entry);
        this.#schedule();
      } else if (message.type === 'kv-changed') {
        for (const store of message.stores) this.#queuedKvStores.add(store);
        this.#schedule();
      } else if (message.type === 'trace') {
        this.#queuedTraces.push(message.trace);
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

  onLog(listener: Listener<LogEntry>): void {
    this.#logListeners.add(listener);
  }

  onKvChanged(listener: Listener<string[]>): void {
    this.#kvListeners.add(listener);
  }

  onTrace(listener: Listener<RequestTrace>): void {
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
