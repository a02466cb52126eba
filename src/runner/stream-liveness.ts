/**
 * Liveness while a response body streams: the engine host's guard against a guest that set its
 * response and then spins. The head has left, so the safety timeout no longer covers the request;
 * instead, while any streamed body is open, the Worker is pinged every second, and one that has
 * not answered for the safety timeout is reported unresponsive (the host then replaces it).
 * `docs/architecture.md` §3 ("Failures") describes the host's side.
 */

/** What the liveness check needs from the engine host. */
export interface StreamLivenessHost {
  /** The safety timeout in force, in ms (0 turns the check off); read at every tick. */
  timeoutMs(): number;
  /** Post a ping to the current engine Worker; its pong comes back through `pong()`. */
  ping(): void;
  /** No pong for `timeoutMs` while the streams named by `labels` were open. */
  unresponsive(labels: string, timeoutMs: number): void;
}

interface OpenStream {
  label: string;
  controller: ReadableStreamDefaultController<Uint8Array>;
}

const PING_EVERY_MS = 1000;

export class StreamLiveness {
  readonly #host: StreamLivenessHost;
  readonly #streams = new Set<OpenStream>();
  #pingTimer: ReturnType<typeof setInterval> | null = null;
  #lastPong = 0;

  constructor(host: StreamLivenessHost) {
    this.#host = host;
  }

  /** When the Worker last answered a ping (`performance.now()`), or when the pinging started. */
  get lastPong(): number {
    return this.#lastPong;
  }

  /** The Worker answered a ping. */
  pong(): void {
    this.#lastPong = performance.now();
  }

  /** A streamed body, passed through so the host knows while it is open. */
  track(body: ReadableStream<Uint8Array>, label: string): ReadableStream<Uint8Array> {
    const reader = body.getReader();
    let open: OpenStream | null = null;
    const finish = () => {
      if (open && this.#streams.delete(open)) this.#changed();
      open = null;
    };
    return new ReadableStream<Uint8Array>({
      start: (controller) => {
        open = { label, controller };
        this.#streams.add(open);
        this.#changed();
      },
      pull: async (controller) => {
        try {
          const { done, value } = await reader.read();
          if (done) {
            finish();
            controller.close();
          } else {
            controller.enqueue(value);
          }
        } catch (error) {
          finish();
          controller.error(error);
        }
      },
      cancel: (reason) => {
        finish();
        return reader.cancel(reason);
      },
    });
  }

  /** Fail every open body: the engine that was writing them is gone. */
  endAll(reason: string): void {
    for (const stream of this.#streams) {
      try {
        stream.controller.error(new Error(`the engine restarted (${reason})`));
      } catch {
        // already closed
      }
    }
    this.#streams.clear();
    this.#changed();
  }

  /** Ping the Worker while a body streams: a guest spinning after it set its response shows here. */
  #changed(): void {
    if (this.#streams.size > 0 && !this.#pingTimer) {
      this.#lastPong = performance.now();
      this.#pingTimer = setInterval(() => {
        const timeoutMs = this.#host.timeoutMs();
        if (timeoutMs > 0 && performance.now() - this.#lastPong > timeoutMs) {
          this.#host.unresponsive([...this.#streams].map((s) => s.label).join(', '), timeoutMs);
          return;
        }
        this.#host.ping();
      }, PING_EVERY_MS);
    } else if (this.#streams.size === 0 && this.#pingTimer) {
      clearInterval(this.#pingTimer);
      this.#pingTimer = null;
    }
  }
}
