/**
 * The UI's facade to a project's engine: callers never see `postMessage`. Requests carry
 * increasing ids; replies are matched by id.
 */
import type { AppBundle, EngineToUi, LoadResult, LogEntry, UiToEngine, WireRequest, WireResponse } from '../protocol/messages';

export class EngineClient {
  readonly #port: MessagePort;
  #nextId = 1;
  readonly #pending = new Map<number, (message: EngineToUi) => void>();
  readonly #logListeners = new Set<(entry: LogEntry) => void>();
  readonly #kvListeners = new Set<(stores: string[]) => void>();

  constructor(port: MessagePort) {
    this.#port = port;
    port.onmessage = (event: MessageEvent<EngineToUi>) => {
      const message = event.data;
      if (message.type === 'log') this.#logListeners.forEach((l) => l(message.entry));
      else if (message.type === 'kv-changed') this.#kvListeners.forEach((l) => l(message.stores));
      else {
        const resolve = this.#pending.get(message.id);
        this.#pending.delete(message.id);
        resolve?.(message);
      }
    };
  }

  onLog(listener: (entry: LogEntry) => void): void {
    this.#logListeners.add(listener);
  }

  onKvChanged(listener: (stores: string[]) => void): void {
    this.#kvListeners.add(listener);
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
