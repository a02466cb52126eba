/**
 * `spin:key-value/key-value@3.0.0`, Spin 4's async key-value interface, as a thin adapter over
 * the one key-value core (key-value.ts): same table, labels, permissions, limits and
 * durability as every other version; only the calling convention differs (docs/spin4.md).
 *
 * With jco's async glue an `async func` import returns a Promise, so the guest's call becomes a
 * subtask; a rejected plain object is the guest's `err(…)`, a rejected `Error` a trap. `get-keys`
 * returns a stream of keys and a future that settles after the stream has ended, as Spin's
 * `get_keys_async` does (keys are capped one by one there, not as a whole list).
 */
import { accessDeniedOr, createKeyValueCore, describe, KvCoreError, tracer, type KeyValueContext } from './key-value';

type Verdict = { tag: 'ok'; val?: undefined } | { tag: 'err'; val: { tag: string; val?: unknown } };

/** Spin's `v3::Error`: `store-table-full`, `no-such-store`, `access-denied`, `other(string)`. */
const toV3 = accessDeniedOr((message) => ({ tag: 'other', val: message }));

export function createKeyValueV3(ctx: KeyValueContext) {
  const core = createKeyValueCore(ctx);
  const traced = tracer(ctx, toV3);
  /** The call as a subtask: it settles on a later turn, like a host call that awaited its backend. */
  const call = <T>(name: string, run: () => T): Promise<T> => {
    const startedAt = performance.now();
    return Promise.resolve().then(() => traced(name, run, startedAt));
  };

  class Store {
    readonly #label: string;
    private constructor(label: string) {
      this.#label = label;
    }
    static open(label: string): Promise<Store> {
      return call(`store.open(${JSON.stringify(label)})`, () => new Store(core.open(label)));
    }
    get(key: string): Promise<Uint8Array | undefined> {
      return call(`get(${JSON.stringify(key)})`, () => core.get(this.#label, key));
    }
    set(key: string, value: Uint8Array): Promise<void> {
      return call(`set(${JSON.stringify(key)}, ${describe(value)})`, () => core.set(this.#label, key, value));
    }
    delete(key: string): Promise<void> {
      return call(`delete(${JSON.stringify(key)})`, () => core.delete(this.#label, key));
    }
    exists(key: string): Promise<boolean> {
      return call(`exists(${JSON.stringify(key)})`, () => core.exists(this.#label, key));
    }
    /**
     * `tuple<stream<string>, future<result<_, error>>>`. The keys are read in one query (sql.js
     * is synchronous) and handed over as the guest reads; a store error reaches the guest through
     * the future, after an empty stream. The trace line is written when the stream has ended.
     */
    async getKeys(): Promise<[Iterable<string>, Promise<Verdict>]> {
      const startedAt = performance.now();
      let keys: string[] = [];
      let verdict: Verdict = { tag: 'ok' };
      try {
        keys = core.streamedKeys(this.#label);
      } catch (error) {
        if (!(error instanceof KvCoreError)) {
          ctx.onCall?.('get-keys()', `trap(${error instanceof Error ? error.message : String(error)})`, startedAt);
          throw error instanceof Error ? error : new Error(String(error));
        }
        verdict = { tag: 'err', val: toV3(error.error) };
      }
      let settle!: (verdict: Verdict) => void;
      const done = new Promise<Verdict>((resolve) => (settle = resolve));
      function* stream(): Generator<string> {
        let sent = 0;
        try {
          for (const key of keys) {
            sent++;
            yield key;
          }
        } finally {
          // Reached at the end of the keys, or when the guest drops the stream early.
          const outcome =
            verdict.tag === 'err'
              ? `err(${verdict.val.tag}${verdict.val.val === undefined ? '' : `: ${String(verdict.val.val)}`})`
              : `ok(${describe(keys.slice(0, sent))}${sent < keys.length ? `, stream dropped after ${sent} of ${keys.length}` : ''})`;
          ctx.onCall?.('get-keys()', outcome, startedAt);
          settle(verdict);
        }
      }
      return [stream(), done];
    }
    toJSON() {
      return `store(${this.#label})`;
    }
  }
  return { Store };
}
