/**
 * The project's SQLite databases on their way into an exported zip and back: read every
 * database the app has or declares from the engine, and put imported ones in place. The engine
 * is reached through `run` (`EngineClient.sqlite`), so this holds no engine state and Node tests
 * can drive it with `runSqliteAdmin` directly.
 */
import { parseManifest } from '../manifest/parse';
import type { SqliteAdminOp, SqliteAdminResult } from '../protocol/messages';
import { setOwn } from '../protocol/own-keys';

export type RunSqlite = (op: SqliteAdminOp) => Promise<SqliteAdminResult>;

/** Every `sqlite_databases` label the manifest's components declare (none if it does not parse). */
export function declaredSqliteLabels(manifestText: string): string[] {
  const parsed = parseManifest(manifestText);
  if (!parsed.ok) return [];
  return [...new Set(Object.values(parsed.app.components).flatMap((c) => c.sqliteDatabases))].sort();
}

/**
 * The database file of every label the engine has and every label in `declared`; a declared
 * label with no database yet is left out. Throws, naming the label, when one cannot be read.
 */
export async function readAllSqlite(run: RunSqlite, declared: readonly string[] = []): Promise<Record<string, Uint8Array>> {
  const listed = await run({ op: 'labels' });
  if (listed.op === 'error') throw new Error(`listing the SQLite databases failed: ${listed.message}`);
  if (listed.op !== 'labels') throw new Error(`unexpected answer ${listed.op} to "labels"`);
  const out: Record<string, Uint8Array> = {};
  for (const label of [...new Set([...listed.labels, ...declared])].sort()) {
    const exported = await run({ op: 'export', label });
    if (exported.op === 'error') throw new Error(exported.message);
    if (exported.op !== 'export') throw new Error(`unexpected answer ${exported.op} to "export" of SQLite database "${label}"`);
    if (exported.bytes) setOwn(out, label, new Uint8Array(exported.bytes));
  }
  return out;
}

export type RestoreOutcome = { label: string; ok: true; bytes: number } | { label: string; ok: false; error: string };

/** Replaces each label's database with the given file, in label order; one failure does not stop the rest. */
export async function restoreSqlite(run: RunSqlite, databases: Record<string, Uint8Array>): Promise<RestoreOutcome[]> {
  const outcomes: RestoreOutcome[] = [];
  for (const label of Object.keys(databases).sort()) {
    const bytes = databases[label]!;
    const result = await run({ op: 'replace', label, bytes: bytes.slice().buffer as ArrayBuffer });
    if (result.op === 'replaced') outcomes.push({ label, ok: true, bytes: result.bytes });
    else outcomes.push({ label, ok: false, error: result.op === 'error' ? result.message : `unexpected answer ${result.op} to "replace"` });
  }
  return outcomes;
}
