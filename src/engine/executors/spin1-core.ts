/**
 * Runs Spin 1 core modules (wit-bindgen 0.2 ABI, not components), which `spin up` still serves by
 * adapting them at load time (docs/spin-behaviour.md §1, §6.2; docs/spin1-abi.md). As in Spin:
 * - a fresh instance per request;
 * - a method outside Spin 1's seven gets 405 with an empty body, and the guest is not called;
 * - a status below 100 or above 600, a trap, or a header Spin cannot insert gives 500, empty body;
 * - response headers are inserted one at a time, so for a repeated name the last value wins;
 * - a `none` body is sent empty.
 */
import { createWasiPreview1 } from '../../wasi/preview1';
import { lineSink } from '../../wasi/preview1-fs';
import { GuestMemory, type GuestExports, type HandlerExport } from './spin1-abi';
import { createSpin1Imports, SPIN1_IMPORT_MODULES, SPIN1_METHODS, type Spin1ImportContext } from './spin1-imports';

export type { Spin1ConfigResult, Spin1HttpError, Spin1OutboundRequest, Spin1OutboundResult } from './spin1-imports';

/** What a Spin 1 module needs from the engine: its host imports, files, environment and logs. */
export interface Spin1CoreContext extends Spin1ImportContext {
  /** The component's `files`, by absolute guest path; preopened read-only at `/`. */
  files: ReadonlyMap<string, Uint8Array>;
  /** The component's `environment`. */
  env: Readonly<Record<string, string>>;
  onStdout(line: string): void;
  onStderr(line: string): void;
}

/** The request as the HTTP trigger passes it: path and query as `uri`, spin-* headers included. */
export interface Spin1Request {
  method: string;
  uri: string;
  headers: Array<[string, string]>;
  body: Uint8Array;
}

/** The response to send; `failure` says why a 500 was produced, for the log. */
export interface Spin1HandlerResponse {
  status: number;
  headers: Array<[string, string]>;
  body: Uint8Array;
  failure?: string;
}

const COMPONENT_TYPE_HINT =
  'it has a component-type custom section: this is un-componentized wit-bindgen output. Run "wasm-tools component new" on it, or build it with a Spin SDK.';
const KNOWN_IMPORT_MODULES: ReadonlySet<string> = new Set([...SPIN1_IMPORT_MODULES, 'wasi_snapshot_preview1']);
// Spin 0.1 sent the Wagi-style names; its modules panic without PATH_INFO.
const SPIN01_HEADERS: ReadonlyArray<readonly [string, string]> = [
  ['spin-path-info', 'PATH_INFO'],
  ['spin-full-url', 'X_FULL_URL'],
  ['spin-matched-route', 'X_MATCHED_ROUTE'],
  ['spin-base-path', 'X_BASE_PATH'],
  ['spin-raw-component-route', 'X_RAW_COMPONENT_ROUTE'],
  ['spin-component-route', 'X_COMPONENT_ROUTE'],
];
const HEADER_NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const HEADER_VALUE = /^[\t\x20-\x7e]*$/;

/**
 * Whether a core module is a Spin 1 HTTP module, from its exports, imports and custom sections.
 * The JS API cannot list custom section names; pass the module's `bytes` to find every
 * `component-type*` section, otherwise only the usual names are checked.
 */
export function isSpin1CoreModule(module: WebAssembly.Module, bytes?: Uint8Array): { ok: true } | { ok: false; reason: string } {
  const sectionNames = bytes ? customSectionNames(bytes) : ['component-type', 'component-type:reactor'];
  if (sectionNames.some((name) => name.startsWith('component-type') && WebAssembly.Module.customSections(module, name).length > 0)) {
    return { ok: false, reason: COMPONENT_TYPE_HINT };
  }
  const exports = new Map(WebAssembly.Module.exports(module).map((e) => [e.name, e.kind]));
  const missing: string[] = [];
  if (exports.get('handle-http-request') !== 'function' && exports.get('handler') !== 'function') {
    const redis = exports.get('handle-redis-message') === 'function' ? ' (it exports handle-redis-message: a Redis trigger module)' : '';
    const command = exports.get('_start') === 'function' ? ' (it exports _start: a WASI command, not a Spin HTTP module)' : '';
    missing.push(`exports no handle-http-request (nor Spin 0.1's handler)${redis}${command}`);
  }
  if (exports.get('canonical_abi_realloc') !== 'function') missing.push('exports no canonical_abi_realloc');
  if (exports.get('memory') !== 'memory') missing.push('exports no memory');
  const unknown = WebAssembly.Module.imports(module)
    .filter((i) => !KNOWN_IMPORT_MODULES.has(i.module) || i.kind !== 'function')
    .map((i) => `${i.module}::${i.name}${i.kind === 'function' ? '' : ` (a ${i.kind})`}`);
  if (unknown.length > 0) missing.push(`imports what no Spin 1 host provides: ${unknown.join(', ')}`);
  if (missing.length > 0) return { ok: false, reason: `not a Spin 1 HTTP module: it ${missing.join('; it ')}` };
  return { ok: true };
}

/**
 * Prepares a Spin 1 core module to serve requests. Throws at load time if it is not one (an
 * unknown import is named as `module::name`).
 */
export function createSpin1CoreHandler(module: WebAssembly.Module, ctx: Spin1CoreContext) {
  const check = isSpin1CoreModule(module);
  if (!check.ok) throw new Error(check.reason);
  const exportNames = new Set(WebAssembly.Module.exports(module).map((e) => e.name));
  const entry: HandlerExport = exportNames.has('handle-http-request') ? 'handle-http-request' : 'handler';
  const declared = WebAssembly.Module.imports(module);
  const warned = new Set<string>();

  async function handle(request: Spin1Request): Promise<Spin1HandlerResponse> {
    const method = (SPIN1_METHODS as readonly string[]).indexOf(request.method);
    if (method < 0) return { status: 405, headers: [], body: new Uint8Array() };

    let guest: GuestExports | undefined;
    const exportsOf = () => {
      if (!guest) throw new Error('the guest called the host before its instance existed');
      return guest;
    };
    const memory = new GuestMemory(exportsOf);
    const wasi = createWasiPreview1({
      args: [],
      env: ctx.env,
      files: ctx.files,
      stdout: lineSink(ctx.onStdout),
      stderr: lineSink(ctx.onStderr),
      getMemory: () => exportsOf().memory,
      otherFunctions: 'enosys',
    });
    try {
      const imports = { ...createSpin1Imports(declared, ctx, memory), ...wasi.imports };
      const instance = await WebAssembly.instantiate(module, imports);
      guest = instance.exports as unknown as GuestExports;
      const call = instance.exports[entry] as (...args: number[]) => number;

      const headers = entry === 'handler' ? withSpin01Headers(request.headers) : request.headers;
      const [uriPtr, uriLen] = memory.writeString(request.uri);
      const [headersPtr, headersLen] = memory.writePairs(headers);
      const [paramsPtr, paramsLen] = memory.writePairs([]);
      const [bodyPtr, bodyLen] = memory.writeBytes(request.body);
      const ret = call(method, uriPtr, uriLen, headersPtr, headersLen, paramsPtr, paramsLen, 1, bodyPtr, bodyLen) >>> 0;
      return toHttpResponse(memory.readResponse(ret, entry));
    } catch (error) {
      return failed(`Error processing request: ${describeTrap(error)}`);
    } finally {
      wasi.finish();
      const fresh = wasi.unsupportedCalls.filter((name) => !warned.has(name));
      for (const name of fresh) warned.add(name);
      if (fresh.length > 0) {
        ctx.onWarning(`the guest called WASI functions the playground does not provide (they returned ENOSYS): ${fresh.join(', ')}`);
      }
    }
  }

  return { handle };
}

function toHttpResponse(response: { status: number; headers: Array<[string, string]> | undefined; body: Uint8Array | undefined }): Spin1HandlerResponse {
  if (response.status < 100 || response.status > 600) {
    return failed(`malformed HTTP status code ${response.status}`);
  }
  const headers = new Map<string, string>();
  for (const [name, value] of response.headers ?? []) {
    if (!HEADER_NAME.test(name)) return failed(`Error processing request: invalid HTTP header name ${JSON.stringify(name)}`);
    if (!HEADER_VALUE.test(value)) return failed(`Error processing request: invalid HTTP header value ${JSON.stringify(value)} for ${name}`);
    headers.set(name.toLowerCase(), value);
  }
  return { status: response.status, headers: [...headers], body: response.body ?? new Uint8Array() };
}

function withSpin01Headers(headers: Array<[string, string]>): Array<[string, string]> {
  const extra: Array<[string, string]> = [];
  for (const [spin, wagi] of SPIN01_HEADERS) {
    const value = headers.find(([name]) => name.toLowerCase() === spin)?.[1];
    if (value !== undefined && !headers.some(([name]) => name === wagi)) extra.push([wagi, value]);
  }
  return [...headers, ...extra];
}

function failed(reason: string): Spin1HandlerResponse {
  return { status: 500, headers: [], body: new Uint8Array(), failure: reason };
}

function describeTrap(error: unknown): string {
  if (error instanceof Error) return `${error.name === 'RuntimeError' ? 'wasm trap' : error.name}: ${error.message}`;
  return String(error);
}

/** Names of the custom sections in a core module's bytes. */
function customSectionNames(bytes: Uint8Array): string[] {
  const names: string[] = [];
  const leb = (at: { pos: number }) => {
    let result = 0;
    let shift = 0;
    for (;;) {
      const byte = bytes[at.pos++] ?? 0;
      result += (byte & 0x7f) * 2 ** shift;
      shift += 7;
      if (byte < 0x80 || at.pos >= bytes.byteLength) return result;
    }
  };
  const at = { pos: 8 };
  while (at.pos < bytes.byteLength) {
    const id = bytes[at.pos++];
    const size = leb(at);
    const end = at.pos + size;
    if (id === 0) {
      const length = leb(at);
      names.push(new TextDecoder().decode(bytes.subarray(at.pos, at.pos + length)));
    }
    at.pos = end;
  }
  return names;
}
