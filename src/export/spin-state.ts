/**
 * The files `spin up` keeps beside an app, written and read the way Spin does:
 * `.spin/sqlite_key_value.db` (Spin's `spin_key_value` table, docs/spin-behaviour.md §5),
 * `.spin/sqlite_db.db` and other SQLite databases, `runtime-config.toml` (§11) and `.env`
 * (the variables provider's `SPIN_VARIABLE_<NAME>` lines).
 */
import type { SqlJsStatic } from 'sql.js';
import '../manifest/toml-global';
import TOML from '@iarna/toml';
import { KV_SCHEMA } from '../storage/sqlite-store';

/** One key-value entry, as a row of Spin's `spin_key_value` table. */
export interface KvRow {
  store: string;
  key: string;
  value: Uint8Array;
}

/** Spin's state directory under the app (`state_dir` defaults to `<app dir>/.spin`). */
export const STATE_DIR = '.spin';
/** The default key-value store's file (`DEFAULT_SPIN_STORE_FILENAME`). */
export const KV_DB_PATH = `${STATE_DIR}/sqlite_key_value.db`;
/** The `default` SQLite database's file (`DEFAULT_SQLITE_DB_FILENAME`). */
export const SQLITE_DB_PATH = `${STATE_DIR}/sqlite_db.db`;
export const RUNTIME_CONFIG_PATH = 'runtime-config.toml';
/** A playground bundle file's share fragment, inside the app's folder (not part of Spin's layout). */
export const PLAYGROUND_LINK_PATH = `${STATE_DIR}/playground-link.txt`;

const UPSERT = 'INSERT INTO spin_key_value (store, key, value) VALUES ($1,$2,$3) ON CONFLICT(store, key) DO UPDATE SET value=$3';

/** A `.spin/sqlite_key_value.db` holding `rows`, in Spin's own schema. */
export function buildKeyValueDb(SQL: SqlJsStatic, rows: readonly KvRow[]): Uint8Array {
  const db = new SQL.Database();
  try {
    db.run(KV_SCHEMA);
    db.run('BEGIN');
    const insert = db.prepare(UPSERT);
    for (const row of rows) insert.run([row.store, row.key, row.value]);
    insert.free();
    db.run('COMMIT');
    return db.export();
  } finally {
    db.close();
  }
}

/**
 * Every row of a Spin key-value database file. Values written as TEXT by another tool come back
 * as their UTF-8 bytes. Throws if the file is not SQLite or has no `spin_key_value` table.
 */
export function readKeyValueDb(SQL: SqlJsStatic, bytes: Uint8Array): KvRow[] {
  const db = new SQL.Database(bytes);
  try {
    const rows: KvRow[] = [];
    const select = db.prepare('SELECT store, key, value FROM spin_key_value');
    while (select.step()) {
      const [store, key, value] = select.get();
      rows.push({
        store: String(store),
        key: String(key),
        value: value instanceof Uint8Array ? value : new TextEncoder().encode(value === null ? '' : String(value)),
      });
    }
    select.free();
    return rows;
  } finally {
    db.close();
  }
}

/** Where a non-default SQLite database goes: `.spin/sqlite_db.<label>.db`, the label made file-safe. */
export function sqliteDbPath(label: string, taken: ReadonlySet<string> = new Set()): string {
  if (label === 'default') return SQLITE_DB_PATH;
  const safe = /^[A-Za-z0-9_-]{1,64}$/.test(label)
    ? label
    : `x${Array.from(new TextEncoder().encode(label).subarray(0, 24), (b) => b.toString(16).padStart(2, '0')).join('')}`;
  let path = `${STATE_DIR}/sqlite_db.${safe}.db`;
  for (let n = 2; taken.has(path); n++) path = `${STATE_DIR}/sqlite_db.${safe}-${n}.db`;
  return path;
}

/**
 * `runtime-config.toml` for the labels `spin up` cannot know by itself, or `undefined` when
 * every label is `default` (Spin configures that one on its own).
 *
 * Key-value stores other than `default` are `type = "spin"` stores in the default store's own
 * file: Spin's table is keyed by store label, so one file holds them all, exactly as the
 * playground keeps them. SQLite databases other than `default` get a file each.
 */
export function runtimeConfigToml(kvLabels: Iterable<string>, sqlite: ReadonlyMap<string, string>): string | undefined {
  const kv = [...new Set(kvLabels)].filter((l) => l !== 'default').sort();
  const db = [...sqlite].filter(([label]) => label !== 'default').sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  if (kv.length === 0 && db.length === 0) return undefined;
  const lines = [
    '# Written by Spin Playground. From this folder, run:',
    '#   spin up --runtime-config-file runtime-config.toml',
    '# (Spin resolves sqlite_database paths against the current directory.)',
  ];
  for (const label of kv) lines.push('', `[key_value_store.${tomlKey(label)}]`, 'type = "spin"', `path = ${tomlString(KV_DB_PATH)}`);
  for (const [label, path] of db) lines.push('', `[sqlite_database.${tomlKey(label)}]`, 'type = "spin"', `path = ${tomlString(path)}`);
  return `${lines.join('\n')}\n`;
}

/**
 * The `type = "spin"` stores and databases a `runtime-config.toml` configures, with their
 * `path`s as written; other types and tables are ignored (and reported in `others`).
 */
export function readRuntimeConfig(text: string): { kv: Map<string, string | undefined>; sqlite: Map<string, string | undefined>; others: string[] } {
  const doc = TOML.parse(text) as Record<string, unknown>;
  const out = { kv: new Map<string, string | undefined>(), sqlite: new Map<string, string | undefined>(), others: [] as string[] };
  for (const [table, target] of [
    ['key_value_store', out.kv],
    ['sqlite_database', out.sqlite],
  ] as const) {
    const labels = doc[table];
    if (typeof labels !== 'object' || labels === null) continue;
    for (const [label, config] of Object.entries(labels as Record<string, unknown>)) {
      const c = config as { type?: unknown; path?: unknown };
      if (c?.type === 'spin') target.set(label, typeof c.path === 'string' ? c.path : undefined);
      else out.others.push(`[${table}.${label}] (type ${JSON.stringify(c?.type)})`);
    }
  }
  return out;
}

/**
 * A `.env` the default variables provider reads (`SPIN_VARIABLE_<NAME>=value`), or `undefined`
 * with no values. `secretNames` are listed as comments without their values.
 */
export function dotEnv(values: Record<string, string>, secretNames: readonly string[] = []): string | undefined {
  const names = Object.keys(values).sort();
  if (names.length === 0 && secretNames.length === 0) return undefined;
  const lines = ['# Variable values set in Spin Playground; spin up reads this file from the current directory.'];
  for (const name of names) lines.push(`SPIN_VARIABLE_${name.toUpperCase()}=${envValue(values[name]!)}`);
  for (const name of [...secretNames].sort()) lines.push(`# ${name} is secret and was not exported: set SPIN_VARIABLE_${name.toUpperCase()} yourself.`);
  return `${lines.join('\n')}\n`;
}

/** `SPIN_VARIABLE_<NAME>` values of a `.env` file, by lowercase variable name. */
export function readDotEnv(text: string): Record<string, string> {
  const out: Array<[string, string]> = [];
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    const match = /^(?:export\s+)?SPIN_VARIABLE_([A-Z0-9_]+)\s*=\s*(.*)$/.exec(line);
    if (!match) continue;
    out.push([match[1]!.toLowerCase(), unquoteEnv(match[2]!)]);
  }
  return Object.fromEntries(out);
}

/** dotenv: single quotes keep text as it is; double quotes take `\\`, `\"`, `\$` and `\n`. */
function envValue(value: string): string {
  if (/^[A-Za-z0-9_./:@+-]*$/.test(value)) return value;
  if (!/['\n\r]/.test(value)) return `'${value}'`;
  return `"${value
    .replace(/[\\"$]/g, (c) => `\\${c}`)
    .replace(/\n/g, '\\n')
    .replace(/\r/g, '\\r')}"`;
}

function unquoteEnv(value: string): string {
  if (value.startsWith("'") && value.endsWith("'") && value.length >= 2) return value.slice(1, -1);
  if (value.startsWith('"') && value.endsWith('"') && value.length >= 2) {
    return value.slice(1, -1).replace(/\\([\\"$nr])/g, (_, c: string) => (c === 'n' ? '\n' : c === 'r' ? '\r' : c));
  }
  return value.replace(/\s+#.*$/, '');
}

/** A TOML key: bare when it can be, else a basic string. */
export function tomlKey(key: string): string {
  return /^[A-Za-z0-9_-]+$/.test(key) ? key : tomlString(key);
}

/** A TOML basic string. JSON's escapes are TOML's, except that TOML also requires DEL escaped. */
export function tomlString(text: string): string {
  return JSON.stringify(text).replace(/\u007f/g, '\\u007F');
}
