/**
 * The engine client of the moment. The runner frame may reconnect (a reload, a fresh engine), and
 * each time the page gets a new `EngineClient`; parts ask this slot instead of keeping one.
 */
import type { EngineClient } from '../ui/engine-client';

export class EngineSlot {
  #client: EngineClient | null = null;
  readonly #first: Promise<EngineClient>;
  #resolveFirst!: (client: EngineClient) => void;

  constructor() {
    this.#first = new Promise<EngineClient>((resolve) => (this.#resolveFirst = resolve));
  }

  /** The client now, or the first one once the runner has connected. */
  readonly current = async (): Promise<EngineClient> => this.#client ?? this.#first;

  /** A client from the runner (the first, or one after a reconnect). */
  set(client: EngineClient): void {
    this.#client = client;
    this.#resolveFirst(client);
  }
}
