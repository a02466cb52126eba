/**
 * WASI 0.2 components get a fresh instance per request, as Spin does, but making one (the 12 MB
 * StarlingMonkey instance of a JS app) is the largest part of a request's engine time. So the
 * next instance is made ahead, while the engine is idle, and a request takes it ready
 * (docs/spin-behaviour.md §6.4). Nothing about Spin's model changes:
 * - an instance serves exactly one request, and one that has served is never handed out again;
 * - making one runs no guest handler: it instantiates the core modules and links the imports, so
 *   it reads and writes no key-value or SQLite data;
 * - the spare belongs to one loaded component: when the app is loaded again (new component,
 *   new manifest, new variables), `close()` drops it unused.
 */

export interface Made<T> {
  value: T;
  /** Wall time the instance took to make: the instance's cost, off the request path when ready. */
  costMs: number;
}

interface Timers {
  /** Runs `fn` once the current task and the requests already queued have had their turn. */
  later(fn: () => void): void;
}

const TASK_TIMERS: Timers = { later: (fn) => void setTimeout(fn, 0) };

export class SpareInstances<T> {
  readonly #create: () => Promise<T>;
  readonly #destroy: (value: T) => void;
  readonly #timers: Timers;
  #spare: Promise<Made<T>> | null = null;
  #scheduled = false;
  #closed = false;

  constructor(options: { create: () => Promise<T>; destroy?: (value: T) => void; timers?: Timers }) {
    this.#create = options.create;
    this.#destroy = options.destroy ?? (() => {});
    this.#timers = options.timers ?? TASK_TIMERS;
  }

  /** Make the first spare now (the app was just loaded and nothing is running yet). */
  prime(): void {
    if (!this.#closed && !this.#spare) this.#spare = this.#make();
  }

  /**
   * An instance no request has used: the spare if one is made or being made, else a new one.
   * The next spare is made after this request's own work has started.
   */
  async take(): Promise<Made<T>> {
    if (this.#closed) throw new Error('the component was unloaded');
    const taken = this.#spare ?? this.#make();
    this.#spare = null;
    this.#scheduleNext();
    return taken;
  }

  /** Drop the spare unused (the app is replaced or unloaded). */
  close(): void {
    this.#closed = true;
    const spare = this.#spare;
    this.#spare = null;
    void spare?.then(
      (made) => this.#destroy(made.value),
      () => {},
    );
  }

  #scheduleNext(): void {
    if (this.#scheduled) return;
    this.#scheduled = true;
    this.#timers.later(() => {
      this.#scheduled = false;
      if (!this.#closed && !this.#spare) this.#spare = this.#make();
    });
  }

  #make(): Promise<Made<T>> {
    const started = performance.now();
    const made = this.#create().then((value) => ({ value, costMs: performance.now() - started }));
    // A spare that fails to instantiate is not kept: the request that takes it sees the error.
    made.catch(() => {
      if (this.#spare === made) this.#spare = null;
    });
    return made;
  }
}
