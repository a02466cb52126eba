/**
 * "Import": an exported zip (`export-app.ts`), a bundle file, or any zipped app folder read back
 * into a project: the app, its key-value and SQLite data, its variables and, for a bundle file,
 * the rest of the shared state. Layout: README "Export to spin up".
 */
import type { SqlJsStatic } from 'sql.js';
import { normalizeAppPath as normalizePath, unzipCapped, ZipError } from '../loader/unzip';
import type { AppBundle } from '../protocol/messages';
import { KV_DB_PATH, PLAYGROUND_LINK_PATH, RUNTIME_CONFIG_PATH, SQLITE_DB_PATH, readDotEnv, readKeyValueDb, readRuntimeConfig, type KvRow } from './spin-state';
import { setOwn } from '../protocol/own-keys';

export class ImportError extends Error {
  constructor(
    message: string,
    /**
     * `no-manifest`: a readable zip without spin.toml (its files may still be added one by one);
     * `too-big`: over a cap; `unreadable`: not a zip. Only `no-manifest` may fall back to adding
     * the files: the others must not be unzipped again another way.
     */
    readonly reason: 'no-manifest' | 'too-big' | 'unreadable',
  ) {
    super(message);
  }
}

export interface ImportedApp {
  /** The app, as the engine loads it (no `manifestUrl`: it came from a file). */
  bundle: AppBundle;
  /** Every key-value entry found in `.spin/sqlite_key_value.db` and runtime-config stores. */
  kv: KvRow[];
  /** SQLite databases by label: `.spin/sqlite_db.db` as `default`, others from runtime-config. */
  sqlite: Record<string, Uint8Array>;
  /** `SPIN_VARIABLE_*` values from `.env`, by variable name. */
  variables: Record<string, string>;
  /** A bundle file's share fragment (`.spin/playground-link.txt`): the request, selected file, … */
  shareFragment?: string;
  warnings: string[];
}

/** Largest total the importer expands, and most entries: a zip is untrusted too. */
export { MAX_IMPORT_BYTES, MAX_IMPORT_ENTRIES } from '../loader/byte-caps';

/**
 * Reads an exported zip, or any zip of an app folder: the shallowest `spin.toml` is the app, and
 * paths are made relative to its folder, as `spin up` resolves them. Its `.spin/` state, its
 * `runtime-config.toml` (`type = "spin"` stores and databases) and `.env` become the project's
 * data and variables. Throws `ImportError` when the zip is unreadable, too big or has no spin.toml.
 */
export function importAppZip(bytes: Uint8Array, SQL: SqlJsStatic): ImportedApp {
  let all: Map<string, Uint8Array>;
  let outside: string[];
  try {
    ({ files: all, outside } = unzipCapped(bytes));
  } catch (error) {
    if (error instanceof ZipError) throw new ImportError(error.message, error.reason);
    throw error;
  }
  const manifests = [...all.keys()].filter((p) => /(^|\/)spin\.toml$/.test(p));
  const manifestPath = manifests.sort((a, b) => a.split('/').length - b.split('/').length || (a < b ? -1 : 1))[0];
  if (manifestPath === undefined) throw new ImportError('the zip has no spin.toml', 'no-manifest');
  const folder = manifestPath.slice(0, -'spin.toml'.length);
  const inApp = new Map<string, Uint8Array>();
  for (const [path, content] of all) if (path.startsWith(folder)) inApp.set(path.slice(folder.length), content);

  const warnings: string[] = outside.map((name) => `${name} is outside the zip's folder and was left out.`);
  const text = (path: string) => new TextDecoder().decode(inApp.get(path));
  let config: ReturnType<typeof readRuntimeConfig> = { kv: new Map(), sqlite: new Map(), others: [] };
  if (inApp.has(RUNTIME_CONFIG_PATH)) {
    try {
      config = readRuntimeConfig(text(RUNTIME_CONFIG_PATH));
    } catch (error) {
      warnings.push(`runtime-config.toml could not be read: ${error instanceof Error ? error.message : String(error)}`);
    }
    for (const other of config.others) {
      warnings.push(`runtime-config.toml: ${other} is not available in the browser; the playground keeps that store in its own database.`);
    }
  }

  const kv = new Map<string, KvRow>();
  const addRows = (path: string, onlyStore?: string) => {
    const db = inApp.get(path);
    if (!db) return;
    try {
      for (const row of readKeyValueDb(SQL, db)) if (onlyStore === undefined || row.store === onlyStore) kv.set(JSON.stringify([row.store, row.key]), row);
    } catch (error) {
      warnings.push(`${path} is not a Spin key-value database (${error instanceof Error ? error.message : String(error)}); its data was not imported.`);
    }
  };
  addRows(KV_DB_PATH);
  for (const [label, path] of config.kv) {
    const clean = path === undefined ? undefined : normalizePath(path);
    if (clean !== undefined && clean !== KV_DB_PATH) addRows(clean, label);
  }

  const sqlite: Record<string, Uint8Array> = {};
  const defaultDb = inApp.get(SQLITE_DB_PATH);
  if (defaultDb) setOwn(sqlite, 'default', defaultDb);
  for (const [label, path] of config.sqlite) {
    const clean = path === undefined ? undefined : normalizePath(path);
    const db = clean === undefined ? undefined : inApp.get(clean);
    if (db) setOwn(sqlite, label, db);
  }

  const variables = inApp.has('.env') ? readDotEnv(text('.env')) : {};
  const shareFragment = inApp.has(PLAYGROUND_LINK_PATH) ? text(PLAYGROUND_LINK_PATH).trim() : undefined;
  const files: Record<string, ArrayBuffer> = {};
  for (const [path, content] of inApp) {
    if (path === 'spin.toml' || path === RUNTIME_CONFIG_PATH || path === '.env' || path.startsWith('.spin/') || isJunk(path)) continue;
    setOwn(files, path, content.slice().buffer as ArrayBuffer);
  }
  return {
    bundle: { manifestText: text('spin.toml'), files },
    kv: [...kv.values()],
    sqlite,
    variables,
    ...(shareFragment ? { shareFragment } : {}),
    warnings,
  };
}

const isJunk = (path: string) => /(^|\/)(\.git|node_modules|\.DS_Store)(\/|$)/.test(path);
