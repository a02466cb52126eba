/**
 * The key-value explorer's JSON format for import and export: one object per store, key to value.
 * A value that is UTF-8 text is a string; any other bytes are `{ "base64": "…" }`. On import, any
 * other JSON value (number, object, array) is stored as its JSON text.
 *
 * @example { "count": "3", "user:1": "{\"name\":\"Ada\"}", "blob": { "base64": "AAEC" } }
 */
import { fromBase64, toBase64 } from '../bytes/base64';
import { utf8OrNull } from './format';
import { setOwn } from '../protocol/own-keys';

export function exportJson(entries: Array<[string, ArrayBuffer]>): string {
  const out: Record<string, string | { base64: string }> = {};
  for (const [key, value] of entries) {
    const bytes = new Uint8Array(value);
    const text = utf8OrNull(bytes);
    setOwn(out, key, text !== null ? text : { base64: toBase64(bytes) });
  }
  return JSON.stringify(out, null, 2);
}

export class ImportError extends Error {}

export function importJson(text: string): Array<[string, ArrayBuffer]> {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new ImportError(`not JSON: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) throw new ImportError('expected a JSON object mapping each key to its value');
  const encoder = new TextEncoder();
  return Object.entries(data as Record<string, unknown>).map(([key, value]): [string, ArrayBuffer] => {
    if (typeof value === 'string') return [key, encoder.encode(value).buffer as ArrayBuffer];
    if (isBase64Value(value)) return [key, fromBase64(value.base64).buffer as ArrayBuffer];
    return [key, encoder.encode(JSON.stringify(value)).buffer as ArrayBuffer];
  });
}

function isBase64Value(value: unknown): value is { base64: string } {
  return typeof value === 'object' && value !== null && Object.keys(value).length === 1 && typeof (value as { base64?: unknown }).base64 === 'string';
}
