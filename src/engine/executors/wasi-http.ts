/**
 * Calls a `wasi:http/incoming-handler@0.2.x` export the way Spin does (spin-host-reference §6.3):
 * - a trap, a return without `response-outparam.set`, or `set(err(...))` before the response
 *   started gives 500 with an empty body, and the reason goes to the log;
 * - a trap after the response started keeps the status, headers and the bytes written so far
 *   (Spin cuts the body short), and logs the error.
 */
import {
  OutgoingResponse,
  host,
  type FieldEntry,
  type IncomingRequestInit,
  type ResponseResult,
} from '../../host/wasi-http';

export interface GuestResponse {
  status: number;
  headers: FieldEntry[];
  body: Uint8Array;
  /** Why the guest failed, when it did; the engine logs it. */
  failure?: string;
}

type IncomingHandler = { handle(request: unknown, outparam: unknown): Promise<void> | void };

export function findIncomingHandler(exports: Record<string, unknown>): IncomingHandler {
  for (const [name, value] of Object.entries(exports)) {
    if (name === 'incomingHandler' || /^wasi:http\/incoming-handler@0\.2\./.test(name)) return value as IncomingHandler;
  }
  throw new Error('the component instance has no wasi:http/incoming-handler export');
}

export async function runIncomingHandler(handler: IncomingHandler, init: IncomingRequestInit): Promise<GuestResponse> {
  let result: ResponseResult | undefined;
  const outparam = host.responseOutparam((r) => (result = r));
  const request = host.incomingRequest(init);
  let trap: string | undefined;
  try {
    await handler.handle(request, outparam);
  } catch (error) {
    trap = describeTrap(error);
  }
  if (!result) {
    return failed(trap ?? 'guest failed to produce a response prior to returning');
  }
  if (result.tag === 'err') {
    return failed(`the guest set an error response: ${JSON.stringify(result.val, bigintSafe)}`);
  }
  const { status, headers, body } = OutgoingResponse.snapshot(result.val);
  const bytes = concat(body?.chunks ?? []);
  if (trap) {
    return { status, headers, body: bytes, failure: `Component error after response started; the body was cut short: ${trap}` };
  }
  return { status, headers, body: bytes };
}

function failed(reason: string): GuestResponse {
  return { status: 500, headers: [], body: new Uint8Array(), failure: `Error processing request: ${reason}` };
}

function describeTrap(error: unknown): string {
  if (error instanceof Error) return `${error.name === 'RuntimeError' ? 'wasm trap' : error.name}: ${error.message}`;
  return String(error);
}

function bigintSafe(_key: string, value: unknown): unknown {
  return typeof value === 'bigint' ? value.toString() : value;
}

function concat(chunks: Uint8Array[]): Uint8Array {
  if (chunks.length === 1) return chunks[0]!;
  const total = chunks.reduce((sum, c) => sum + c.byteLength, 0);
  const out = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return out;
}
