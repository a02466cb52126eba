/**
 * Share link format v1: the JSON document inside the link (README "Share link format").
 * `writeV1` builds it from the playground's state, leaving out what equals the defaults;
 * `readV1` validates an untrusted one field by field and keeps every field that passes.
 *
 * Maps are written as arrays of pairs, never as JSON objects keyed by user data, so a key such
 * as `__proto__` is just a string and never reaches an object's prototype.
 */
import { parseManifest } from '../manifest/parse';
import { fromBase64Url, toBase64Url } from '../bytes/base64';
import { formatBytes } from '../bytes/size';
import { strictUtf8, utf8 } from './bytes';
import * as L from './limits';
import {
  DEFAULT_REQUEST,
  type EncodeResult,
  type KvRow,
  type ShareBase,
  type ShareDefaults,
  type SharedFile,
  type ShareFile,
  type SharedState,
  type ShareRequest,
  type ShareState,
} from './types';

/** The v1 document as JSON, members in this order (a truncated link keeps the first ones). */
export interface V1Document {
  base: { example: string } | { app: string } | Record<string, never>;
  req?: Partial<ShareRequest>;
  file?: string;
  vars?: Array<[string, string]>;
  manifest?: string;
  kv?: Array<[string, string, string | { b64: string }]>;
  files?: Array<[string, { url: string; digest: string } | { b64: string }]>;
}

const FIELDS = ['base', 'req', 'file', 'vars', 'manifest', 'kv', 'files'] as const;

// ---------------------------------------------------------------------------------------------
// Writing

type WriteFailure = Extract<EncodeResult, { ok: false }>;

/** The v1 document for `state`, or why it cannot be shared by link. */
export function writeV1(state: ShareState, defaults: ShareDefaults): { ok: true; doc: V1Document; notes: string[] } | WriteFailure {
  const notes: string[] = [];
  const doc: V1Document = { base: writeBase(state.base) };

  const req = requestDiff(state.request);
  if (req) doc.req = req;
  if (state.selectedFile !== undefined) doc.file = state.selectedFile;

  const vars = shareableVariables(state.manifest, state.variables, notes);
  if (vars.length > 0) doc.vars = vars;

  if (state.base.kind === 'none' || defaults.manifest === undefined || state.manifest !== defaults.manifest) {
    const bytes = utf8(state.manifest).byteLength;
    if (bytes > L.MAX_SHARE_MANIFEST_BYTES)
      return {
        ok: false,
        reason: 'too-large',
        error: `spin.toml is ${formatBytes(bytes)}; a link carries at most ${formatBytes(L.MAX_SHARE_MANIFEST_BYTES)}. Download a bundle file instead.`,
      };
    doc.manifest = state.manifest;
  }

  if (state.kv.length > 0) {
    const bytes = kvBytes(state.kv);
    if (bytes > L.SHARE_KV_LIMIT_BYTES || state.kv.length > L.MAX_SHARE_KV_ENTRIES) {
      const what =
        state.kv.length > L.MAX_SHARE_KV_ENTRIES
          ? `${state.kv.length} entries (at most ${L.MAX_SHARE_KV_ENTRIES})`
          : `${formatBytes(bytes)} (at most ${formatBytes(L.SHARE_KV_LIMIT_BYTES)})`;
      return {
        ok: false,
        reason: 'kv-too-large',
        bytes,
        limit: L.SHARE_KV_LIMIT_BYTES,
        error: `The key-value data is ${what}, too much for a link. Share without it, or download a bundle file.`,
      };
    }
    doc.kv = [...state.kv].sort(byStoreAndKey).map(({ store, key, value }) => [store, key, writeBytes(value)]);
  }

  const files = writeFiles(state.files);
  if (!files.ok) return files;
  if (files.list.length > 0) doc.files = files.list;

  // The encoder's output must be something the decoder accepts: check it with the same rules.
  const check = readV1(JSON.parse(JSON.stringify(doc)));
  if (check.problems.length > 0) return { ok: false, reason: 'invalid', error: `This state cannot be shared by link: ${check.problems.join('; ')}` };
  return { ok: true, doc, notes };
}

function writeBase(base: ShareBase): V1Document['base'] {
  if (base.kind === 'example') return { example: base.name };
  if (base.kind === 'url') return { app: base.manifestUrl };
  return {};
}

/** Only the request members that differ from `DEFAULT_REQUEST`. */
function requestDiff(request: ShareRequest): Partial<ShareRequest> | undefined {
  const diff: Partial<ShareRequest> = {};
  if (request.method !== DEFAULT_REQUEST.method) diff.method = request.method;
  if (request.path !== DEFAULT_REQUEST.path) diff.path = request.path;
  if (request.headers.length > 0) diff.headers = request.headers.map(([n, v]) => [n, v]);
  if (request.body !== DEFAULT_REQUEST.body) diff.body = request.body;
  if (request.bodyType !== DEFAULT_REQUEST.bodyType) diff.bodyType = request.bodyType;
  return Object.keys(diff).length > 0 ? diff : undefined;
}

/**
 * The variable values that may go in a link: those the manifest declares in `[variables]` and
 * does not mark `secret`. Everything else is left out with a note, and if the manifest does not
 * parse, nothing can be known to be non-secret, so every value is left out.
 */
function shareableVariables(manifest: string, values: Record<string, string>, notes: string[]): Array<[string, string]> {
  const names = Object.keys(values).sort();
  if (names.length === 0) return [];
  const parsed = parseManifest(manifest);
  if (!parsed.ok) {
    notes.push('Variable values were left out: spin.toml has errors, so it cannot tell which ones are secret.');
    return [];
  }
  const out: Array<[string, string]> = [];
  for (const name of names) {
    const declared = Object.hasOwn(parsed.app.variables, name) ? parsed.app.variables[name] : undefined;
    if (!declared) notes.push(`Variable ${name} was left out: spin.toml does not declare it.`);
    else if (declared.secret) notes.push(`Variable ${name} was left out: it is secret, and secrets never go in a link.`);
    else out.push([name, values[name]!]);
  }
  return out;
}

function writeFiles(files: Record<string, ShareFile>): { ok: true; list: NonNullable<V1Document['files']> } | WriteFailure {
  const paths = Object.keys(files).sort();
  if (paths.length > L.MAX_SHARE_FILES)
    return {
      ok: false,
      reason: 'too-large',
      error: `The app has ${paths.length} files of its own; a link names at most ${L.MAX_SHARE_FILES}. Download a bundle file instead.`,
    };
  const list: NonNullable<V1Document['files']> = [];
  // Inline the smallest local files first, so as many as possible fit.
  const local = paths.flatMap((path) => {
    const file = files[path]!;
    return file.kind === 'local' ? [{ path, bytes: file.bytes }] : [];
  });
  local.sort((a, b) => a.bytes.byteLength - b.bytes.byteLength || compare(a.path, b.path));
  const inlined = new Set<string>();
  let total = 0;
  const tooBig: string[] = [];
  for (const { path, bytes } of local) {
    if (bytes.byteLength <= L.SHARE_INLINE_FILE_LIMIT && total + bytes.byteLength <= L.MAX_SHARE_INLINE_TOTAL) {
      inlined.add(path);
      total += bytes.byteLength;
    } else tooBig.push(path);
  }
  if (tooBig.length > 0) {
    tooBig.sort(compare);
    const names = tooBig.join(', ');
    return {
      ok: false,
      reason: 'local-files',
      files: tooBig,
      error:
        `${names} ${tooBig.length === 1 ? 'exists' : 'exist'} only in this browser and ${tooBig.length === 1 ? 'is' : 'are'} too big to put ` +
        `in a link (files up to ${formatBytes(L.SHARE_INLINE_FILE_LIMIT)} each, ${formatBytes(L.MAX_SHARE_INLINE_TOTAL)} in all). Host ` +
        `${tooBig.length === 1 ? 'it' : 'them'} and give the URL, or download a bundle file.`,
    };
  }
  for (const path of paths) {
    const file = files[path]!;
    if (file.kind === 'url') list.push([path, { url: file.url, digest: file.digest.toLowerCase() }]);
    else list.push([path, { b64: toBase64Url(file.bytes) }]);
  }
  return { ok: true, list };
}

function writeBytes(value: Uint8Array): string | { b64: string } {
  const text = strictUtf8(value);
  return text !== undefined ? text : { b64: toBase64Url(value) };
}

/** Bytes the key-value seed counts against `SHARE_KV_LIMIT_BYTES`. */
export function kvBytes(rows: readonly KvRow[]): number {
  let total = 0;
  for (const row of rows) total += utf8(row.store).byteLength + utf8(row.key).byteLength + row.value.byteLength;
  return total;
}

// ---------------------------------------------------------------------------------------------
// Reading

/**
 * Validates a parsed v1 document. Every field is checked on its own: one that fails is left out
 * of `state` and described in `problems`, so a damaged link still yields what is intact.
 */
export function readV1(
  doc: unknown,
  extraFields: { version: number; names: readonly string[] } = { version: 1, names: [] },
): { state: Partial<SharedState>; problems: string[] } {
  const problems: string[] = [];
  const state: Partial<SharedState> = {};
  if (!isObject(doc)) return { state, problems: ['the link does not hold a JSON object'] };
  const known = [...FIELDS, ...extraFields.names];
  for (const key of Object.keys(doc)) if (!known.includes(key)) problems.push(`${clip(key)} is not a field of a v${extraFields.version} link`);

  const field = <T>(name: (typeof FIELDS)[number], read: (value: unknown, problems: string[]) => T | undefined): T | undefined => {
    if (!Object.hasOwn(doc, name)) return undefined;
    const own: string[] = [];
    const value = read(doc[name], own);
    problems.push(...own.map((p) => `${name}: ${p}`));
    return value;
  };

  if (!Object.hasOwn(doc, 'base')) problems.push('base: missing');
  const base = field('base', readBase);
  if (base) state.base = base;
  const request = field('req', readRequest);
  if (request) state.request = request;
  // The Files panel names a `{ url, digest }` source by its URL.
  const file = field('file', (value, p) =>
    value === 'spin.toml' ? value : typeof value === 'string' && /^https?:/i.test(value) ? readUrl(value, p) : readPath(value, p),
  );
  if (file !== undefined) state.selectedFile = file;
  const variables = field('vars', readVariables);
  if (variables) state.variables = variables;
  const manifest = field('manifest', (value, p) => {
    if (typeof value !== 'string') return void p.push('not a string');
    if (utf8(value).byteLength > L.MAX_SHARE_MANIFEST_BYTES) return void p.push(`over ${formatBytes(L.MAX_SHARE_MANIFEST_BYTES)}`);
    return value;
  });
  if (manifest !== undefined) state.manifest = manifest;
  const kv = field('kv', readKv);
  if (kv) state.kv = kv;
  const files = field('files', readFiles);
  if (files) state.files = files;
  return { state, problems };
}

function readBase(value: unknown, problems: string[]): ShareBase | undefined {
  if (!isObject(value)) return void problems.push('not an object');
  const keys = Object.keys(value);
  if (keys.length === 0) return { kind: 'none' };
  if (keys.length !== 1) return void problems.push('names more than one app');
  if (keys[0] === 'example') {
    const name = value.example;
    if (typeof name !== 'string' || !/^[a-z0-9][a-z0-9-]{0,62}$/.test(name))
      return void problems.push('the example name must be lowercase letters, digits and dashes');
    return { kind: 'example', name };
  }
  if (keys[0] === 'app') {
    const url = readUrl(value.app, problems);
    return url === undefined ? undefined : { kind: 'url', manifestUrl: url };
  }
  return void problems.push(`unknown app kind ${clip(keys[0]!)}`);
}

function readRequest(value: unknown, problems: string[]): Partial<ShareRequest> | undefined {
  if (!isObject(value)) return void problems.push('not an object');
  const out: Partial<ShareRequest> = {};
  for (const key of Object.keys(value)) {
    const v = value[key];
    switch (key) {
      case 'method':
        if (typeof v === 'string' && /^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,32}$/.test(v)) out.method = v;
        else problems.push('method is not an HTTP method token');
        break;
      case 'path':
        if (typeof v === 'string' && v.startsWith('/') && v.length <= L.MAX_SHARE_PATH_LENGTH && !hasControl(v)) out.path = v;
        else problems.push('path must start with "/" and have no control characters');
        break;
      case 'headers': {
        const headers = readPairs(v, problems, 'headers', L.MAX_SHARE_HEADERS, (name, val) =>
          /^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,256}$/.test(name) && val.length <= L.MAX_SHARE_HEADER_LENGTH && !/[\0\r\n]/.test(val)
            ? undefined
            : `header ${clip(name)} is not a valid header`,
        );
        if (headers) out.headers = headers;
        break;
      }
      case 'body':
        if (typeof v === 'string' && v.length <= L.MAX_SHARE_BODY_LENGTH) out.body = v;
        else problems.push(`body must be text of at most ${L.MAX_SHARE_BODY_LENGTH} characters`);
        break;
      case 'bodyType':
        if (v === 'text' || v === 'json') out.bodyType = v;
        else problems.push('bodyType must be "text" or "json"');
        break;
      default:
        problems.push(`${clip(key)} is not a request field`);
    }
  }
  return out;
}

function readVariables(value: unknown, problems: string[]): Record<string, string> | undefined {
  const pairs = readPairs(value, problems, 'variables', L.MAX_SHARE_VARIABLES, (name, val) =>
    !isVariableName(name)
      ? `${clip(name)} is not a Spin variable name`
      : val.length > L.MAX_SHARE_VARIABLE_LENGTH
        ? `the value of ${name} is too long`
        : undefined,
  );
  return pairs ? Object.fromEntries(pairs) : undefined;
}

/** `[[string, string], …]` with each pair checked; bad pairs are skipped and reported. */
function readPairs(
  value: unknown,
  problems: string[],
  what: string,
  max: number,
  check: (a: string, b: string) => string | undefined,
): Array<[string, string]> | undefined {
  if (!Array.isArray(value)) return void problems.push('not a list');
  if (value.length > max) return void problems.push(`more than ${max} ${what}`);
  const out: Array<[string, string]> = [];
  for (const pair of value) {
    if (!Array.isArray(pair) || pair.length !== 2 || typeof pair[0] !== 'string' || typeof pair[1] !== 'string') {
      problems.push(`an entry of ${what} is not a pair of strings`);
      continue;
    }
    const problem = check(pair[0], pair[1]);
    if (problem) problems.push(problem);
    else out.push([pair[0], pair[1]]);
  }
  return out;
}

function readKv(value: unknown, problems: string[]): KvRow[] | undefined {
  if (!Array.isArray(value)) return void problems.push('not a list');
  if (value.length > L.MAX_SHARE_KV_ENTRIES) return void problems.push(`more than ${L.MAX_SHARE_KV_ENTRIES} entries`);
  const rows: KvRow[] = [];
  const seen = new Set<string>();
  for (const entry of value) {
    if (!Array.isArray(entry) || entry.length !== 3 || typeof entry[0] !== 'string' || typeof entry[1] !== 'string') {
      problems.push('an entry is not [store, key, value]');
      continue;
    }
    const [store, key] = entry as [string, string, unknown];
    if (store === '' || store.length > L.MAX_SHARE_NAME_LENGTH || key.length > L.MAX_SHARE_NAME_LENGTH) {
      problems.push(`the store or key of an entry is empty or too long`);
      continue;
    }
    const bytes = readBytes(entry[2], problems, `the value of ${clip(key)}`);
    if (!bytes) continue;
    const id = JSON.stringify([store, key]);
    if (seen.has(id)) {
      problems.push(`key ${clip(key)} of store ${clip(store)} appears twice`);
      continue;
    }
    seen.add(id);
    rows.push({ store, key, value: bytes });
  }
  if (kvBytes(rows) > L.SHARE_KV_LIMIT_BYTES) return void problems.push(`over ${formatBytes(L.SHARE_KV_LIMIT_BYTES)}`);
  return rows;
}

function readFiles(value: unknown, problems: string[]): Record<string, SharedFile> | undefined {
  if (!Array.isArray(value)) return void problems.push('not a list');
  if (value.length > L.MAX_SHARE_FILES) return void problems.push(`more than ${L.MAX_SHARE_FILES} files`);
  const out: Array<[string, SharedFile]> = [];
  let inlineTotal = 0;
  for (const entry of value) {
    if (!Array.isArray(entry) || entry.length !== 2) {
      problems.push('an entry is not [path, file]');
      continue;
    }
    const own: string[] = [];
    const path = readPath(entry[0], own);
    const ref = entry[1];
    if (path === undefined || !isObject(ref)) {
      problems.push(...(own.length ? own : ['an entry is not [path, file]']));
      continue;
    }
    if (out.some(([p]) => p === path)) {
      problems.push(`${path} appears twice`);
      continue;
    }
    const keys = Object.keys(ref).sort().join(',');
    if (keys === 'digest,url') {
      const url = readUrl(ref.url, own);
      const digest = typeof ref.digest === 'string' && /^sha256:[0-9a-fA-F]{64}$/.test(ref.digest) ? ref.digest.toLowerCase() : undefined;
      if (!digest) own.push(`the digest of ${path} is not "sha256:" and 64 hex digits`);
      if (url === undefined || !digest) {
        problems.push(...own);
        continue;
      }
      out.push([path, { kind: 'url', url, digest }]);
    } else if (keys === 'b64') {
      const bytes = readBytes(ref, problems, path);
      if (!bytes) continue;
      if (bytes.byteLength > L.SHARE_INLINE_FILE_LIMIT) {
        problems.push(`${path} is over ${formatBytes(L.SHARE_INLINE_FILE_LIMIT)}, more than a link may inline`);
        continue;
      }
      inlineTotal += bytes.byteLength;
      out.push([path, { kind: 'inline', bytes }]);
    } else problems.push(`${path} is neither { url, digest } nor { b64 }`);
  }
  if (inlineTotal > L.MAX_SHARE_INLINE_TOTAL) return void problems.push(`the inlined files are over ${formatBytes(L.MAX_SHARE_INLINE_TOTAL)} in all`);
  return Object.fromEntries(out);
}

function readBytes(value: unknown, problems: string[], what: string): Uint8Array | undefined {
  if (typeof value === 'string') return utf8(value);
  if (isObject(value) && Object.keys(value).length === 1 && typeof value.b64 === 'string') {
    try {
      return fromBase64Url(value.b64);
    } catch (error) {
      return void problems.push(`${what}: ${(error as Error).message}`);
    }
  }
  return void problems.push(`${what} is neither text nor { b64 }`);
}

/** An absolute http(s) URL without credentials. */
function readUrl(value: unknown, problems: string[]): string | undefined {
  if (typeof value !== 'string' || value.length > L.MAX_SHARE_URL_LENGTH) return void problems.push('not a URL');
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return void problems.push(`${clip(value)} is not an absolute URL`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return void problems.push(`${clip(value)}: only http and https URLs are allowed`);
  if (url.username || url.password) return void problems.push(`${clip(value)}: URLs with a user name or password are not allowed`);
  return value;
}

/** A path relative to the manifest's folder that stays inside it. */
function readPath(value: unknown, problems: string[]): string | undefined {
  if (typeof value !== 'string' || value === '' || value.length > L.MAX_SHARE_NAME_LENGTH) return void problems.push('a file path is empty or too long');
  const segments = value.split('/');
  if (
    value.startsWith('/') ||
    value.includes('\\') ||
    hasControl(value) ||
    /^[A-Za-z][A-Za-z0-9+.-]*:/.test(value) ||
    segments.some((s) => s === '' || s === '.' || s === '..')
  ) {
    return void problems.push(`${clip(value)} is not a relative path inside the app's folder`);
  }
  return value;
}

/** Spin's variable name rule (`crates/expressions`): `a-z`, `0-9`, `_`; a letter first; no `__`; no `_` last. */
export function isVariableName(name: string): boolean {
  return /^[a-z][a-z0-9_]*$/.test(name) && !name.includes('__') && !name.endsWith('_') && name.length <= 256;
}

export const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
export const hasControl = (text: string) => /[\u0000-\u001f\u007f]/.test(text);
export const clip = (text: string) => JSON.stringify(text.length > 40 ? `${text.slice(0, 40)}…` : text);

/** Byte-wise (UTF-8) order, SQLite's order for TEXT keys; the same state always gives the same link. */
function compare(a: string, b: string): number {
  const x = utf8(a);
  const y = utf8(b);
  const n = Math.min(x.length, y.length);
  for (let i = 0; i < n; i++) if (x[i] !== y[i]) return x[i]! - y[i]!;
  return x.length - y.length;
}
const byStoreAndKey = (a: KvRow, b: KvRow) => compare(a.store, b.store) || compare(a.key, b.key);
