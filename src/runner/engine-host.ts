/**
 * The engine host: the runner's supervisor of one project's engine Worker. Every client talks to
 * the engine through it — the UI of this tab, the UIs of other tabs on the same project (through
 * their runners), and the service worker — so it can do what the engine cannot do for itself:
 *
 * - **Safety timeout.** A request whose response has not started `timeoutMs` after it arrived
 *   gets 504 and a log line naming the route and component. A guest in a busy loop blocks the
 *   engine Worker's thread, so the host terminates the Worker and starts a fresh one.
 * - **Liveness.** While a streamed body is open, the host pings the Worker; a Worker that stops
 *   answering for `timeoutMs` (a guest that set its response, then spins) is replaced the same way
 *   (`stream-liveness.ts`).
 *   So is one that reports it cannot save data (`fatal`) or stops answering after an error.
 * - **Restart.** The new Worker reopens the key-value and SQLite data from IndexedDB (every
 *   acknowledged write is there: it was committed before its response left), the host reloads
 *   the last app that loaded successfully, and work that arrived meanwhile runs once it is back.
 *   Requests in flight in the old Worker get 503; other messages (loads, key-value explorer
 *   operations) are sent again. The log says "engine restarted in N ms".
 *
 * Clients keep their ports across restarts: they never see the Worker, only the host.
 */
import {
  DEFAULT_LIMITS,
  type AppBundle,
  type EngineEvent,
  type EngineLimits,
  type EngineToSw,
  type EngineToUi,
  type EngineWorkerToRunner,
  type LoadResult,
  type LogLevel,
  type RunnerToEngineWorker,
  type SwToEngine,
  type UiToEngine,
  type WireRequest,
  type WireResponse,
} from '../protocol/messages';
import { routeDescriber, type RouteOf } from './route-of';
import { StreamLiveness } from './stream-liveness';

/** Something the host answers: a UI, directly or through another tab's runner. */
export interface HostClient {
  post(message: EngineToUi, transfer?: Transferable[]): void;
}

/** What runs an engine: this tab's host, or the link to another tab's host. */
export interface EngineUpstream {
  attach(client: HostClient): void;
  detach(client: HostClient): void;
  receive(client: HostClient, message: UiToEngine): void;
}

type Relayed = Exclude<UiToEngine, { type: 'restart-engine' }>;
type Reply = EngineToUi | EngineToSw;

interface Pending {
  to: { client: HostClient; id: number } | { sw: MessagePort; id: number } | { internal: true };
  /** Requests are timed and never sent twice; everything else is sent again after a restart. */
  kind: 'request' | 'other';
  message: Relayed | SwToEngine;
  onReply?(reply: Reply): void;
  timer?: ReturnType<typeof setTimeout>;
}

interface EngineProcess {
  worker: Worker;
  ui: MessagePort;
  sw: MessagePort;
  memoryLimitMiB: number;
  /** Whether an app was sent to it (so it may hold modules compiled under its memory ceiling). */
  loaded: boolean;
}

export interface EngineHostOptions {
  createWorker(): Worker;
  /** An app to load into the first engine (the last one this tab's UI loaded, on a takeover). */
  initialBundle?: AppBundle | null;
  /** Called after each successful load, so the runner can hand the app to a later host. */
  onLoaded?(bundle: AppBundle): void;
}

const encoder = new TextEncoder();
/** After a Worker error, how long the Worker has to show it still answers. */
const ALIVE_AFTER_ERROR_MS = 3000;
/** How long a reload after a restart may take before queued work is let through anyway. */
const RELOAD_WAIT_MS = 60_000;
const MAX_RECENT_LOGS = 200;
/** Restarts for errors (not timeouts) allowed per window; more is a crash loop and the host stops. */
const ERROR_RESTARTS_PER_WINDOW = 4;
const ERROR_RESTART_WINDOW_MS = 30_000;

export function resolveLimits(limits: EngineLimits | undefined): Required<EngineLimits> {
  const pick = (value: number | undefined, fallback: number) => (typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : fallback);
  return {
    timeoutMs: pick(limits?.timeoutMs, DEFAULT_LIMITS.timeoutMs),
    memoryLimitMiB: pick(limits?.memoryLimitMiB, DEFAULT_LIMITS.memoryLimitMiB),
    cloudLimits: limits?.cloudLimits === true,
    // Checked by the engine at load (a bad value is a load error naming the setting).
    instanceReuse: limits?.instanceReuse ?? DEFAULT_LIMITS.instanceReuse,
    instanceConcurrency: limits?.instanceConcurrency ?? DEFAULT_LIMITS.instanceConcurrency,
    idleInstanceTimeoutMs: limits?.idleInstanceTimeoutMs ?? DEFAULT_LIMITS.idleInstanceTimeoutMs,
  };
}

function textResponse(status: number, text: string): WireResponse {
  return { status, headers: [['content-type', 'text/plain; charset=utf-8']], body: encoder.encode(text).buffer as ArrayBuffer };
}

function bodyTransfer(request: WireRequest | undefined): Transferable[] {
  return request?.body ? [request.body] : [];
}

export class EngineHost implements EngineUpstream {
  /** Identifies this host to the service worker (see `EnginePortMessage.hostId`). */
  readonly id = crypto.randomUUID();
  readonly #options: EngineHostOptions;
  #engine: EngineProcess;
  readonly #clients = new Set<HostClient>();
  readonly #pending = new Map<number, Pending>();
  #nextId = 1;
  #bundle: AppBundle | null;
  #routeOf: RouteOf = () => 'no route';
  #limits: Required<EngineLimits> = { ...DEFAULT_LIMITS };
  #ready = true;
  #waiting: Array<() => void> = [];
  #restarting: Promise<number> | null = null;
  #nextPing = 1;
  readonly #pongWaiters = new Map<number, () => void>();
  readonly #recentLogs: EngineToUi[] = [];
  #errorRestarts: number[] = [];
  #closed = false;
  readonly #liveness = new StreamLiveness({
    timeoutMs: () => this.#limits.timeoutMs,
    ping: () => this.#engine.worker.postMessage({ type: 'ping', id: this.#nextPing++ } satisfies RunnerToEngineWorker),
    unresponsive: (labels, timeoutMs) => {
      this.#log(
        'error',
        `the engine stopped answering for ${timeoutMs} ms while streaming ${labels}; restarting it (the playground's safety timeout; spin up has none)`,
      );
      void this.restart(`the engine was unresponsive while streaming ${labels}`, 'timeout');
    },
  });

  constructor(options: EngineHostOptions) {
    this.#options = options;
    this.#bundle = options.initialBundle ?? null;
    if (this.#bundle) this.#limits = resolveLimits(this.#bundle.limits);
    this.#engine = this.#spawn();
    if (this.#bundle) {
      this.#ready = false;
      this.#restarting = this.#reload().then(() => {
        this.#restarting = null;
        this.#open();
        return 0;
      });
    }
  }

  /** The limits in force (the last load's, or the defaults). */
  get limits(): Required<EngineLimits> {
    return { ...this.#limits };
  }

  attach(client: HostClient): void {
    this.#clients.add(client);
    for (const message of this.#recentLogs) client.post(message);
  }

  detach(client: HostClient): void {
    this.#clients.delete(client);
  }

  /** A client on a port, e.g. another tab's runner: messages in, answers and broadcasts out. */
  attachPort(port: MessagePort): HostClient {
    const client: HostClient = { post: (message, transfer = []) => port.postMessage(message, transfer) };
    port.onmessage = (event: MessageEvent<UiToEngine>) => this.receive(client, event.data);
    this.attach(client);
    return client;
  }

  /** The service worker's port: each `fetch` is acked at once, then answered. */
  connectSw(port: MessagePort): void {
    port.onmessage = (event: MessageEvent<SwToEngine>) => {
      const message = event.data;
      if (message?.type !== 'fetch') return;
      port.postMessage({ type: 'ack', id: message.id } satisfies EngineToSw);
      this.#whenReady(() => this.#send({ to: { sw: port, id: message.id }, kind: 'request', message }));
    };
  }

  receive(client: HostClient, message: UiToEngine): void {
    if (this.#closed) return;
    if (message.type === 'restart-engine') {
      void this.restart('a restart was requested').then((restartMs) => client.post({ type: 'restarted', id: message.id, restartMs }));
      return;
    }
    if (message.type === 'load') return this.#load(client, message);
    const kind = message.type === 'request' ? 'request' : 'other';
    this.#whenReady(() => this.#send({ to: { client, id: message.id }, kind, message }));
  }

  /**
   * Replace the engine Worker with a fresh one and reload the app; resolves with the time that
   * took in ms (-1 if the host refused: too many restarts for errors in a short time).
   */
  restart(reason: string, cause: 'request' | 'timeout' | 'error' = 'request'): Promise<number> {
    if (this.#restarting) return this.#restarting;
    if (this.#closed) return Promise.resolve(-1);
    if (cause === 'error') {
      const now = Date.now();
      this.#errorRestarts = this.#errorRestarts.filter((t) => now - t < ERROR_RESTART_WINDOW_MS);
      if (this.#errorRestarts.length >= ERROR_RESTARTS_PER_WINDOW) {
        this.#log(
          'error',
          `the engine failed ${this.#errorRestarts.length} times in ${ERROR_RESTART_WINDOW_MS / 1000} s; it is not restarted again automatically ` +
            `(reload the page, or restart it) — last failure: ${reason}`,
        );
        return Promise.resolve(-1);
      }
      this.#errorRestarts.push(now);
    }
    const started = performance.now();
    this.#event({ kind: 'restarting', reason });
    this.#ready = false;
    this.#kill(this.#engine);
    const again: Pending[] = [];
    for (const entry of this.#pending.values()) {
      clearTimeout(entry.timer);
      if (entry.kind === 'request') {
        this.#deliver(entry, {
          type: 'response',
          id: 0,
          // After an error (storage full, …) sending it again may fail the same way: say so only otherwise.
          response: textResponse(
            503,
            `Spin Playground: the engine restarted while this request was in flight (${reason}). It was not ` +
              `completed${cause === 'error' ? '' : '; send it again'}.\n`,
          ),
        });
      } else if ('internal' in entry.to) {
        entry.onReply?.({ type: 'loaded', id: 0, result: { ok: false, error: `the engine restarted (${reason})` } });
      } else if (cause === 'error' && (entry.message.type === 'kv' || entry.message.type === 'sqlite')) {
        // After an error (storage full, …) a data operation sent again would likely fail the same
        // way and restart the engine again: answer it instead. The explorer re-reads on `restarted`.
        const message = `the engine restarted (${reason}); this operation was not applied`;
        this.#deliver(
          entry,
          entry.message.type === 'kv'
            ? { type: 'kv-result', id: 0, result: { op: 'error', message } }
            : { type: 'sqlite-result', id: 0, result: { op: 'error', message } },
        );
      } else {
        again.push(entry);
      }
    }
    this.#pending.clear();
    this.#liveness.endAll(reason);
    this.#engine = this.#spawn();
    this.#restarting = (async () => {
      await this.#reload();
      const restartMs = Math.round(performance.now() - started);
      this.#log('warn', `engine restarted in ${restartMs} ms (${reason})`);
      this.#event({ kind: 'restarted', reason, restartMs });
      for (const entry of again) this.#send(entry);
      this.#restarting = null;
      this.#open();
      return restartMs;
    })();
    return this.#restarting;
  }

  /** Stop the engine for good (this tab no longer runs it). Work in flight gets 503. */
  close(): void {
    this.#closed = true;
    this.#kill(this.#engine);
    for (const entry of this.#pending.values()) {
      clearTimeout(entry.timer);
      if (entry.kind === 'request')
        this.#deliver(entry, {
          type: 'response',
          id: 0,
          response: textResponse(503, 'Spin Playground: the engine moved to another tab while this request was in flight.\n'),
        });
    }
    this.#pending.clear();
    this.#liveness.endAll('the engine stopped');
  }

  #load(client: HostClient, message: Extract<UiToEngine, { type: 'load' }>): void {
    const limits = resolveLimits(message.bundle.limits);
    const changed = limits.timeoutMs !== this.#limits.timeoutMs || limits.memoryLimitMiB !== this.#limits.memoryLimitMiB;
    this.#limits = limits;
    if (changed) {
      const timeout = limits.timeoutMs > 0 ? `${limits.timeoutMs} ms` : 'off';
      const memory = limits.memoryLimitMiB > 0 ? `${limits.memoryLimitMiB} MiB per memory` : 'off';
      this.#log('info', `safety limits: request timeout ${timeout}, guest memory ceiling ${memory} (spin up has neither)`);
    }
    const entry: Pending = {
      to: { client, id: message.id },
      kind: 'other',
      message,
      onReply: (reply) => {
        if (reply.type === 'loaded' && reply.result.ok) this.#loaded(message.bundle);
      },
    };
    this.#whenReady(() => {
      const engine = this.#engine;
      if (engine.memoryLimitMiB !== limits.memoryLimitMiB) {
        // Compiled modules keep the ceiling they were compiled with: a new one needs a new engine,
        // unless this one has compiled nothing yet.
        if (engine.loaded) void this.restart('the guest memory ceiling changed');
        else {
          engine.memoryLimitMiB = limits.memoryLimitMiB;
          engine.worker.postMessage({ type: 'limits', limits } satisfies RunnerToEngineWorker);
          // The load goes over another channel: wait until the Worker has taken the new ceiling.
          this.#ready = false;
          void this.#roundTrip(engine).then(() => this.#open());
        }
      }
      this.#whenReady(() => this.#send(entry));
    });
  }

  #loaded(bundle: AppBundle): void {
    this.#bundle = bundle;
    this.#routeOf = routeDescriber(bundle.manifestText);
    this.#options.onLoaded?.(bundle);
  }

  /** Load the last good app into a fresh engine; queued work waits for it (up to a minute). */
  async #reload(): Promise<void> {
    const bundle = this.#bundle;
    if (!bundle) return;
    const result = await new Promise<LoadResult | null>((resolve) => {
      const timer = setTimeout(() => resolve(null), RELOAD_WAIT_MS);
      this.#send({
        to: { internal: true },
        kind: 'other',
        message: { type: 'load', id: 0, bundle },
        onReply: (reply) => {
          clearTimeout(timer);
          resolve(reply.type === 'loaded' ? reply.result : null);
        },
      });
    });
    if (result?.ok) this.#loaded(bundle);
    else this.#log('error', `the app did not load into the new engine${result && !result.ok ? `: ${result.error}` : ' in time'}`);
  }

  #whenReady(task: () => void): void {
    if (this.#ready) task();
    else this.#waiting.push(task);
  }

  #open(): void {
    this.#ready = true;
    const waiting = this.#waiting;
    this.#waiting = [];
    for (const task of waiting) {
      if (!this.#ready) this.#waiting.push(task);
      else task();
    }
  }

  #send(entry: Pending): void {
    const id = this.#nextId++;
    this.#pending.set(id, entry);
    const message = entry.message;
    const request = 'request' in message ? message.request : undefined;
    const transfer = entry.kind === 'request' ? bodyTransfer(request) : [];
    if (message.type === 'load') this.#engine.loaded = true;
    if ('sw' in entry.to) this.#engine.sw.postMessage({ ...message, id }, transfer);
    else this.#engine.ui.postMessage({ ...message, id }, transfer);
    if (entry.kind === 'request' && this.#limits.timeoutMs > 0) {
      const timeoutMs = this.#limits.timeoutMs;
      entry.timer = setTimeout(() => this.#timedOut(id, timeoutMs), timeoutMs);
    }
  }

  #timedOut(id: number, timeoutMs: number): void {
    const entry = this.#pending.get(id);
    if (!entry || !('request' in entry.message)) return;
    this.#pending.delete(id);
    const { method, pathWithQuery } = entry.message.request;
    const where = this.#routeOf(pathWithQuery);
    this.#log(
      'error',
      `${method} ${pathWithQuery}: ${where} did not start its response within ${timeoutMs} ms; answered 504 and restarting the engine. spin up has ` +
        `no request timeout: this is the playground's safety limit (timeoutMs; 0 turns it off).`,
    );
    this.#deliver(entry, {
      type: 'response',
      id: 0,
      response: textResponse(
        504,
        `Spin Playground: ${where} did not respond within ${timeoutMs} ms (the playground's safety timeout; spin up has none). The engine was restarted.\n`,
      ),
    });
    void this.restart(`${method} ${pathWithQuery} timed out after ${timeoutMs} ms`, 'timeout');
  }

  #fromEngine(process: EngineProcess, data: Reply): void {
    if (process !== this.#engine || !data || typeof data !== 'object') return;
    const id = (data as { id?: unknown }).id;
    if (typeof id === 'number') {
      const entry = this.#pending.get(id);
      if (!entry) return;
      this.#pending.delete(id);
      clearTimeout(entry.timer);
      entry.onReply?.(data);
      this.#deliver(entry, data);
      return;
    }
    this.#broadcast(data as EngineToUi);
  }

  /** Answer the entry's client with `reply` (its id replaced by the client's own). */
  #deliver(entry: Pending, reply: Reply): void {
    const to = entry.to;
    if ('internal' in to) return;
    let transfer: Transferable[] = [];
    let out = reply;
    if (reply.type === 'response') {
      let response = reply.response;
      if (response.body instanceof ReadableStream) {
        const request = 'request' in entry.message ? entry.message.request : undefined;
        response = { ...response, body: this.#liveness.track(response.body, request ? `${request.method} ${request.pathWithQuery}` : 'a response') };
      }
      out = { ...reply, response };
      transfer = response.body ? [response.body as Transferable] : [];
    }
    try {
      if ('sw' in to) to.sw.postMessage({ ...out, id: to.id } as EngineToSw, transfer);
      else to.client.post({ ...out, id: to.id } as EngineToUi, transfer);
    } catch {
      // The client is gone (its tab closed); nothing to answer.
    }
  }

  #broadcast(message: EngineToUi): void {
    if (message.type === 'log') {
      this.#recentLogs.push(message);
      if (this.#recentLogs.length > MAX_RECENT_LOGS) this.#recentLogs.shift();
    }
    for (const client of this.#clients) {
      try {
        client.post(message);
      } catch {
        this.#clients.delete(client);
      }
    }
  }

  #log(level: LogLevel, message: string): void {
    this.#broadcast({ type: 'log', entry: { time: Date.now(), level, source: 'runner', message } });
  }

  #event(event: EngineEvent): void {
    this.#broadcast({ type: 'engine-event', event });
  }

  #spawn(): EngineProcess {
    const worker = this.#options.createWorker();
    const ui = new MessageChannel();
    const sw = new MessageChannel();
    const limits = { ...this.#limits };
    const post = (message: RunnerToEngineWorker, transfer: Transferable[] = []) => worker.postMessage(message, transfer);
    // The limits first: the Worker must know the memory ceiling before it compiles anything.
    post({ type: 'limits', limits });
    post({ type: 'sw-port', port: sw.port2 }, [sw.port2]);
    post({ type: 'ui-port', port: ui.port2 }, [ui.port2]);
    const process: EngineProcess = { worker, ui: ui.port1, sw: sw.port1, memoryLimitMiB: limits.memoryLimitMiB, loaded: false };
    ui.port1.onmessage = (event: MessageEvent<Reply>) => this.#fromEngine(process, event.data);
    sw.port1.onmessage = (event: MessageEvent<Reply>) => this.#fromEngine(process, event.data);
    worker.onmessage = (event: MessageEvent<EngineWorkerToRunner>) => {
      if (process !== this.#engine) return;
      if (event.data.type === 'pong') {
        this.#liveness.pong();
        this.#pongWaiters.get(event.data.id)?.();
        this.#pongWaiters.delete(event.data.id);
      } else if (event.data.type === 'fatal') void this.restart(event.data.message, 'error');
    };
    worker.onerror = (event) => {
      event.preventDefault();
      if (process !== this.#engine) return;
      this.#log('error', `engine Worker error: ${event.message || 'the engine failed to start or crashed'}`);
      this.#checkAlive(process);
    };
    return process;
  }

  /** Resolves when the Worker has handled everything posted to it so far (or after a second). */
  #roundTrip(process: EngineProcess): Promise<void> {
    const id = this.#nextPing++;
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, 1000);
      this.#pongWaiters.set(id, () => {
        clearTimeout(timer);
        resolve();
      });
      process.worker.postMessage({ type: 'ping', id } satisfies RunnerToEngineWorker);
    });
  }

  /** After a Worker error: if it does not answer a ping soon, replace it. */
  #checkAlive(process: EngineProcess): void {
    const since = performance.now();
    process.worker.postMessage({ type: 'ping', id: this.#nextPing++ } satisfies RunnerToEngineWorker);
    setTimeout(() => {
      if (process === this.#engine && this.#liveness.lastPong < since) void this.restart('the engine Worker stopped answering after an error', 'error');
    }, ALIVE_AFTER_ERROR_MS);
  }

  #kill(process: EngineProcess): void {
    process.ui.onmessage = null;
    process.sw.onmessage = null;
    process.worker.onmessage = null;
    process.worker.onerror = null;
    process.worker.terminate();
    process.ui.close();
    process.sw.close();
  }
}
