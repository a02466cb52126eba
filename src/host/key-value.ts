/**
 * Key-value for guests. One core holds Spin's rules (permission by `key_value_stores`, the
 * 128 MiB read cap); each WIT version is a thin adapter that only maps results and errors
 * (spin-host-reference §3, §4). All versions share the same data, as in Spin.
 */
import type { SqliteKvStore } from '../kv/sqlite-store';

/** Spin's `MAX_HOST_BUFFERED_BYTES`: reads returning more than this fail. */
export const MAX_HOST_BUFFERED_BYTES = 128 * 1024 * 1024;

export interface KeyValueContext {
  store: SqliteKvStore;
  /** The component's `key_value_stores`. */
  allowedStores: readonly string[];
  /** Called for every host call, for the trace view. */
  onCall?: (call: string, outcome: string) => void;
  /** Called after each write, so the UI's explorer can refresh. */
  onWrite?: (store: string) => void;
}

type CoreError = { kind: 'access-denied' } | { kind: 'other'; message: string };

class KvCoreError extends Error {
  constructor(readonly error: CoreError) {
    super(error.kind === 'other' ? error.message : error.kind);
  }
}

/** The version-independent operations. Throws `KvCoreError`; adapters map it. */
export function createKeyValueCore(ctx: KeyValueContext) {
  const backend = <T>(run: () => T): T => {
    try {
      return run();
    } catch (error) {
      if (error instanceof KvCoreError) throw error;
      throw new KvCoreError({ kind: 'other', message: error instanceof Error ? error.message : String(error) });
    }
  };
  const capped = (bytes: number) => {
    if (bytes > MAX_HOST_BUFFERED_BYTES) {
      throw new KvCoreError({ kind: 'other', message: `query result exceeds limit of ${MAX_HOST_BUFFERED_BYTES} bytes` });
    }
  };
  return {
    open(label: string): string {
      // Permission first, whether or not the store exists (the conformance test requires it).
      if (!ctx.allowedStores.includes(label)) throw new KvCoreError({ kind: 'access-denied' });
      return label;
    },
    get(label: string, key: string): Uint8Array | undefined {
      const value = backend(() => ctx.store.get(label, key));
      if (value) capped(value.byteLength);
      return value;
    },
    set(label: string, key: string, value: Uint8Array): void {
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
      capped(keys.reduce((sum, key) => sum + key.length + 8, 0));
      return keys;
    },
  };
}

/** Describes a value for the trace without copying large payloads. */
function describe(value: unknown): string {
  if (value === undefined) return 'none';
  if (value instanceof Uint8Array) {
    const text = new TextDecoder('utf-8', { fatal: false }).decode(value.subarray(0, 64));
    return `${JSON.stringify(text)}${value.byteLength > 64 ? `… (${value.byteLength} bytes)` : ''}`;
  }
  return JSON.stringify(value);
}

/** `fermyon:spin/key-value@2.0.0`: a `store` resource; a missing key is `none`. */
export function createKeyValueV2(ctx: KeyValueContext) {
  const core = createKeyValueCore(ctx);
  const toWit = (error: unknown) => {
    if (error instanceof KvCoreError) {
      return error.error.kind === 'access-denied' ? { tag: 'access-denied' } : { tag: 'other', val: error.error.message };
    }
    return { tag: 'other', val: String(error) };
  };
  const call = <T>(name: string, run: () => T): T => {
    try {
      const result = run();
      ctx.onCall?.(name, `ok(${describe(result)})`);
      return result;
    } catch (error) {
      const wit = toWit(error);
      ctx.onCall?.(name, `err(${wit.tag}${'val' in wit ? `: ${wit.val}` : ''})`);
      throw wit;
    }
  };

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
