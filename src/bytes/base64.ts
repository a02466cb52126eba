/**
 * The playground's one base64 codec (RFC 4648): the standard alphabet with `=` padding (key-value
 * JSON, `data:` URLs) and the URL-safe one without padding (share links, §5). Pure and
 * dependency-free, so it runs the same in Node tests, the page and the Workers. A leaf
 * (docs/architecture.md §4).
 */

const STANDARD = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const URL_SAFE = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

function lookup(alphabet: string): Int16Array {
  const table = new Int16Array(128).fill(-1);
  for (let i = 0; i < alphabet.length; i++) table[alphabet.charCodeAt(i)] = i;
  return table;
}
const STANDARD_LOOKUP = lookup(STANDARD);
const URL_SAFE_LOOKUP = lookup(URL_SAFE);

function encode(bytes: Uint8Array, alphabet: string, pad: boolean): string {
  const out: string[] = [];
  let i = 0;
  for (; i + 2 < bytes.length; i += 3) {
    const n = (bytes[i]! << 16) | (bytes[i + 1]! << 8) | bytes[i + 2]!;
    out.push(alphabet[n >> 18]! + alphabet[(n >> 12) & 63]! + alphabet[(n >> 6) & 63]! + alphabet[n & 63]!);
  }
  const rest = bytes.length - i;
  if (rest === 1) {
    const n = bytes[i]! << 16;
    out.push(alphabet[n >> 18]! + alphabet[(n >> 12) & 63]! + (pad ? '==' : ''));
  } else if (rest === 2) {
    const n = (bytes[i]! << 16) | (bytes[i + 1]! << 8);
    out.push(alphabet[n >> 18]! + alphabet[(n >> 12) & 63]! + alphabet[(n >> 6) & 63]! + (pad ? '=' : ''));
  }
  return out.join('');
}

function firstOutside(text: string, table: Int16Array): number {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 128 || table[c] === -1) return i;
  }
  return -1;
}

/** `text` (only alphabet characters) to bytes; trailing bits of a partial group are ignored. */
function decode(text: string, table: Int16Array, name: string): Uint8Array {
  const bad = firstOutside(text, table);
  if (bad >= 0) throw new Error(`character ${bad + 1} (${JSON.stringify(text[bad])}) is not ${name}`);
  if (text.length % 4 === 1) throw new Error(`a ${name} text cannot be ${text.length} characters long`);
  const out = new Uint8Array(Math.floor((text.length * 3) / 4));
  let o = 0;
  let i = 0;
  const at = (k: number) => table[text.charCodeAt(k)]!;
  for (; i + 3 < text.length; i += 4) {
    const n = (at(i) << 18) | (at(i + 1) << 12) | (at(i + 2) << 6) | at(i + 3);
    out[o++] = n >> 16;
    out[o++] = (n >> 8) & 255;
    out[o++] = n & 255;
  }
  const rest = text.length - i;
  if (rest >= 2) {
    const n = (at(i) << 18) | (at(i + 1) << 12) | (rest === 3 ? at(i + 2) << 6 : 0);
    out[o++] = n >> 16;
    if (rest === 3) out[o++] = (n >> 8) & 255;
  }
  return out.subarray(0, o);
}

/** Bytes → standard base64, `=`-padded. @example toBase64(new Uint8Array([0, 255])) // "AP8=" */
export function toBase64(bytes: Uint8Array): string {
  return encode(bytes, STANDARD, true);
}

/**
 * Standard base64 → bytes. White space is ignored and padding is optional (as `atob` reads it);
 * any other character outside the alphabet throws, naming its position.
 */
export function fromBase64(text: string): Uint8Array {
  const compact = text.replace(/\s+/g, '');
  const unpadded = compact.replace(/={1,2}$/, '');
  if (unpadded.length !== compact.length && compact.length % 4 !== 0) {
    throw new Error(`padded base64 must be a multiple of 4 characters long, not ${compact.length}`);
  }
  return decode(unpadded, STANDARD_LOOKUP, 'base64');
}

/** Bytes → base64url, no `=` padding. */
export function toBase64Url(bytes: Uint8Array): string {
  return encode(bytes, URL_SAFE, false);
}

/** Index of the first character that is not base64url, or -1. */
export function firstNonBase64Url(text: string): number {
  return firstOutside(text, URL_SAFE_LOOKUP);
}

/**
 * base64url (no padding) → bytes. Throws on a character outside the alphabet or a length that
 * no encoder produces (`4n + 1`); trailing bits of a partial group are ignored.
 */
export function fromBase64Url(text: string): Uint8Array {
  return decode(text, URL_SAFE_LOOKUP, 'base64url');
}
