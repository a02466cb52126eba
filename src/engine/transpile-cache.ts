/**
 * Transpiled components in IndexedDB, keyed by the sha256 of the component bytes, so a component
 * is transpiled once per preview origin, not on every load. Compiled `WebAssembly.Module`s cannot
 * be stored in IndexedDB any more, so only jco's output files are kept.
 */
import { openDB, type DBSchema, type IDBPDatabase } from 'idb';
import { GLUE_REWRITES_VERSION } from './glue-rewrites';

export interface Transpiled {
  files: Array<[string, Uint8Array]>;
  imports: string[];
  exports: Array<[string, string]>;
  /** What src/engine/glue-rewrites.ts did to the glue (absent in entries made before it existed). */
  glueRewrite?: { applied: string[]; problem: string | null };
}

interface CacheDb extends DBSchema {
  transpiled: { key: string; value: Transpiled & { version: string } };
}

/** Bump when the transpile options change, so old entries are not reused; glue edited by an older rewrite is not reused either. */
const CACHE_VERSION = `jco-transpile-0.15.0/jspi-2/${GLUE_REWRITES_VERSION}`;

let database: Promise<IDBPDatabase<CacheDb>> | null = null;
function db(): Promise<IDBPDatabase<CacheDb>> {
  database ??= openDB<CacheDb>('spin-playground-components', 1, {
    upgrade(d) {
      d.createObjectStore('transpiled');
    },
  });
  return database;
}

export async function getTranspiled(hash: string): Promise<Transpiled | undefined> {
  try {
    const entry = await (await db()).get('transpiled', hash);
    return entry && entry.version === CACHE_VERSION ? entry : undefined;
  } catch {
    return undefined; // A cache that cannot be read is only a slower start.
  }
}

export async function putTranspiled(hash: string, value: Transpiled): Promise<void> {
  try {
    await (await db()).put('transpiled', { ...value, version: CACHE_VERSION }, hash);
  } catch {
    // Quota or a blocked database: keep running without the cache.
  }
}
