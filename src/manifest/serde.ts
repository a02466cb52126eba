/**
 * Reading parsed TOML the way Spin's serde structs do, with serde's own error texts
 * ("missing field `name`", "unknown field `foo`, expected one of …", "invalid type: …"), each
 * placed at a line and column found by `ManifestPositions`.
 */
import type { ManifestError } from './types';
import type { ManifestPositions, PathSegment } from './locate';

export type Table = Record<string, unknown>;
export type Path = readonly PathSegment[];

/** Collects errors and warnings for one manifest, positioned by path. */
export class Diagnostics {
  readonly errors: ManifestError[] = [];
  readonly warnings: ManifestError[] = [];

  constructor(readonly positions: ManifestPositions) {}

  /** Records an error at `path`'s key (for a bad name) or value (for a bad value). */
  error(message: string, path: Path, at: 'key' | 'value' = 'key'): void {
    this.errors.push({ message, ...this.positions.locate(path, at) });
  }

  warn(message: string, path: Path, at: 'key' | 'value' = 'key'): void {
    this.warnings.push({ message, ...this.positions.locate(path, at) });
  }

  /** Spin's `Display` of a TOML value, e.g. `"0"` or `2.0`. */
  tomlText(value: unknown, path: Path): string {
    if (typeof value === 'string') return JSON.stringify(value);
    return this.positions.raw(path) ?? String(value);
  }

  /** Whether a number was written as a TOML integer (the parser turns `2.0` into `2`). */
  isInteger(value: unknown, path: Path): boolean {
    if (typeof value === 'bigint') return true;
    if (typeof value !== 'number' || !Number.isInteger(value)) return false;
    const raw = this.positions.raw(path);
    return raw === undefined || !/[.eE]|inf|nan/.test(raw.replace(/^0x.*/, ''));
  }
}

/** A TOML table (not an array, not a datetime). */
export function isTable(value: unknown): value is Table {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Date);
}

/** serde's `Unexpected` wording for a value: `string "x"`, `integer \`5\``, `sequence`, `map`. */
export function unexpected(diag: Diagnostics, value: unknown, path: Path): string {
  if (typeof value === 'string') return `string ${JSON.stringify(value)}`;
  if (typeof value === 'boolean') return `boolean \`${value}\``;
  if (typeof value === 'bigint') return `integer \`${value}\``;
  if (typeof value === 'number') {
    if (diag.isInteger(value, path)) return `integer \`${value}\``;
    const raw = diag.positions.raw(path);
    return `floating point \`${raw ?? (Number.isInteger(value) ? `${value}.0` : value)}\``;
  }
  if (Array.isArray(value)) return 'sequence';
  if (value instanceof Date) return 'datetime';
  return 'map';
}

/** Reports serde's "invalid type" error at the value. */
export function invalidType(diag: Diagnostics, value: unknown, path: Path, expected: string): void {
  diag.error(`invalid type: ${unexpected(diag, value, path)}, expected ${expected}`, path, 'value');
}

/** serde's `OneOf` list: `` `a` ``, `` `a` or `b` ``, `` one of `a`, `b`, `c` ``. */
export function oneOf(names: readonly string[]): string {
  const quoted = names.map((n) => `\`${n}\``);
  if (quoted.length <= 1) return quoted.join('');
  if (quoted.length === 2) return `${quoted[0]} or ${quoted[1]}`;
  return `one of ${quoted.join(', ')}`;
}

/** `#[serde(deny_unknown_fields)]`: every key of `table` not in `fields` is an error at that key. */
export function denyUnknownFields(diag: Diagnostics, table: Table, path: Path, fields: readonly string[]): void {
  for (const key of Object.keys(table)) {
    if (fields.includes(key)) continue;
    const expected = fields.length === 0 ? 'there are no fields' : `expected ${oneOf(fields)}`;
    diag.error(`unknown field \`${key}\`, ${expected}`, [...path, key]);
  }
}

/** Reports "missing field `x`" at the table that lacks it (its header, or line 1 for the document). */
export function missingField(diag: Diagnostics, path: Path, field: string): void {
  diag.error(`missing field \`${field}\``, path, 'value');
}

/** A table value, or an "invalid type … expected <expected>" error. */
export function expectTable(diag: Diagnostics, value: unknown, path: Path, expected: string): Table | undefined {
  if (isTable(value)) return value;
  invalidType(diag, value, path, expected);
  return undefined;
}

/** An optional string field; `undefined` when absent or wrongly typed (the latter reported). */
export function optString(diag: Diagnostics, table: Table, path: Path, key: string): string | undefined {
  const value = table[key];
  if (value === undefined || typeof value === 'string') return value;
  invalidType(diag, value, [...path, key], 'a string');
  return undefined;
}

/** A required string field. */
export function reqString(diag: Diagnostics, table: Table, path: Path, key: string): string | undefined {
  if (!(key in table)) {
    missingField(diag, path, key);
    return undefined;
  }
  return optString(diag, table, path, key);
}

export function optBool(diag: Diagnostics, table: Table, path: Path, key: string): boolean | undefined {
  const value = table[key];
  if (value === undefined || typeof value === 'boolean') return value;
  invalidType(diag, value, [...path, key], 'a boolean');
  return undefined;
}

/** An optional list of strings (`Vec<String>`); absent means empty. */
export function optStringList(diag: Diagnostics, table: Table, path: Path, key: string): string[] {
  const value = table[key];
  if (value === undefined) return [];
  if (!Array.isArray(value)) {
    invalidType(diag, value, [...path, key], 'a sequence');
    return [];
  }
  const out: string[] = [];
  value.forEach((item: unknown, i) => {
    if (typeof item === 'string') out.push(item);
    else invalidType(diag, item, [...path, key, i], 'a string');
  });
  return out;
}

/** An optional table of string values (`Map<String, String>`); absent means empty. */
export function optStringMap(diag: Diagnostics, table: Table, path: Path, key: string): Record<string, string> {
  const value = table[key];
  const out: Record<string, string> = {};
  if (value === undefined) return out;
  const map = expectTable(diag, value, [...path, key], 'a map');
  for (const [k, v] of Object.entries(map ?? {})) {
    if (typeof v === 'string') out[k] = v;
    else invalidType(diag, v, [...path, key, k], 'a string');
  }
  return out;
}

/** An optional table whose values must be tables (`Map<String, toml::Table>`, e.g. `tool`). */
export function optTableOfTables(diag: Diagnostics, table: Table, path: Path, key: string): void {
  const value = table[key];
  if (value === undefined) return;
  const map = expectTable(diag, value, [...path, key], 'a map');
  for (const [k, v] of Object.entries(map ?? {})) expectTable(diag, v, [...path, key, k], 'a map');
}
