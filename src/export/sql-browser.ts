/**
 * sql.js for the page (the engine Worker has its own): loaded on first use, so the UI pays for
 * the SQLite wasm only when someone exports or imports an app. Node tests use `initSqlJs()`.
 */
import type { SqlJsStatic } from 'sql.js';

let loading: Promise<SqlJsStatic> | undefined;

export function loadSqlJs(): Promise<SqlJsStatic> {
  loading ??= Promise.all([import('sql.js'), import('sql.js/dist/sql-wasm-browser.wasm?url')]).then(([sqljs, wasm]) =>
    sqljs.default({ locateFile: () => wasm.default }),
  );
  return loading;
}
