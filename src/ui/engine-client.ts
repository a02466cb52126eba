/**
 * The UI's facade to a project's engine: callers never see `postMessage`. Requests carry
 * increasing ids; replies are matched by id. Events (logs, key-value changes, request traces)
 * go to listeners.
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

type Listener<T> = (value: T) => void;

export class EngineClient {
  readonly #port: MessagePort;
  #nextId = 1;
  readonly #pending = new Map<number, (message: EngineToUi) => void>();
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

  constructor(port: MessagePort) {
    this.#port = port;
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
        const resolve = this.#pending.get(message.id);
        this.#pending.delete(message.id);
        resolve?.(message);
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

  #call(message: UiToEngine, transfer: Transferable[] = []): Promise<EngineToUi> {
    const id = this.#nextId++;
    return new Promise((resolve) => {
      this.#pending.set(id, resolve);
      this.#port.postMessage({ ...message, id }, transfer);
    });
  }
}
