/**
 * Calls a Spin 1 component's `fermyon:spin/inbound-http` export the way Spin does
 * (docs/spin-behaviour.md §6.2, `crates/trigger-http/src/spin.rs`):
 * - methods outside the seven in the WIT enum get 405 with an empty body; the guest is not called;
 * - `uri` is the path and query; `params` is always empty; `body` is always `some(bytes)`;
 * - a status below 100 or above 600 gives 500 with an empty body;
 * - response headers are inserted one at a time, so for a repeated name the last value wins;
 * - a trap gives 500 with an empty body.
 */
export const SPIN1_METHODS = ['GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'HEAD', 'OPTIONS'] as const;

export interface Spin1Request {
  method: string;
  uri: string;
  headers: Array<[string, string]>;
  body: Uint8Array;
}

export interface Spin1Result {
  status: number;
  headers: Array<[string, string]>;
  body: Uint8Array;
  failure?: string;
}

type InboundHttp = { handleRequest(request: unknown): unknown };

export function findInboundHttp(exports: Record<string, unknown>): InboundHttp {
  const value = exports.inboundHttp ?? exports['fermyon:spin/inbound-http'];
  if (!value) throw new Error('the component instance has no fermyon:spin/inbound-http export');
  return value as InboundHttp;
}

/** Whether Spin 1 can pass this method to a guest at all. */
export function spin1Accepts(method: string): boolean {
  return (SPIN1_METHODS as readonly string[]).includes(method);
}

export async function runInboundHttp(handler: InboundHttp, request: Spin1Request): Promise<Spin1Result> {
  if (!spin1Accepts(request.method)) return { status: 405, headers: [], body: new Uint8Array() };
  let response: { status: number; headers?: Array<[string, string]>; body?: Uint8Array };
  try {
    response = (await handler.handleRequest({
      method: request.method.toLowerCase(),
      uri: request.uri,
      headers: request.headers,
      params: [],
      body: request.body,
    })) as typeof response;
  } catch (error) {
    const reason = error instanceof Error ? `${error.name === 'RuntimeError' ? 'wasm trap' : error.name}: ${error.message}` : String(error);
    return { status: 500, headers: [], body: new Uint8Array(), failure: `Error processing request: ${reason}` };
  }
  if (response.status < 100 || response.status > 600) {
    return {
      status: 500,
      headers: [],
      body: new Uint8Array(),
      failure: `Error processing request: the component returned status ${response.status}, outside 100-600`,
    };
  }
  const headers = new Map<string, [string, string]>();
  for (const [name, value] of response.headers ?? []) headers.set(name.toLowerCase(), [name.toLowerCase(), value]);
  return { status: response.status, headers: [...headers.values()], body: response.body ?? new Uint8Array() };
}
