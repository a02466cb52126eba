/**
 * "Export app": the project as a zip that `spin up` runs as it is, with its data (`import-app.ts`
 * reads such a zip back). Layout (README "Export to spin up"):
 *
 * ```
 * <app>/spin.toml              sources relative; url sources whose bytes are included rewritten
 * <app>/<sources and files>    as the manifest names them
 * <app>/components/<x>.wasm    url sources that were rewritten
 * <app>/.spin/sqlite_key_value.db   every key-value store, Spin's spin_key_value schema
 * <app>/.spin/sqlite_db.db          the `default` SQLite database (others: sqlite_db.<label>.db)
 * <app>/runtime-config.toml    only for labels other than `default`
 * <app>/.env                   non-secret variable values, SPIN_VARIABLE_<NAME>=…
 * ```
 */
import { zipSync, type Zippable } from 'fflate';
import type { SqlJsStatic } from 'sql.js';
import { parseManifest } from '../manifest/parse';
import type { SpinApp } from '../manifest/types';
import { normalizeAppPath as normalizePath } from '../loader/unzip';
import { fileNameForUrl, rewriteUrlSources } from './manifest-sources';
import { KV_DB_PATH, RUNTIME_CONFIG_PATH, buildKeyValueDb, dotEnv, runtimeConfigToml, sqliteDbPath, type KvRow } from './spin-state';
import { getOwn } from '../protocol/own-keys';

export interface ExportInput {
  manifestText: string;
  /** As `AppBundle.files`: keyed by the path (relative to the manifest) or URL the manifest names. */
  files: Record<string, ArrayBuffer | Uint8Array>;
  /** The contents of every key-value store. */
  kv: readonly KvRow[];
  /** SQLite database files by `sqlite_databases` label. */
  sqlite?: Record<string, Uint8Array>;
  /** Variable values; only those the manifest declares and does not mark `secret` are written. */
  variables?: Record<string, string>;
  /** `--key-value` pairs the playground writes at every Run: the command passes them the same way. */
  keyValueSeeds?: ReadonlyArray<readonly [string, string]>;
  /** sql.js, to write the key-value database (`loadSqlJs()` in the page, `initSqlJs()` in Node). */
  SQL: SqlJsStatic;
  /** The folder inside the zip; default: the app's name. `''` puts the app at the zip's root. */
  folder?: string;
  /** More files to add, by path inside the app's folder (a bundle file's `.spin/playground-link.txt`). */
  extra?: Record<string, Uint8Array>;
  /** Modification time of every entry (default: now). */
  mtime?: Date;
}

export interface ExportResult {
  zip: Uint8Array;
  /** The folder inside the zip (`''`: the root). */
  folder: string;
  /** Every file written, relative to the folder. */
  paths: string[];
  /** Things the user should know: sources kept as URLs, files left out, manifest errors. */
  warnings: string[];
  /** Sources the manifest names whose bytes the playground does not have. */
  missing: string[];
  /** The command that runs the unzipped app. */
  command: string;
}

/** The zip `spin up` runs as it is. See `buildAppZip` for the details it reports. */
export function exportAppZip(input: ExportInput): Uint8Array {
  return buildAppZip(input).zip;
}

/** The exported zip, with what was written and what the user should know about it. */
export function buildAppZip(input: ExportInput): ExportResult {
  const warnings: string[] = [];
  const missing: string[] = [];
  const parsed = parseManifest(input.manifestText);
  const app = parsed.ok ? parsed.app : undefined;
  if (!parsed.ok)
    warnings.push(`spin.toml has errors (${parsed.errors[0]?.message ?? 'unknown'}); it was exported as it is, and spin up will report them too.`);

  const entries = new Map<string, Uint8Array>();
  const fileKeys = Object.keys(input.files);
  const taken = new Set(fileKeys.map(normalizePath).filter((p): p is string => p !== undefined));

  // url sources whose bytes we have: bundle them and point the manifest at the file.
  const urlPaths = new Map<string, string>();
  for (const component of Object.values(app?.components ?? {})) {
    const source = component.source;
    if (source.kind === 'url' && getOwn(input.files, source.url) && !urlPaths.has(source.url)) {
      const name = fileNameForUrl(source.url);
      let path = `components/${name}`;
      for (let n = 2; taken.has(path); n++) path = `components/${name.replace(/\.wasm$/i, '')}-${n}.wasm`;
      taken.add(path);
      urlPaths.set(source.url, path);
    }
  }
  const rewritten = rewriteUrlSources(input.manifestText, urlPaths);
  for (const [url, path] of urlPaths) {
    if (rewritten.replaced.includes(url)) entries.set(path, bytesOf(input.files[url]!));
    else warnings.push(`The source ${url} is kept as { url, digest }: spin up downloads it (its table form could not be rewritten).`);
  }
  for (const component of Object.values(app?.components ?? {})) {
    const source = component.source;
    if (source.kind === 'url' && !getOwn(input.files, source.url))
      warnings.push(`component "${component.id}": ${source.url} is kept as { url, digest }; spin up downloads it.`);
    if (source.kind === 'registry')
      warnings.push(`component "${component.id}": the registry source ${source.package}@${source.version} is kept; spin up fetches it.`);
    if (source.kind === 'file') {
      const path = normalizePath(source.path);
      if (path === undefined) warnings.push(`component "${component.id}": its source ${source.path} is outside the app's folder and is not in the zip.`);
      else if (!fileKeys.some((k) => normalizePath(k) === path)) missing.push(source.path);
    }
  }

  // The app's own files, under the paths the manifest uses.
  for (const key of fileKeys) {
    if (/^[A-Za-z][A-Za-z0-9+.-]*:/.test(key)) continue; // a url source, handled above
    const path = normalizePath(key);
    if (path === undefined) {
      warnings.push(`${key} is outside the app's folder and was left out.`);
      continue;
    }
    if (path === 'spin.toml' || path.startsWith('.spin/')) continue;
    entries.set(path, bytesOf(input.files[key]!));
  }
  for (const path of missing) warnings.push(`${path} is named in spin.toml but the playground does not have it: add it before running spin up.`);

  // State: key-value data, SQLite databases, runtime-config.toml, .env.
  if (input.kv.length > 0) entries.set(KV_DB_PATH, buildKeyValueDb(input.SQL, input.kv));
  const sqlitePaths = new Map<string, string>();
  const sqliteLabels = new Set([...Object.keys(input.sqlite ?? {}), ...declared(app, 'sqliteDatabases')]);
  const dbTaken = new Set<string>(entries.keys());
  for (const label of [...sqliteLabels].sort()) {
    const path = sqliteDbPath(label, dbTaken);
    dbTaken.add(path);
    sqlitePaths.set(label, path);
    const bytes = input.sqlite?.[label];
    if (bytes) entries.set(path, bytes);
  }
  const runtimeConfig = runtimeConfigToml([...declared(app, 'keyValueStores'), ...input.kv.map((r) => r.store)], sqlitePaths);
  if (runtimeConfig !== undefined) entries.set(RUNTIME_CONFIG_PATH, utf8(runtimeConfig));
  const env = variablesFile(app, input.variables ?? {});
  if (env !== undefined) entries.set('.env', utf8(env));
  for (const [path, bytes] of Object.entries(input.extra ?? {})) {
    const clean = normalizePath(path);
    if (clean !== undefined) entries.set(clean, bytes);
  }
  entries.set('spin.toml', utf8(rewritten.text));

  const folder = input.folder ?? folderName(app?.name);
  const prefix = folder ? `${folder}/` : '';
  const mtime = input.mtime ?? new Date();
  const zippable: Zippable = {};
  const paths = [...entries.keys()].sort((a, b) => (a === 'spin.toml' ? -1 : b === 'spin.toml' ? 1 : a < b ? -1 : a > b ? 1 : 0));
  for (const path of paths) zippable[prefix + path] = [entries.get(path)!, { level: 6, mtime }];
  const command = [
    'spin up',
    ...(runtimeConfig !== undefined ? ['--runtime-config-file runtime-config.toml'] : []),
    ...(input.keyValueSeeds ?? []).map(([key, value]) => `--key-value ${shellQuote(`${key}=${value}`)}`),
  ].join(' ');
  return { zip: zipSync(zippable), folder, paths, warnings, missing, command };
}

/** One POSIX shell word: as it is if it is plain, otherwise single-quoted. */
export function shellQuote(word: string): string {
  return /^[A-Za-z0-9_./=:@%+,-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

/** The name to download the export as: `<app name>.zip`. */
export function exportFileName(manifestText: string): string {
  const parsed = parseManifest(manifestText);
  return `${folderName(parsed.ok ? parsed.app.name : undefined)}.zip`;
}

/** Labels the components declare (`key_value_stores` or `sqlite_databases`). */
function declared(app: SpinApp | undefined, field: 'keyValueStores' | 'sqliteDatabases'): string[] {
  return Object.values(app?.components ?? {}).flatMap((c) => c[field]);
}

/** `.env` for the declared, non-secret variables that have values; secret ones only as a comment. */
function variablesFile(app: SpinApp | undefined, values: Record<string, string>): string | undefined {
  if (!app) return undefined;
  const shared: Record<string, string> = {};
  const secret: string[] = [];
  for (const [name, value] of Object.entries(values)) {
    const variable = Object.hasOwn(app.variables, name) ? app.variables[name] : undefined;
    if (!variable) continue;
    if (variable.secret) secret.push(name);
    else shared[name] = value;
  }
  return dotEnv(shared, secret);
}

function folderName(name: string | undefined): string {
  const safe = (name ?? '').replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^[.-]+|-+$/g, '');
  return safe || 'spin-app';
}

const utf8 = (text: string) => new TextEncoder().encode(text);
const bytesOf = (value: ArrayBuffer | Uint8Array) => (value instanceof Uint8Array ? value : new Uint8Array(value));
