/**
 * Key-value for guests. One core holds Spin's rules (permission by `key_value_stores`, the
 * 128 MiB read cap) and the playground's optional Fermyon Cloud limits (key-value-limits.ts);
 * each WIT version is a thin adapter that only maps results and errors (docs/spin-behaviour.md §3,
 * §4). All versions share the same data, as in Spin.
 */
import { NotAnI64Error, type SqliteKvStore } from '../storage/sqlite-store';
import { utf8Length, type KvWriteGuard } from './key-value-limits';

/** Spin's `MAX_HOST_BUFFERED_BYTES`: reads returning more than this fail. */
export const MAX_HOST_BUFFERED_BYTES = 128 * 1024 * 1024;

export interface KeyValueContext {
  store: SqliteKvStore;
  /** The component's `key_value_stores`. */
  allowedStores: readonly string[];
  /** Called for every host call, for the trace view; async calls also say when they started. */
  onCall?: (call: string, outcome: string, startedAt?: number) => void;
  /** Called after each write, so the UI's explorer can refresh. */
  onWrite?: (store: string) => void;
  /** Size and count limits checked before each write (warn only, or Cloud limits); none when absent. */
  limits?: KvWriteGuard;
}

/**
 * Spin's only check at `open`, the same for every version: the label must be one of the
 * component's `key_value_stores`, whether or not such a store exists.
 */
export function isKeyValueStoreAllowed(allowedStores: readonly string[], label: string): boolean {
  return allowedStores.includes(label);
}

export type CoreError = { kind: 'access-denied' } | { kind: 'other'; message: string };

export class KvCoreError extends Error {
  constructor(readonly error: CoreError) {
    super(error.kind === 'other' ? error.message : error.kind);
  }
}

/** A WIT error value an adapter has already chosen; the tracer throws `value` to the guest. */
class WitError {
  constructor(readonly value: { tag: string; val?: unknown }) {}
}

// Rust sizes Spin adds to payload bytes when it checks the cap (`size_of` of the result types).
const OPTION_VEC = 24;
const STRING = 24;
const KEY_VALUE_TUPLE = 48;

/** The version-independent operations. Throws `KvCoreError`; adapters map it. */
export function createKeyValueCore(ctx: KeyValueContext) {
  const backend = <T>(run: () => T): T => {
    try {
      return run();
    } catch (error) {
      // A non-i64 value under `increment` is a panic in Spin, so it stays a trap here.
      if (error instanceof KvCoreError || error instanceof NotAnI64Error) throw error;
      throw new KvCoreError({ kind: 'other', message: error instanceof Error ? error.message : String(error) });
    }
  };
  const capped = (bytes: number) => {
    if (bytes > MAX_HOST_BUFFERED_BYTES) {
      throw new KvCoreError({ kind: 'other', message: `query result exceeds limit of ${MAX_HOST_BUFFERED_BYTES} bytes` });
    }
  };
  const written = <T>(label: string, result: T): T => {
    ctx.onWrite?.(label);
    return result;
  };
  /**
   * Before a write: the limits' verdict. A refusal (Cloud limits on) is the interface's
   * `other`/`io` error. `mayInsert` is false for a conditional swap, which only updates.
   */
  const withinLimits = (label: string, entries: ReadonlyArray<readonly [string, number]>, mayInsert = true) => {
    const limits = ctx.limits;
    if (!limits) return;
    const refused = backend(() =>
      limits.check({
        store: label,
        entries,
        growth: () => {
          const fresh = new Set<string>();
          if (mayInsert) for (const [key] of entries) if (!fresh.has(key) && !ctx.store.exists(label, key)) fresh.add(key);
          return { added: fresh.size, before: () => ctx.store.count(label) };
        },
      }),
    );
    if (refused !== undefined) throw new KvCoreError({ kind: 'other', message: refused });
  };
  return {
    open(label: string): string {
      // Permission first, whether or not the store exists (the conformance test requires it).
      if (!isKeyValueStoreAllowed(ctx.allowedStores, label)) throw new KvCoreError({ kind: 'access-denied' });
      return label;
    },
    get(label: string, key: string): Uint8Array | undefined {
      const value = backend(() => ctx.store.get(label, key));
      if (value) capped(OPTION_VEC + value.byteLength);
      return value;
    },
    set(label: string, key: string, value: Uint8Array): void {
      withinLimits(label, [[key, value.byteLength]]);
      backend(() => ctx.store.set(label, key, value));
      ctx.onWrite?.(label);
    },
    delete(label: string, key: string): void {
      backend(() => ctx.store.delete(label, key));
      ctx.onWrite?.(label);
    },
    exists(label: string, key: string): boolean {
      return backend(() => ctx.store.exists(label, key));
    },
    keys(label: string): string[] {
      const keys = backend(() => ctx.store.keys(label));
      capped(keys.reduce((sum, key) => sum + STRING + utf8Length(key), OPTION_VEC));
      return keys;
    },
    /** Spin 4's streamed `get-keys` (`spin:key-value@3.0.0`) caps each key, not the whole list. */
    streamedKeys(label: string): string[] {
      const keys = backend(() => ctx.store.keys(label));
      for (const key of keys) capped(utf8Length(key));
      return keys;
    },
    getMany(label: string, keys: readonly string[]): Array<[string, Uint8Array]> {
      const found = backend(() => ctx.store.getMany(label, keys));
      capped(found.reduce((sum, [key, value]) => sum + KEY_VALUE_TUPLE + utf8Length(key) + value.byteLength, OPTION_VEC));
      return found;
    },
    setMany(label: string, entries: ReadonlyArray<readonly [string, Uint8Array]>): void {
      withinLimits(
        label,
        entries.map(([key, value]) => [key, value.byteLength] as const),
      );
      written(
        label,
        backend(() => ctx.store.setMany(label, entries)),
      );
    },
    deleteMany(label: string, keys: readonly string[]): void {
      written(
        label,
        backend(() => ctx.store.deleteMany(label, keys)),
      );
    },
    increment(label: string, key: string, delta: bigint): bigint {
      withinLimits(label, [[key, 8]]);
      return written(
        label,
        backend(() => ctx.store.increment(label, key, delta)),
      );
    },
    /** Writes `value` if the stored value is still `old` (or unconditionally when `old` is none). */
    compareAndSwap(label: string, key: string, old: Uint8Array | undefined, value: Uint8Array): boolean {
      withinLimits(label, [[key, value.byteLength]], old === undefined);
      const swapped = backend(() => ctx.store.compareAndSwap(label, key, old, value));
      return swapped ? written(label, true) : false;
    },
  };
}

/** Describes a value for the trace without copying large payloads. */
export function describe(value: unknown): string {
  if (value === undefined) return 'none';
  if (typeof value === 'bigint') return String(value);
  if (Array.isArray(value)) return `[${value.map(describe).join(',')}]`;
  if (value instanceof Uint8Array) {
    const text = new TextDecoder('utf-8', { fatal: false }).decode(value.subarray(0, 64));
    return `${JSON.stringify(text)}${value.byteLength > 64 ? `… (${value.byteLength} bytes)` : ''}`;
  }
  return JSON.stringify(value) ?? String(value);
}

/**
 * Wraps each host call: traces it, throws the WIT error value `toWit` picks for a core error,
 * and lets anything else (a Spin panic) escape as a trap. `startedAt` is for async calls.
 */
export function tracer(ctx: KeyValueContext, toWit: (error: CoreError) => { tag: string; val?: unknown }) {
  return <T>(name: string, run: () => T, startedAt?: number): T => {
    try {
      const result = run();
      ctx.onCall?.(name, `ok(${describe(result)})`, startedAt);
      return result;
    } catch (error) {
      const wit = error instanceof KvCoreError ? toWit(error.error) : error instanceof WitError ? error.value : undefined;
      if (!wit) {
        ctx.onCall?.(name, `trap(${error instanceof Error ? error.message : String(error)})`, startedAt);
        throw error instanceof Error ? error : new Error(String(error));
      }
      const detail = wit.val === undefined ? '' : `: ${typeof wit.val === 'string' ? wit.val : describe(wit.val)}`;
      ctx.onCall?.(name, `err(${wit.tag}${detail})`, startedAt);
      throw wit;
    }
  };
}

export const accessDeniedOr = (other: (message: string) => { tag: string; val: unknown }) => (error: CoreError) =>
  error.kind === 'access-denied' ? { tag: 'access-denied' } : other(error.message);

/** `fermyon:spin/key-value@2.0.0`: a `store` resource; a missing key is `none`. */
export function createKeyValueV2(ctx: KeyValueContext) {
  const core = createKeyValueCore(ctx);
  const call = tracer(
    ctx,
    accessDeniedOr((message) => ({ tag: 'other', val: message })),
  );

  class Store {
    readonly #label: string;
    private constructor(label: string) {
      this.#label = label;
    }
    static open(label: string): Store {
      return call(`store.open(${JSON.stringify(label)})`, () => new Store(core.open(label)));
    }
    get(key: string): Uint8Array | undefined {
      return call(`get(${JSON.stringify(key)})`, () => core.get(this.#label, key));
    }
    set(key: string, value: Uint8Array): void {
      call(`set(${JSON.stringify(key)}, ${describe(value)})`, () => core.set(this.#label, key, value));
    }
    delete(key: string): void {
      call(`delete(${JSON.stringify(key)})`, () => core.delete(this.#label, key));
    }
    exists(key: string): boolean {
      return call(`exists(${JSON.stringify(key)})`, () => core.exists(this.#label, key));
    }
    getKeys(): string[] {
      return call('get-keys()', () => core.keys(this.#label));
    }
    toJSON() {
      return `store(${this.#label})`;
    }
  }
  return { Store };
}

/**
 * Unversioned `fermyon:spin/key-value` (Spin 1): `store` is a u32 handle allocated per instance
 * from 0 up, as Spin's table does; `get` of a missing key is `no-such-key`; an unknown handle is
 * `invalid-store` (Spin 1.x; current Spin traps); backend errors are `io(msg)`.
 */
export function createKeyValueSpin1(ctx: KeyValueContext) {
  const core = createKeyValueCore(ctx);
  const call = tracer(
    ctx,
    accessDeniedOr((message) => ({ tag: 'io', val: message })),
  );
  const handles = new Map<number, string>();
  let next = 0;
  const label = (store: number): string => {
    const found = handles.get(store);
    if (found === undefined) throw new WitError({ tag: 'invalid-store' });
    return found;
  };
  return {
    open(name: string): number {
      return call(`open(${JSON.stringify(name)})`, () => {
        const opened = core.open(name);
        while (handles.has(next)) next = (next + 1) >>> 0;
        const handle = next;
        next = (next + 1) >>> 0;
        handles.set(handle, opened);
        return handle;
      });
    },
    get(store: number, key: string): Uint8Array {
      return call(`get(${store}, ${JSON.stringify(key)})`, () => {
        const value = core.get(label(store), key);
        if (value === undefined) throw new WitError({ tag: 'no-such-key' });
        return value;
      });
    },
    set(store: number, key: string, value: Uint8Array): void {
      call(`set(${store}, ${JSON.stringify(key)}, ${describe(value)})`, () => core.set(label(store), key, value));
    },
    delete(store: number, key: string): void {
      call(`delete(${store}, ${JSON.stringify(key)})`, () => core.delete(label(store), key));
    },
    exists(store: number, key: string): boolean {
      return call(`exists(${store}, ${JSON.stringify(key)})`, () => core.exists(label(store), key));
    },
    getKeys(store: number): string[] {
      return call(`get-keys(${store})`, () => core.keys(label(store)));
    },
    close(store: number): void {
      call(`close(${store})`, () => void handles.delete(store));
    },
  };
}

/** jco calls this on a host resource when the guest drops its handle. */
const symbolDispose: symbol = (Symbol as unknown as { dispose?: symbol }).dispose ?? Symbol.for('dispose');

/**
 * `wasi:keyvalue/{store,atomics,batch}@0.2.0-draft2` with Spin's semantics (docs/spin-behaviour.md
 * §4.3, `crates/factor-key-value/src/host.rs`): a dropped bucket is `no-such-store`, `list-keys`
 * pages not, `increment` traps on a non-i64 value, a failed `swap` hands back a fresh, already
 * read `cas`.
 */
export function createWasiKeyValue(ctx: KeyValueContext) {
  const core = createKeyValueCore(ctx);
  const call = tracer(
    ctx,
    accessDeniedOr((message) => ({ tag: 'other', val: message })),
  );
  const noSuchStore = new WitError({ tag: 'no-such-store' });

  class Bucket {
    #label: string | undefined;
    constructor(label: string) {
      this.#label = label;
    }
    /** The store label, or `no-such-store` once the guest dropped the bucket. */
    label(): string {
      if (this.#label === undefined) throw noSuchStore;
      return this.#label;
    }
    get(key: string): Uint8Array | undefined {
      return call(`bucket.get(${JSON.stringify(key)})`, () => core.get(this.label(), key));
    }
    set(key: string, value: Uint8Array): void {
      call(`bucket.set(${JSON.stringify(key)}, ${describe(value)})`, () => core.set(this.label(), key, value));
    }
    delete(key: string): void {
      call(`bucket.delete(${JSON.stringify(key)})`, () => core.delete(this.label(), key));
    }
    exists(key: string): boolean {
      return call(`bucket.exists(${JSON.stringify(key)})`, () => core.exists(this.label(), key));
    }
    listKeys(cursor: string | undefined): { keys: string[]; cursor: string | undefined } {
      return call(`bucket.list-keys(${describe(cursor)})`, () => {
        // Spin rejects a cursor before it looks at the bucket.
        if (cursor !== undefined) throw new WitError({ tag: 'other', val: 'list_keys: cursor not supported' });
        return { keys: core.keys(this.label()), cursor: undefined };
      });
    }
    [symbolDispose](): void {
      this.#label = undefined;
    }
    toJSON() {
      return `bucket(${this.#label ?? 'dropped'})`;
    }
  }

  class Cas {
    /** What `current()` last read; none until then, which makes `swap` an unconditional upsert. */
    remembered: Uint8Array | undefined;
    private constructor(
      readonly bucket: Bucket,
      readonly label: string,
      readonly key: string,
    ) {}
    static new(bucket: Bucket, key: string): Cas {
      return call(`cas.new(${JSON.stringify(key)})`, () => new Cas(bucket, bucket.label(), key));
    }
    current(): Uint8Array | undefined {
      return call(`cas.current(${JSON.stringify(this.key)})`, () => (this.remembered = core.get(this.label, this.key)));
    }
    toJSON() {
      return `cas(${this.label}, ${this.key})`;
    }
  }

  const store = {
    open(identifier: string): Bucket {
      return call(`store.open(${JSON.stringify(identifier)})`, () => new Bucket(core.open(identifier)));
    },
    Bucket,
  };

  const atomics = {
    Cas,
    increment(bucket: Bucket, key: string, delta: bigint): bigint {
      return call(`atomics.increment(${JSON.stringify(key)}, ${delta})`, () => core.increment(bucket.label(), key, delta));
    },
    swap(cas: Cas, value: Uint8Array): void {
      call(`atomics.swap(${JSON.stringify(cas.key)}, ${describe(value)})`, () => {
        let swapped: boolean;
        try {
          swapped = core.compareAndSwap(cas.label, cas.key, cas.remembered, value);
        } catch (error) {
          if (error instanceof KvCoreError) throw new WitError({ tag: 'store-error', val: { tag: 'other', val: error.message } });
          throw error;
        }
        if (swapped) return;
        // Spin opens a new cas on the same bucket and reads it, so the guest can retry at once.
        let fresh: Cas;
        try {
          fresh = Cas.new(cas.bucket, cas.key);
          fresh.current();
        } catch (error) {
          if (error instanceof Error) throw error;
          throw new WitError({ tag: 'store-error', val: error });
        }
        throw new WitError({ tag: 'cas-failed', val: fresh });
      });
    },
  };

  const batch = {
    getMany(bucket: Bucket, keys: string[]): Array<[string, Uint8Array | undefined]> {
      return call(`batch.get-many(${describe(keys)})`, () => {
        const label = bucket.label();
        return keys.length === 0 ? [] : core.getMany(label, keys);
      });
    },
    setMany(bucket: Bucket, keyValues: Array<[string, Uint8Array]>): void {
      call(`batch.set-many(${describe(keyValues.map(([key]) => key))})`, () => {
        const label = bucket.label();
        if (keyValues.length > 0) core.setMany(label, keyValues);
      });
    },
    deleteMany(bucket: Bucket, keys: string[]): void {
      call(`batch.delete-many(${describe(keys)})`, () => {
        const label = bucket.label();
        if (keys.length > 0) core.deleteMany(label, keys);
      });
    },
  };

  return { store, atomics, batch };
}
