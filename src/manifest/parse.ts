/**
 * `spin.toml` text → normalized `SpinApp`, or errors with line and column. The entry point of
 * `src/manifest/`.
 */
import './toml-global';
import TOML from '@iarna/toml';
import type { ManifestError, ParseResult } from './types';
import { ManifestPositions } from './locate';
import { Diagnostics, type Table, missingField } from './serde';
import { readManifestV1 } from './v1';
import { readManifestV2 } from './v2';

/**
 * Parses and validates a Spin manifest (v1 or v2) with Spin's rules and messages.
 *
 * @example
 * const result = parseManifest('spin_manifest_version = "0"');
 * // { ok: false, errors: [{ message: 'invalid manifest version: "0"', line: 1, column: 25 }] }
 */
export function parseManifest(text: string): ParseResult {
  let doc: Table;
  try {
    doc = TOML.parse(text) as Table;
  } catch (e) {
    return { ok: false, errors: [syntaxError(e, text)] };
  }
  const diag = new Diagnostics(ManifestPositions.scan(text));
  const version = detectVersion(diag, doc);
  const app = version === 1 ? readManifestV1(diag, doc) : version === 2 ? readManifestV2(diag, doc) : undefined;
  if (diag.errors.length > 0 || !app) return { ok: false, errors: byPosition(diag.errors) };
  return { ok: true, app: { ...app, warnings: byPosition(diag.warnings) } };
}

/**
 * `ManifestVersion::detect`: the string "1" (in `spin_manifest_version` or its alias
 * `spin_version`) is v1, the integer 2 is v2.
 */
function detectVersion(diag: Diagnostics, doc: Table): 1 | 2 | undefined {
  const keys = ['spin_manifest_version', 'spin_version'].filter((k) => k in doc);
  const key = keys[0];
  if (key === undefined) {
    missingField(diag, [], 'spin_manifest_version');
    return undefined;
  }
  if (keys.length > 1) {
    diag.error('duplicate field `spin_manifest_version`', ['spin_version']);
    return undefined;
  }
  const value = doc[key];
  if (value === '1') return 1;
  if (diag.isInteger(value, [key]) && Number(value) === 2) return 2;
  diag.error(`invalid manifest version: ${diag.tomlText(value, [key])}`, [key], 'value');
  return undefined;
}

function syntaxError(e: unknown, text: string): ManifestError {
  const err = e as { message?: unknown; line?: unknown; col?: unknown };
  const message = String(err.message ?? e);
  // @iarna/toml appends " at row R, col C, pos P:" and a source excerpt; the UI shows its own.
  const cut = message.search(/ at row \d+, col \d+, pos \d+:/);
  // At the end of the input @iarna/toml reports a column past the last character (found by
  // test/unit/parsers-fuzz.test.ts); keep the position inside the text.
  const lines = text.split('\n');
  const line = Math.min(Math.max(typeof err.line === 'number' ? err.line + 1 : 1, 1), lines.length);
  const lineLength = [...(lines[line - 1] ?? '')].length;
  const column = Math.min(Math.max(typeof err.col === 'number' ? err.col + 1 : 1, 1), lineLength + 1);
  return { message: cut >= 0 ? message.slice(0, cut) : message, line, column };
}

function byPosition(list: ManifestError[]): ManifestError[] {
  return [...list].sort((a, b) => a.line - b.line || a.column - b.column);
}
