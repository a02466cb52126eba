/**
 * The app's SQLite databases as whole files ("Export app", import), run inside the engine on the
 * databases the app itself uses. A replacement is marked changed and flushed like an app write,
 * so it is durable before the UI hears back, and the next request sees it.
 */
import type { SqliteAdminOp, SqliteAdminResult } from '../protocol/messages';
import type { SqliteDatabases } from '../storage/sqlite-databases';

export interface SqliteAdminDeps {
  sqlite: SqliteDatabases;
  /** Marks a label changed, so the next flush saves it (the engine's `onSqliteWrite`). */
  onSqliteWrite?(label: string): void;
  /** Resolves once every change so far is durable. */
  flush(): Promise<void>;
}

const toBuffer = (bytes: Uint8Array): ArrayBuffer => bytes.slice().buffer as ArrayBuffer;

export async function runSqliteAdmin(op: SqliteAdminOp, deps: SqliteAdminDeps): Promise<SqliteAdminResult> {
  const { sqlite } = deps;
  try {
    switch (op.op) {
      case 'labels':
        return { op: 'labels', labels: sqlite.labels() };
      case 'export': {
        let bytes: Uint8Array | undefined;
        try {
          bytes = sqlite.export(op.label);
        } catch (error) {
          throw new Error(`SQLite database "${op.label}" could not be read (${error instanceof Error ? error.message : String(error)})`);
        }
        return { op: 'export', bytes: bytes ? toBuffer(bytes) : null };
      }
      case 'replace': {
        const bytes = new Uint8Array(op.bytes);
        sqlite.replace(op.label, bytes);
        deps.onSqliteWrite?.(op.label);
        await deps.flush();
        return { op: 'replaced', label: op.label, bytes: bytes.byteLength };
      }
    }
  } catch (error) {
    return { op: 'error', message: error instanceof Error ? error.message : String(error) };
  }
}
