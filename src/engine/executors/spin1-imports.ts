/**
 * The Spin 1 host imports a core module links against, in the wit-bindgen 0.2 ABI: each fallible
 * function gets a `ret` pointer last and the host writes `{tag u8 @0, payload @4 or @8}` there
 * (docs/spin1-abi.md, "Imports"). Key-value and config work. Outbound HTTP works only with an
 * `outboundHttp` sender, which must answer synchronously; the engine passes none (a core module's
 * import cannot wait for `fetch`), so there every request is `destination-not-allowed`. The other
 * Spin 1 interfaces answer an error that says they are not available here.
 */
import type { createKeyValueCore } from '../../host/key-value';
import type { GuestMemory } from './spin1-abi';

/** The seven methods of Spin 1's `http-types.method`, in enum order. */
export const SPIN1_METHODS = ['GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'HEAD', 'OPTIONS'] as const;

/** Spin 1's `http-error` cases other than `success`, in enum order from 1. */
export const SPIN1_HTTP_ERRORS = ['destination-not-allowed', 'invalid-url', 'request-error', 'runtime-error', 'too-many-requests'] as const;
/** An outbound HTTP failure, by its `http-error` case name. */
export type Spin1HttpError = (typeof SPIN1_HTTP_ERRORS)[number];

/** A request a guest sends through `wasi-outbound-http::request`. */
export interface Spin1OutboundRequest {
  method: (typeof SPIN1_METHODS)[number];
  uri: string;
  headers: Array<[string, string]>;
  body: Uint8Array | undefined;
}

/** What the host answers to `wasi-outbound-http::request`. */
export type Spin1OutboundResult = { status: number; headers?: Array<[string, string]>; body?: Uint8Array } | { error: Spin1HttpError };

/** `spin-config::get-config`'s `error` cases, in enum order. */
const CONFIG_ERRORS = ['provider', 'invalid-key', 'invalid-schema', 'other'] as const;
/** What the engine's config lookup answers for one key. */
export type Spin1ConfigResult = { ok: string } | { err: { kind: (typeof CONFIG_ERRORS)[number]; message: string } };

type KvCore = Pick<ReturnType<typeof createKeyValueCore>, 'open' | 'get' | 'set' | 'delete' | 'exists' | 'keys'>;

/** What the imports of one component need from the engine. */
export interface Spin1ImportContext {
  /** The component's key-value operations, permission checks included; they throw `KvCoreError`. */
  kv: KvCore;
  /** Resolves one of the component's config keys (Spin 1's `config` maps variables errors already). */
  config: (key: string) => Spin1ConfigResult;
  /** Sends an outbound request synchronously; without it every request is `destination-not-allowed`. */
  outboundHttp?: (request: Spin1OutboundRequest) => Spin1OutboundResult;
  onWarning(message: string): void;
  /** Called for every host call, for the trace view. */
  onHostCall?(call: string, outcome: string): void;
}

type ImportFn = (...args: number[]) => void;

/** The import modules a Spin 1 module may link against besides `wasi_snapshot_preview1`. */
export const SPIN1_IMPORT_MODULES = [
  'key-value',
  'spin-config',
  'wasi-outbound-http',
  'outbound-redis',
  'outbound-pg',
  'outbound-mysql',
  'sqlite',
  'llm',
] as const;

const KV_ERRORS = { 'store-table-full': 0, 'no-such-store': 1, 'access-denied': 2, 'invalid-store': 3, 'no-such-key': 4, io: 5 } as const;

/** A key-value error this adapter raises itself (the core has no such cases). */
class KvFailure extends Error {
  constructor(readonly kind: 'invalid-store' | 'no-such-key') {
    super(kind);
  }
}

/** The error case of a failed key-value call: `KvCoreError` carries `{ error: { kind } }`. */
function kvErrorKind(error: unknown): 'access-denied' | 'invalid-store' | 'no-such-key' | 'other' | undefined {
  if (error instanceof KvFailure) return error.kind;
  const kind = error instanceof Error ? (error as { error?: { kind?: unknown } }).error?.kind : undefined;
  return kind === 'access-denied' || kind === 'other' ? kind : undefined;
}

/**
 * Where the error of each unavailable function goes, and which case it is: `[payload offset,
 * error case, carries a string]`. The offset is 8 when the `ok` type is 8-byte aligned.
 */
const UNAVAILABLE: Record<string, Record<string, readonly [4 | 8, number, boolean]>> = {
  'outbound-redis': {
    publish: [4, 1, false],
    get: [4, 1, false],
    set: [4, 1, false],
    smembers: [4, 1, false],
    execute: [4, 1, false],
    incr: [8, 1, false],
    del: [8, 1, false],
    sadd: [8, 1, false],
    srem: [8, 1, false],
  },
  'outbound-pg': { query: [4, 5, true], execute: [8, 5, true] },
  'outbound-mysql': { query: [4, 5, true], execute: [4, 5, true] },
  sqlite: { open: [4, 4, true], execute: [4, 4, true] },
  llm: { infer: [4, 1, true], 'generate-embeddings': [4, 1, true] },
};

/** Builds the non-WASI import modules for one instance, one function per import the module declares. */
export function createSpin1Imports(declared: readonly WebAssembly.ModuleImportDescriptor[], ctx: Spin1ImportContext, memory: GuestMemory): WebAssembly.Imports {
  const stores = new Map<number, string>();
  let nextStore = 1;
  const trace = (call: string, outcome: string) => ctx.onHostCall?.(call, outcome);

  const ok = (ret: number, write?: (view: DataView) => void) => {
    const view = memory.view();
    view.setUint8(ret, 0);
    write?.(view);
  };
  const err = (ret: number, at: number, code: number, message?: string) => {
    const [ptr, len] = message === undefined ? [0, 0] : memory.writeString(message);
    const view = memory.view();
    view.setUint8(ret, 1);
    view.setUint8(ret + at, code);
    if (message !== undefined) {
      view.setUint32(ret + at + 4, ptr, true);
      view.setUint32(ret + at + 8, len, true);
    }
  };
  const kvCall = (name: string, ret: number, run: () => ((view: DataView) => void) | undefined) => {
    try {
      ok(ret, run());
      trace(`key-value::${name}`, 'ok');
    } catch (error) {
      const kind = kvErrorKind(error);
      // Anything else (a bad guest pointer, invalid UTF-8) is a trap, as in Spin.
      if (kind === undefined) throw error;
      if (kind === 'other') {
        const message = (error as Error).message;
        err(ret, 4, KV_ERRORS.io, message);
        trace(`key-value::${name}`, `err(io: ${message})`);
      } else {
        err(ret, 4, KV_ERRORS[kind]);
        trace(`key-value::${name}`, `err(${kind})`);
      }
    }
  };
  const store = (handle: number) => {
    const label = stores.get(handle);
    if (label === undefined) throw new KvFailure('invalid-store');
    return label;
  };
  const key = (ptr: number, len: number) => memory.readString(ptr, len);

  const keyValue: Record<string, ImportFn> = {
    open: (ptr, len, ret) =>
      kvCall('open', ret!, () => {
        const label = ctx.kv.open(memory.readString(ptr!, len!));
        const handle = nextStore++;
        stores.set(handle, label);
        return (view) => view.setUint32(ret! + 4, handle, true);
      }),
    get: (handle, ptr, len, ret) =>
      kvCall('get', ret!, () => {
        const value = ctx.kv.get(store(handle!), key(ptr!, len!));
        if (value === undefined) throw new KvFailure('no-such-key');
        const [vp, vl] = memory.writeBytes(value);
        return (view) => (view.setUint32(ret! + 4, vp, true), view.setUint32(ret! + 8, vl, true));
      }),
    set: (handle, ptr, len, valuePtr, valueLen, ret) =>
      kvCall('set', ret!, () => void ctx.kv.set(store(handle!), key(ptr!, len!), memory.readBytes(valuePtr!, valueLen!))),
    delete: (handle, ptr, len, ret) => kvCall('delete', ret!, () => void ctx.kv.delete(store(handle!), key(ptr!, len!))),
    exists: (handle, ptr, len, ret) =>
      kvCall('exists', ret!, () => {
        const found = ctx.kv.exists(store(handle!), key(ptr!, len!));
        return (view) => view.setUint8(ret! + 4, found ? 1 : 0);
      }),
    'get-keys': (handle, ret) =>
      kvCall('get-keys', ret!, () => {
        const [lp, ll] = memory.writeStringList(ctx.kv.keys(store(handle!)));
        return (view) => (view.setUint32(ret! + 4, lp, true), view.setUint32(ret! + 8, ll, true));
      }),
    close: (handle) => void stores.delete(handle!),
  };

  const spinConfig: Record<string, ImportFn> = {
    'get-config': (ptr, len, ret) => {
      const name = memory.readString(ptr!, len!);
      const result = ctx.config(name);
      if ('ok' in result) {
        const [sp, sl] = memory.writeString(result.ok);
        ok(ret!, (view) => (view.setUint32(ret! + 4, sp, true), view.setUint32(ret! + 8, sl, true)));
        trace(`spin-config::get-config(${JSON.stringify(name)})`, 'ok');
      } else {
        err(ret!, 4, CONFIG_ERRORS.indexOf(result.err.kind), result.err.message);
        trace(`spin-config::get-config(${JSON.stringify(name)})`, `err(${result.err.kind}: ${result.err.message})`);
      }
    },
  };

  const outboundHttp: Record<string, ImportFn> = {
    request: (method, uriPtr, uriLen, headersPtr, headersLen, _paramsPtr, _paramsLen, bodyTag, bodyPtr, bodyLen, ret) => {
      const methodName = SPIN1_METHODS[method!];
      if (methodName === undefined) throw new Error(`wasi-outbound-http::request: invalid method discriminant ${method}`);
      const request: Spin1OutboundRequest = {
        method: methodName,
        uri: memory.readString(uriPtr!, uriLen!),
        headers: memory.readPairs(headersPtr!, headersLen!),
        body: bodyTag ? memory.readBytes(bodyPtr!, bodyLen!) : undefined,
      };
      let result: Spin1OutboundResult;
      try {
        result = ctx.outboundHttp?.(request) ?? { error: 'destination-not-allowed' };
      } catch (error) {
        ctx.onWarning(`outbound HTTP to ${request.uri} failed: ${error instanceof Error ? error.message : String(error)}`);
        result = { error: 'runtime-error' };
      }
      trace(`wasi-outbound-http::request(${request.method} ${request.uri})`, 'error' in result ? `err(${result.error})` : `ok(${result.status})`);
      if ('error' in result) return err(ret!, 4, SPIN1_HTTP_ERRORS.indexOf(result.error) + 1 || 4);
      const headers = result.headers ? memory.writePairs(result.headers) : undefined;
      const body = result.body ? memory.writeBytes(result.body) : undefined;
      const status = result.status;
      ok(ret!, (view) => {
        view.setUint16(ret! + 4, status, true);
        view.setUint8(ret! + 8, headers ? 1 : 0);
        view.setUint32(ret! + 12, headers?.[0] ?? 0, true);
        view.setUint32(ret! + 16, headers?.[1] ?? 0, true);
        view.setUint8(ret! + 20, body ? 1 : 0);
        view.setUint32(ret! + 24, body?.[0] ?? 0, true);
        view.setUint32(ret! + 28, body?.[1] ?? 0, true);
      });
    },
  };

  const provided: Record<string, Record<string, ImportFn>> = {
    'key-value': keyValue,
    'spin-config': spinConfig,
    'wasi-outbound-http': outboundHttp,
  };
  const imports: WebAssembly.Imports = {};
  for (const { module, name } of declared) {
    if (module === 'wasi_snapshot_preview1') continue;
    const text = `${module}::${name} is not available in the browser playground`;
    const unavailable = UNAVAILABLE[module]?.[name];
    const fn: ImportFn =
      provided[module]?.[name] ??
      (unavailable
        ? (...args) => {
            ctx.onWarning(text);
            trace(`${module}::${name}`, `err(${text})`);
            err(args[args.length - 1]!, unavailable[0], unavailable[1], unavailable[2] ? text : undefined);
          }
        : () => {
            throw new Error(text);
          });
    (imports[module] ??= {})[name] = fn;
  }
  return imports;
}
