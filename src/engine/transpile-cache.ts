/**
 * Transpiled components in IndexedDB, keyed by the sha256 of the component bytes and the bridge,
 * so a component is transpiled once per preview origin, not on every load. Compiled
 * `WebAssembly.Module`s cannot be stored in IndexedDB any more, so only jco's output is kept, and
 * of that only the glue: each core module is stored as its byte range in the component
 * (core-slices.ts), which the engine holds anyway. A 12 MB component's entry is then its ~1 MB
 * glue, and reading it back no longer copies the 12 MB core out of the database.
 */
import { openDB, type DBSchema, type IDBPDatabase } from 'idb';
import { coreModuleSections, findCoreModule, sliceOf, type Slice } from './core-slices';
import { TRANSPILE_VERSION } from './transpile-options';

export interface Transpiled {
  files: Array<[string, Uint8Array]>;
  imports: string[];
  exports: Array<[string, string]>;
}

interface Stored {
  version: string;
  files: Array<[string, Uint8Array | Slice]>;
  imports: string[];
  exports: Array<[string, string]>;
}

interface CacheDb extends DBSchema {
  transpiled: { key: string; value: Stored };
}

/** Stored entries carry this; bump it (transpile-options.ts) when what is stored changes. */
const CACHE_VERSION = `${TRANSPILE_VERSION}/slices-1`;

let database: Promise<IDBPDatabase<CacheDb>> | null = null;
function db(): Promise<IDBPDatabase<CacheDb>> {
  database ??= openDB<CacheDb>('spin-playground-components', 1, {
    upgrade(d) {
      d.createObjectStore('transpiled');
    },
  });
  return database;
}

/** The cached transpile of `component` (whose sha256 and bridge make `key`), if any. */
export async function getTranspiled(key: string, component: Uint8Array): Promise<Transpiled | undefined> {
  try {
    const entry = await (await db()).get('transpiled', key);
    if (!entry || entry.version !== CACHE_VERSION) return undefined;
    const files = entry.files.map(([name, data]): [string, Uint8Array] => [name, data instanceof Uint8Array ? data : sliceOf(component, data, name)]);
    return { files, imports: entry.imports, exports: entry.exports };
  } catch {
    return undefined; // A cache that cannot be read (or an entry that does not fit) is only a slower start.
  }
}

export async function putTranspiled(key: string, component: Uint8Array, value: Transpiled): Promise<void> {
  try {
    const sections = coreModuleSections(component);
    const files = value.files.map(([name, data]): [string, Uint8Array | Slice] => {
      const slice = name.endsWith('.wasm') ? findCoreModule(component, sections, data) : undefined;
      return [name, slice ?? data];
    });
    await (await db()).put('transpiled', { version: CACHE_VERSION, files, imports: value.imports, exports: value.exports }, key);
  } catch {
    // Quota or a blocked database: keep running without the cache.
  }
}

export async function sha256Hex(bytes: Uint8Array): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>);
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('');
}
