/**
 * Spin's identifier rules (`crates/serde/src/id.rs`): an id is one or more words joined by a
 * delimiter; each word starts with an ASCII letter, continues with ASCII alphanumerics and is
 * all-lowercase or all-UPPERCASE. The reasons returned are Spin's exact texts, so a playground
 * user sees what `spin up` would print.
 */

/** Rust's `{:?}` for a `char`: `'1'`, `'+'`, `'\''`. */
export function rustDebugChar(ch: string): string {
  return `'${escapeForDebug(ch, "'")}'`;
}

/** Rust's `{:?}` for a `str`: `"Ab"`, `"a\"b"`. */
export function rustDebugStr(s: string): string {
  return `"${escapeForDebug(s, '"')}"`;
}

function escapeForDebug(s: string, quote: string): string {
  let out = '';
  for (const ch of s) {
    const code = ch.codePointAt(0) ?? 0;
    if (ch === quote || ch === '\\') out += `\\${ch}`;
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (ch === '\0') out += '\\0';
    else if (code < 0x20 || code === 0x7f) out += `\\u{${code.toString(16)}}`;
    else out += ch;
  }
  return out;
}

const isAsciiLetter = (ch: string) => /^[A-Za-z]$/.test(ch);
const isAsciiDigit = (ch: string) => /^[0-9]$/.test(ch);
const isAsciiUpper = (ch: string) => /^[A-Z]$/.test(ch);

/**
 * Why `id` is not a valid Spin `Id<delim, lower>`, or `undefined` when it is.
 *
 * @example idError('bad_id', '-', false) // "words must be separated with '-', not '_'"
 * @example idError('Ab-c', '-', false)   // `'-'-separated words must be all lowercase or all UPPERCASE; got "Ab"`
 */
export function idError(id: string, delim: '-' | '_', lower: boolean): string | undefined {
  if (id === '') return 'empty';
  const wrong = delim === '-' ? '_' : '-';
  if (id.includes(wrong)) {
    return `words must be separated with ${rustDebugChar(delim)}, not ${rustDebugChar(wrong)}`;
  }
  const d = rustDebugChar(delim);
  for (const word of id.split(delim)) {
    const chars = [...word];
    const first = chars[0];
    if (first === undefined) return `${d}-separated words must not be empty`;
    if (!isAsciiLetter(first)) {
      return `${d}-separated words must start with an ASCII letter; got ${rustDebugChar(first)}`;
    }
    const wordIsUpper = isAsciiUpper(first);
    for (const ch of chars.slice(1)) {
      if (isAsciiDigit(ch)) continue;
      if (!isAsciiLetter(ch)) {
        return `${d}-separated words may only contain alphanumeric ASCII; got ${rustDebugChar(ch)}`;
      }
      if (isAsciiUpper(ch) !== wordIsUpper) {
        return `${d}-separated words must be all lowercase or all UPPERCASE; got ${rustDebugStr(word)}`;
      }
    }
    if (lower && wordIsUpper) {
      return `Lower-case identifiers must be all lowercase; got ${rustDebugStr(id)}`;
    }
  }
  return undefined;
}

/** Component ids (`KebabId`): `my-component`. */
export const kebabIdError = (id: string) => idError(id, '-', false);

/** Variable names (`LowerSnakeId`): `api_key`. */
export const lowerSnakeIdError = (id: string) => idError(id, '_', true);

/**
 * Key-value store and SQLite database labels may be kebab-case or snake_case
 * (`kebab_or_snake_case` in `crates/manifest/src/schema/v2.rs`).
 */
export function isKebabOrSnake(label: string): boolean {
  return idError(label, '-', false) === undefined || idError(label, '_', false) === undefined;
}
