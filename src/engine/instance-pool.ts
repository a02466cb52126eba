/**
 * Spin 4's instance model for WASI 0.3 components (crates/trigger-http of Spin 4): one instance
 * serves up to `reuse` requests in all, up to `concurrency` at once, and is dropped after
 * `idleTimeoutMs` without a request in flight. Each limit may be a range `a..b` (as Spin's
 * flags: half-open, `a` included and `b` not), from which every new instance draws its own value.
 * A trap poisons an instance: its other requests in flight fail, it is dropped, and new requests
 * go to other (or new) instances, as a trapped Wasmtime store is dropped. WASI 0.2 components
 * keep a fresh instance per request and never come here.
 */

/** `{ min, max }` with `max` excluded, or one value (`min === max`). */
export interface Range {
  min: number;
  max: number;
}

export interface InstanceLimits {
  reuse: Range;
  concurrency: Range;
  idleTimeoutMs: Range;
}

/** Spin 4's defaults for WASI 0.3 components. */
export const SPIN4_INSTANCE_LIMITS: Readonly<InstanceLimits> = {
  reuse: { min: 128, max: 128 },
  concurrency: { min: 16, max: 16 },
  idleTimeoutMs: { min: 1000, max: 1000 },
};

export class LimitError extends Error {}

/**
 * A whole number or Spin's `a..b`, from a URL parameter or an app bundle. `least` is the smallest
 * value that makes sense (1 for counts, 0 for a timeout). Throws with a sentence naming `setting`.
 */
export function parseRange(value: unknown, setting: string, least: number): Range {
  const fail = (why: string): never => {
    throw new LimitError(`${setting}: ${why} (got ${JSON.stringify(value)}); expected a whole number or a range a..b, as in Spin's --max-instance-reuse-count`);
  };
  const whole = (text: string): number => {
    if (!/^\d+$/.test(text.trim())) fail(`"${text}" is not a whole number`);
    const n = Number(text.trim());
    if (!Number.isSafeInteger(n)) fail(`${text} is too large`);
    if (n < least) fail(`${n} is less than ${least}`);
    return n;
  };
  if (typeof value === 'number') return whole(String(value)) === value ? { min: value, max: value } : fail('not a whole number');
  if (typeof value !== 'string') return fail('not a number or a range');
  const parts = value.split('..');
  if (parts.length === 1) {
    const n = whole(parts[0]!);
    return { min: n, max: n };
  }
  if (parts.length !== 2) return fail('a range has one ".."');
  const min = whole(parts[0]!);
  const max = whole(parts[1]!);
  // Spin samples `a..b` with `b` excluded, so the range must hold at least one value.
  if (max <= min) fail(`the range ${min}..${max} is empty (${max} is excluded)`);
  return { min, max };
}

/** A value from the range, drawn as Spin draws it (uniform, `max` excluded). */
export function pick(range: Range, random: () => number = Math.random): number {
  if (range.max <= range.min) return range.min;
  return range.min + Math.floor(random() * (range.max - range.min));
}

export interface PooledInstance<T> {
  /** 1, 2, 3… in the order this pool made them. */
  readonly id: number;
  readonly value: T;
  /** Requests started on it so far (the current one included). */
  served: number;
  inFlight: number;
  readonly maxReuse: number;
  readonly maxConcurrency: number;
  readonly idleTimeoutMs: number;
  poisoned: boolean;
  dropped: boolean;
  /** Resolves (with the reason) when the instance is poisoned: its requests in flight must fail. */
  readonly whenPoisoned: Promise<string>;
}

export interface Lease<T> {
  instance: PooledInstance<T>;
  /** This request's number on its instance (1 for the first). */
  ordinal: number;
  /** The request is over. */
  release(): void;
  /** The request trapped: fail the instance's other requests and drop it. */
  poison(reason: string): void;
}

interface Timers {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

interface Slot<T> extends PooledInstance<T> {
  value: T;
  /** Settles when `value` is made; a slot is listed before that, so a burst shares it. */
  ready: Promise<void>;
  made: boolean;
  idleTimer: unknown;
  resolvePoisoned(reason: string): void;
}

export class InstancePool<T> {
  readonly #create: (poison: (reason: string) => void) => Promise<T>;
  readonly #destroy: (value: T) => void;
  readonly #limits: InstanceLimits;
  readonly #random: () => number;
  readonly #timers: Timers;
  #live: Array<Slot<T>> = [];
  #nextId = 1;

  /**
   * `create` gets the new instance's own `poison`, for a trap no request can report (one after a
   * request's response has gone out, while its body streams).
   */
  constructor(options: {
    create: (poison: (reason: string) => void) => Promise<T>;
    destroy?: (value: T) => void;
    limits: InstanceLimits;
    random?: () => number;
    timers?: Timers;
  }) {
    this.#create = options.create;
    this.#destroy = options.destroy ?? (() => {});
    this.#limits = options.limits;
    this.#random = options.random ?? Math.random;
    this.#timers = options.timers ?? { setTimeout: (fn, ms) => setTimeout(fn, ms), clearTimeout: (h) => clearTimeout(h as ReturnType<typeof setTimeout>) };
  }

  /** Instances that may still take requests (for the trace and tests). */
  get live(): ReadonlyArray<PooledInstance<T>> {
    return this.#live;
  }

  /** An instance for one request: a live one with room, else a new one. */
  async acquire(): Promise<Lease<T>> {
    let slot = this.#live.find((s) => !s.poisoned && s.served < s.maxReuse && s.inFlight < s.maxConcurrency);
    if (!slot) {
      const id = this.#nextId++;
      let resolvePoisoned!: (reason: string) => void;
      const whenPoisoned = new Promise<string>((resolve) => (resolvePoisoned = resolve));
      const made: Slot<T> = {
        id,
        value: undefined as T,
        ready: Promise.resolve(),
        made: false,
        served: 0,
        inFlight: 0,
        maxReuse: pick(this.#limits.reuse, this.#random),
        maxConcurrency: pick(this.#limits.concurrency, this.#random),
        idleTimeoutMs: pick(this.#limits.idleTimeoutMs, this.#random),
        poisoned: false,
        dropped: false,
        whenPoisoned,
        idleTimer: undefined,
        resolvePoisoned,
      };
      made.ready = this.#create((reason) => this.#poison(made, reason)).then(
        (value) => {
          made.value = value;
          made.made = true;
        },
        (error: unknown) => {
          made.dropped = true;
          this.#live = this.#live.filter((s) => s !== made);
          throw error;
        },
      );
      this.#live.push(made);
      slot = made;
    }
    const taken = slot;
    if (taken.idleTimer !== undefined) {
      this.#timers.clearTimeout(taken.idleTimer);
      taken.idleTimer = undefined;
    }
    taken.served++;
    taken.inFlight++;
    try {
      await taken.ready;
    } catch (error) {
      taken.inFlight--;
      throw error;
    }
    let released = false;
    return {
      instance: taken,
      ordinal: taken.served,
      release: () => {
        if (released) return;
        released = true;
        taken.inFlight--;
        this.#settle(taken);
      },
      poison: (reason) => this.#poison(taken, reason),
    };
  }

  #poison(slot: Slot<T>, reason: string): void {
    if (slot.poisoned) return;
    slot.poisoned = true;
    slot.resolvePoisoned(reason);
    this.#drop(slot);
  }

  /** Drop every instance (the app is replaced or unloaded). */
  close(): void {
    for (const slot of [...this.#live]) this.#drop(slot);
  }

  #settle(slot: Slot<T>): void {
    if (slot.dropped || slot.inFlight > 0) return;
    if (slot.served >= slot.maxReuse) {
      this.#drop(slot);
      return;
    }
    slot.idleTimer = this.#timers.setTimeout(() => {
      slot.idleTimer = undefined;
      if (slot.inFlight === 0) this.#drop(slot);
    }, slot.idleTimeoutMs);
  }

  #drop(slot: Slot<T>): void {
    if (slot.dropped) return;
    slot.dropped = true;
    if (slot.idleTimer !== undefined) this.#timers.clearTimeout(slot.idleTimer);
    this.#live = this.#live.filter((s) => s !== slot);
    if (slot.made) this.#destroy(slot.value);
    else
      void slot.ready.then(
        () => this.#destroy(slot.value),
        () => {},
      );
  }
}
