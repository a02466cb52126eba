/**
 * Seeding the key-value store like `spin up --key-value KEY=VALUE` (docs/spin-behaviour.md §11):
 * each pair splits at the first `=` and is written to the `default` store as UTF-8 bytes,
 * overwriting what is there, before the app serves.
 */
import type { KvRow } from './spin-state';

/** Spin's own message for a pair without `=` (`crates/trigger/src/cli.rs`, `parse_kv`). */
export const KEY_VALUE_FORM_ERROR = 'Key/Values must be of the form `key=value`';

export type KeyValueSeedResult =
  | { ok: true; pairs: Array<[string, string]> }
  /** `line`: 1-based index into `lines` of the first bad pair. */
  | { ok: false; error: string; line: number };

/**
 * The pairs of one `--key-value` argument per line. Blank lines are skipped (a text area's
 * trailing newline); nothing else is trimmed, as Spin trims nothing.
 *
 * @example
 * parseKeyValueSeeds(['greeting=hello=world']); // { ok: true, pairs: [['greeting', 'hello=world']] }
 * parseKeyValueSeeds(['oops']);                 // { ok: false, error: 'Key/Values must be of the form `key=value`', line: 1 }
 */
export function parseKeyValueSeeds(lines: readonly string[]): KeyValueSeedResult {
  const pairs: Array<[string, string]> = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (line.trim() === '') continue;
    const at = line.indexOf('=');
    if (at < 0) return { ok: false, error: KEY_VALUE_FORM_ERROR, line: i + 1 };
    pairs.push([line.slice(0, at), line.slice(at + 1)]);
  }
  return { ok: true, pairs };
}

/** The rows the pairs write: the `default` store, UTF-8 values; a later pair for a key wins. */
export function keyValueSeedRows(pairs: ReadonlyArray<readonly [string, string]>): KvRow[] {
  const rows = new Map<string, KvRow>();
  for (const [key, value] of pairs) rows.set(key, { store: 'default', key, value: new TextEncoder().encode(value) });
  return [...rows.values()];
}
