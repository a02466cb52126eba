/**
 * From a guest's response to what a browser `Response` can carry, with the transport headers
 * `spin up`'s HTTP server adds (`content-length`, `date`) and nothing else.
 */
import type { RequestTiming, WireResponse } from '../protocol/messages';

export interface PlainResponse {
  status: number;
  headers: Array<[string, string]>;
  /** Bytes, or a stream when the guest is still writing. */
  body: Uint8Array | ReadableStream<Uint8Array>;
}

/**
 * A `Response` may carry only 200-599; anything else is mapped as close as the browser allows:
 * 1xx (informational, never final over HTTP/1.1 to a browser) to 200, 600-999 to 599.
 */
export function browserStatus(status: number): number {
  if (status < 200) return 200;
  if (status > 599) return 599;
  return status;
}

/** Statuses whose responses cannot have a body in the fetch standard ("null body status"). */
export const NULL_BODY_STATUSES = new Set([101, 103, 204, 205, 304]);

export function toWireResponse(original: PlainResponse, started: number, timing: Partial<RequestTiming>, warn?: (message: string) => void): WireResponse {
  let response = original;
  const status = browserStatus(response.status);
  if (status !== response.status) {
    warn?.(`status ${response.status} cannot be delivered by a browser service worker; sent ${status} instead`);
  }
  if (NULL_BODY_STATUSES.has(status) && !(response.body instanceof ReadableStream) && response.body.byteLength > 0) {
    warn?.(`a ${status} response cannot carry a body in a browser; its ${response.body.byteLength} bytes were dropped`);
    response = { ...response, body: new Uint8Array() };
  }
  const headers = response.headers.slice();
  const has = (name: string) => headers.some(([n]) => n.toLowerCase() === name);
  const streamed = response.body instanceof ReadableStream;
  if (!has('content-length') && !has('transfer-encoding')) {
    headers.push(streamed ? ['transfer-encoding', 'chunked'] : ['content-length', String((response.body as Uint8Array).byteLength)]);
  }
  if (!has('date')) headers.push(['date', new Date().toUTCString()]);
  let body: ArrayBuffer | ReadableStream<Uint8Array> | null = null;
  if (response.body instanceof ReadableStream) body = response.body;
  else if (response.body.byteLength > 0)
    body = response.body.buffer.slice(response.body.byteOffset, response.body.byteOffset + response.body.byteLength) as ArrayBuffer;
  return {
    status,
    headers,
    body,
    timing: {
      routeMs: timing.routeMs ?? 0,
      instantiateMs: timing.instantiateMs ?? 0,
      ...(timing.instanceMs === undefined ? {} : { instanceMs: timing.instanceMs }),
      handlerMs: timing.handlerMs ?? 0,
      persistMs: timing.persistMs ?? 0,
      totalMs: performance.now() - started,
      ...(timing.handledBy ? { handledBy: timing.handledBy } : {}),
    },
  };
}
