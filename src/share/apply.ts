/**
 * Opening a decoded share link, and gathering the state for a new one: the steps between the
 * codec and the running playground that need the network or the engine, which are passed in.
 */
import type { KvAdminOp, KvAdminResult } from '../protocol/messages';
import { ByteCapError, DOWNLOAD_CAP, exactBuffer, readBodyCapped, type ByteCap } from '../loader/byte-caps';
import { sha256Digest } from '../bytes/sha256';
import { DEFAULT_REQUEST, type KvRow, type ShareBase, type ShareDefaults, type SharedFile, type SharedState, type ShareRequest } from './types';

/** A project's origin as the UI records it (the shape of `ProjectRecord.base` in `src/ui/projects.ts`). */
export type ProjectBaseLike = { kind: 'example'; name: string } | { kind: 'url'; url: string } | { kind: 'files' };

/**
 * The base a link names for a project: its example or `?app=` URL, or none when the app came
 * from files or a whole app was dropped over the fetched one (`replacedApp`).
 */
export function shareBaseFor(project: { base: ProjectBaseLike; replacedApp?: boolean }): ShareBase {
  if (project.replacedApp) return { kind: 'none' };
  if (project.base.kind === 'example') return { kind: 'example', name: project.base.name };
  if (project.base.kind === 'url') return { kind: 'url', manifestUrl: project.base.url };
  return { kind: 'none' };
}

/** The project base for a link's base: the reverse of `shareBaseFor`. */
export function projectBaseFor(base: ShareBase): ProjectBaseLike {
  if (base.kind === 'example') return { kind: 'example', name: base.name };
  if (base.kind === 'url') return { kind: 'url', url: base.manifestUrl };
  return { kind: 'files' };
}

/** A decoded link with every absent field filled from the defaults, ready to show. */
export interface OpenedShare {
  base: SharedState['base'];
  /** The link's manifest, or the base app's (`defaults.manifest`); `undefined` if neither. */
  manifest: string | undefined;
  files: Record<string, SharedFile>;
  kv: KvRow[];
  variables: Record<string, string>;
  request: ShareRequest;
  selectedFile: string | undefined;
}

/** Fills what the link left out: the base app's manifest, an empty seed, `DEFAULT_REQUEST`. */
export function resolveSharedState(state: Partial<SharedState>, defaults: ShareDefaults = {}): OpenedShare {
  return {
    base: state.base ?? { kind: 'none' },
    manifest: state.manifest ?? defaults.manifest,
    files: state.files ?? {},
    kv: state.kv ?? [],
    variables: state.variables ?? {},
    request: { ...DEFAULT_REQUEST, headers: [], ...state.request },
    selectedFile: state.selectedFile,
  };
}

export class SharedFileError extends Error {}

/**
 * The bytes of every file a link names, keyed by path: inlined ones as they are, `{ url, digest }`
 * ones downloaded (without credentials) and checked against the digest, as `spin up` checks a
 * `source = { url, digest }`. Throws `SharedFileError` naming the file on a failed download or
 * a digest mismatch.
 */
export async function loadSharedFiles(
  files: Record<string, SharedFile>,
  deps: { fetch: typeof fetch; subtle?: SubtleCrypto; cap?: ByteCap },
): Promise<Record<string, ArrayBuffer>> {
  const cap = deps.cap ?? DOWNLOAD_CAP;
  const entries = await Promise.all(
    Object.entries(files).map(async ([path, file]): Promise<[string, ArrayBuffer]> => {
      if (file.kind === 'inline') return [path, file.bytes.slice().buffer as ArrayBuffer];
      let response: Response;
      try {
        response = await deps.fetch(file.url, { credentials: 'omit' });
      } catch (error) {
        throw new SharedFileError(
          `${path}: could not fetch ${file.url}: ${error instanceof Error ? error.message : String(error)}. The server may not send CORS headers ` +
            `(Access-Control-Allow-Origin).`,
        );
      }
      if (!response.ok) throw new SharedFileError(`${path}: could not fetch ${file.url}: the server answered ${response.status}`);
      // Read up to the cap, before the digest check: a link names the URL, and the server the size.
      let bytes: Uint8Array;
      try {
        bytes = await readBodyCapped(response, cap, file.url);
      } catch (error) {
        if (error instanceof ByteCapError) throw new SharedFileError(`${path}: ${error.message}`);
        throw error;
      }
      const actual = await sha256Digest(bytes, deps.subtle);
      if (actual !== file.digest)
        throw new SharedFileError(`${path}: the digest of ${file.url} does not match: the link expects ${file.digest}, the downloaded file is ${actual}`);
      return [path, exactBuffer(bytes)];
    }),
  );
  return Object.fromEntries(entries);
}

type RunKv = (op: KvAdminOp) => Promise<KvAdminResult>;

/** Every entry of every store, read through the engine's key-value admin operations. */
export async function readAllKv(run: RunKv): Promise<KvRow[]> {
  const stores = await run({ op: 'stores' });
  if (stores.op === 'error') throw new Error(stores.message);
  if (stores.op !== 'stores') throw new Error(`unexpected answer ${stores.op} to "stores"`);
  const rows: KvRow[] = [];
  for (const { name } of stores.stores) {
    const exported = await run({ op: 'export', store: name });
    if (exported.op === 'error') throw new Error(exported.message);
    if (exported.op !== 'export') throw new Error(`unexpected answer ${exported.op} to "export"`);
    for (const [key, value] of exported.entries) rows.push({ store: name, key, value: new Uint8Array(value) });
  }
  return rows;
}

/**
 * The operations that make the project's stores hold exactly `rows` (`replace`, for a shared
 * link opened into a fresh project) or add them over what is there (a `--key-value` seed).
 */
export function kvSeedOps(rows: readonly KvRow[], mode: 'replace' | 'merge'): KvAdminOp[] {
  const byStore = new Map<string, Array<[string, ArrayBuffer]>>();
  for (const row of rows) {
    let list = byStore.get(row.store);
    if (!list) byStore.set(row.store, (list = []));
    list.push([row.key, row.value.slice().buffer as ArrayBuffer]);
  }
  const ops: KvAdminOp[] = mode === 'replace' ? [{ op: 'clear', store: null }] : [];
  for (const [store, entries] of byStore) ops.push({ op: 'import', store, entries });
  return ops;
}
