/**
 * Key-value size and count limits. `spin up` enforces none (docs/spin-behaviour.md §5, "Limits:
 * documented vs enforced"); spin-docs and the Fermyon Cloud FAQ document some. One `KvLimits`
 * lives per app load:
 *
 * - Cloud limits off (the default, as `spin up`): nothing is rejected, but the first write of the
 *   load that goes over a documented limit logs one warning per kind of limit, naming the limit
 *   and where it is documented.
 * - Cloud limits on: a write over a limit is refused (the host returns the interface's
 *   `other`/`io` error with `message`) and logged with component, store and key.
 *
 * Where the sources differ, the stricter number is enforced, so an app that passes here is within
 * both readings: 255-byte keys (the FAQ; spin-docs says 256) and 1,000,000-byte values ("1 MB"
 * in both, which could also mean 1,048,576 bytes).
 */
import { CLOUD_KV_LIMITS, type LogEntry } from '../protocol/messages';

// Defined beside the other limits in protocol/, which the UI's Limits panel reads too.
export { CLOUD_KV_LIMITS };

/** Appended to every refusal, so the guest's error and the log say how to get `spin up`'s behaviour. */
export const CLOUD_LIMITS_NOTE = 'Fermyon Cloud limits (switch off in the playground to match spin up)';

export type KvLimitKind = 'key size' | 'value size' | 'keys per store' | 'stores';

/** What each limit is and where it is documented (for warnings, the README and the UI). */
export const KV_LIMIT_SOURCES: Record<KvLimitKind, string> = {
  'key size': 'Fermyon Cloud FAQ: 255 bytes; spin-docs v3 key-value guide: "as large as 256 bytes (UTF-8 encoded)"',
  'value size': 'Fermyon Cloud FAQ: 1 MB; spin-docs v3 key-value guide: "as large as 1 megabyte"',
  'keys per store': 'Fermyon Cloud FAQ: 1,024 keys; spin-docs v3 key-value guide: "capacity for 1024 key value tuples"',
  stores: 'Fermyon Cloud FAQ: 5 stores on the Starter plan (100 on Growth)',
};

type Log = (entry: Omit<LogEntry, 'time'>) => void;

/** A write about to happen: its keys with their value sizes, and how to count what it adds. */
export interface KvWrite {
  store: string;
  entries: ReadonlyArray<readonly [key: string, valueBytes: number]>;
  /** Keys of `entries` the store does not hold yet, and the store's key count before the write. Called only when needed. */
  growth(): { added: number; before: () => number };
}

/** The checks one component's key-value host makes before each write. */
export interface KvWriteGuard {
  /** Undefined when the write may go ahead; otherwise the message for the guest's error (Cloud limits only). */
  check(write: KvWrite): string | undefined;
}

export function utf8Length(text: string): number {
  let bytes = 0;
  for (const char of text) {
    const point = char.codePointAt(0)!;
    bytes += point < 0x80 ? 1 : point < 0x800 ? 2 : point < 0x10000 ? 3 : 4;
  }
  return bytes;
}

/** A key for a log line: quoted, at most 40 characters. */
export function shortKey(key: string): string {
  const chars = [...key];
  return chars.length <= 40 ? JSON.stringify(key) : `${JSON.stringify(chars.slice(0, 40).join(''))}…`;
}

interface Violation {
  kind: KvLimitKind;
  /** The actual size, e.g. `key is 300 bytes (UTF-8)`. */
  actual: string;
  /** The limit, e.g. `key size limit of 255 bytes`. */
  limit: string;
  key?: string;
}

export class KvLimits {
  readonly #warned = new Set<KvLimitKind>();
  readonly #log: Log;

  constructor(
    readonly cloud: boolean,
    log: Log,
  ) {
    this.#log = log;
  }

  forComponent(component: string): KvWriteGuard {
    return { check: (write) => this.#check(component, write) };
  }

  /**
   * The load-time check: the distinct store labels all components name. With Cloud limits on,
   * returns the error that fails the load; off, warns (once per load) and returns undefined.
   */
  checkStores(labelsByComponent: ReadonlyMap<string, readonly string[]>): string | undefined {
    const labels = [...new Set([...labelsByComponent.values()].flat())].sort();
    if (labels.length <= CLOUD_KV_LIMITS.stores) return undefined;
    const named = labels.map((label) => JSON.stringify(label)).join(', ');
    const what = `the app's components name ${labels.length} distinct key-value stores (${named})`;
    const limit = `limit of ${CLOUD_KV_LIMITS.stores} stores per app`;
    if (this.cloud) return `${what}, over the ${limit}; ${CLOUD_LIMITS_NOTE}`;
    this.#warnOnce(
      'stores',
      'loader',
      `${what}, over the documented ${limit} (${KV_LIMIT_SOURCES.stores}). spin up enforces none, so the app runs; turn on "Fermyon Cloud limits" ` +
        `to enforce it.`,
    );
    return undefined;
  }

  #check(component: string, write: KvWrite): string | undefined {
    const found: Violation[] = [];
    for (const [key, valueBytes] of write.entries) {
      const keyBytes = utf8Length(key);
      if (keyBytes > CLOUD_KV_LIMITS.keyBytes) {
        found.push({ kind: 'key size', key, actual: `key is ${keyBytes} bytes (UTF-8)`, limit: `key size limit of ${CLOUD_KV_LIMITS.keyBytes} bytes` });
      }
      if (valueBytes > CLOUD_KV_LIMITS.valueBytes) {
        found.push({
          kind: 'value size',
          key,
          actual: `value is ${valueBytes} bytes`,
          limit: `value size limit of ${CLOUD_KV_LIMITS.valueBytes} bytes (1 MB)`,
        });
      }
      if (this.cloud && found.length > 0) break;
    }
    // Counting keys costs a query, so it is skipped once nothing could come of it.
    if (found.length === 0 || !this.cloud) {
      if (this.cloud || !this.#warned.has('keys per store')) {
        const growth = write.growth();
        if (growth.added > 0) {
          const before = growth.before();
          const after = before + growth.added;
          if (after > CLOUD_KV_LIMITS.keysPerStore) {
            found.push({
              kind: 'keys per store',
              actual: `store ${JSON.stringify(write.store)} holds ${before} keys and this write would make ${after}`,
              limit: `limit of ${CLOUD_KV_LIMITS.keysPerStore} keys per store`,
            });
          }
        }
      }
    }
    if (found.length === 0) return undefined;
    const where = (v: Violation) =>
      `component ${JSON.stringify(component)}, store ${JSON.stringify(write.store)}${v.key === undefined ? '' : `, key ${shortKey(v.key)}`}`;
    if (this.cloud) {
      const first = found[0]!;
      const message = `${first.actual}, over the ${first.limit}; ${CLOUD_LIMITS_NOTE}`;
      this.#log({ level: 'error', source: component, message: `key-value write refused (${where(first)}): ${message}` });
      return message;
    }
    for (const violation of found) {
      this.#warnOnce(
        violation.kind,
        component,
        `${where(violation)}: ${violation.actual}, over the documented ${violation.limit} (${KV_LIMIT_SOURCES[violation.kind]}). spin up enforces ` +
          `none, so it was stored; turn on "Fermyon Cloud limits" to enforce it. (Warned once per app load.)`,
      );
    }
    return undefined;
  }

  #warnOnce(kind: KvLimitKind, source: string, message: string): void {
    if (this.#warned.has(kind)) return;
    this.#warned.add(kind);
    this.#log({ level: 'warn', source, message });
  }
}
