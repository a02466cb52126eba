/**
 * Calls a `wasi:http/incoming-handler@0.2.x` export the way Spin does (docs/spin-behaviour.md §6.3):
 * - a trap, a return without `response-outparam.set`, or `set(err(...))` gives 500 with an empty
 *   body, and the reason goes to the log;
 * - once the response is set, its status and headers are fixed; body bytes follow as the guest
 *   writes them, and a trap after that only cuts the body short (logged).
 */
import { OutgoingResponse, host, type FieldEntry, type IncomingRequestInit, type ResponseResult } from '../../host/wasi-http';

export interface ResponseHead {
  status: number;
  headers: FieldEntry[];
  /** The body the guest writes to, or null if it never took one (an empty body). */
  body: BodySink | null;
}

/** Body bytes as the guest produces them: kept in `chunks` until the engine sets `onChunk`. */
export interface BodySink {
  readonly chunks: Uint8Array[];
  onChunk: ((chunk: Uint8Array) => void) | null;
}

export interface HandlerRun {
  /** Resolves when the guest sets its response (null if it set an error or never set one). */
  head: Promise<ResponseHead | null>;
  /** Resolves when the handler returns; `failure` says why the request failed, if it did. */
  done: Promise<{ failure?: string }>;
}

type IncomingHandler = { handle(request: unknown, outparam: unknown): Promise<void> | void };

export function findIncomingHandler(exports: Record<string, unknown>): IncomingHandler {
  for (const [name, value] of Object.entries(exports)) {
    if (name === 'incomingHandler' || /^wasi:http\/incoming-handler@0\.2\./.test(name)) return value as IncomingHandler;
  }
  throw new Error('the component instance has no wasi:http/incoming-handler export');
}

export function startIncomingHandler(handler: IncomingHandler, init: IncomingRequestInit): HandlerRun {
  let resolveHead!: (head: ResponseHead | null) => void;
  const head = new Promise<ResponseHead | null>((resolve) => (resolveHead = resolve));
  let result: ResponseResult | undefined;
  const outparam = host.responseOutparam((r) => {
    result = r;
    resolveHead(r.tag === 'ok' ? OutgoingResponse.snapshot(r.val) : null);
  });
  const request = host.incomingRequest(init);
  const done = (async () => {
    let trap: string | undefined;
    try {
      await handler.handle(request, outparam);
    } catch (error) {
      trap = describeTrap(error);
    }
    resolveHead(null); // no-op if already set
    if (!result) return { failure: `Error processing request: ${trap ?? 'guest failed to produce a response prior to returning'}` };
    if (result.tag === 'err') return { failure: `Error processing request: the guest set an error response: ${JSON.stringify(result.val, bigintSafe)}` };
    if (trap) return { failure: `Component error after response started; the body was cut short: ${trap}` };
    return {};
  })();
  return { head, done };
}

export function describeTrap(error: unknown): string {
  if (error instanceof Error) {
    // jco's p3 glue rewrites a trap's message into Wasmtime's words, which already say "wasm trap".
    if (error.name === 'RuntimeError' && error.message.startsWith('wasm trap: ')) return error.message;
    return `${error.name === 'RuntimeError' ? 'wasm trap' : error.name}: ${error.message}`;
  }
  return String(error);
}

export function bigintSafe(_key: string, value: unknown): unknown {
  return typeof value === 'bigint' ? value.toString() : value;
}
