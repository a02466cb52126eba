/**
 * `wasi:http/client@0.3` (WASI 0.3, Spin 4): `send: async func(request) -> result<response,
 * error-code>`. The destination rules are the 0.2 path's, from the same code: `outbound-url.ts`
 * decides where a request goes (allowed_outbound_hosts, `http://self`, `*.spin.internal`), a
 * refusal is logged and answered with Spin's error code (`refuse`), network requests use
 * `OUTBOUND_FETCH_OPTIONS` and a redirect is an error, never followed (docs/spin4.md).
 *
 * Bodies: the guest's request body is read from its stream as it writes it and sent when it ends
 * (a browser `fetch` cannot stream a request body over HTTP/1.1, and in-process requests take
 * whole bodies); a network response's body streams back to the guest chunk by chunk as it arrives,
 * and its trailers future settles after the last chunk (`err` if the body broke off).
 */
import { isRedirect, OUTBOUND_FETCH_OPTIONS, OutboundRefusal, redirectMessage, resolveOutboundRequest, type OutboundTarget } from './outbound-url';
import { refuse, type InternalResponse, type OutboundHttpContext } from './outbound-http';
import { chunksOf, Response, Request, type OutgoingParts, type Outcome } from './wasi-http-p3';
import type { FieldEntry } from './wasi-http';
import { concatBytes } from '../bytes/concat';

type Bytes = Uint8Array;

const decoder = new TextDecoder();
const encoder = new TextEncoder();

/** The `error-code` for a request that failed on the way (p2 gives the same `internal-error`). */
const internalError = (message: string) => ({ tag: 'internal-error', val: message });

export function createHttpClientP3(ctx: OutboundHttpContext) {
  return {
    async send(request: Request): Promise<Response> {
      const out = Request.outgoing(request);
      const target = resolveOrRefuse(ctx, out);
      const label = `${out.method} ${targetLabel(target, out.scheme ?? 'https')}`;
      const headers = out.headers.map(([n, v]): [string, string] => [n, decoder.decode(v)]);
      try {
        const body = await collect(out.body);
        // The request's trailers future: read so the guest's write completes (fetch cannot send trailers).
        void out.trailers.catch(() => {});
        if (target.kind !== 'network') {
          const route = target.kind === 'self' ? ({ self: true } as const) : { component: target.component };
          const answer = await ctx.internal(route, { method: out.method, pathWithQuery: target.pathWithQuery, headers, body });
          ctx.onCall?.(`outbound ${label}`, `ok(${answer.status}, ${answer.body.byteLength} bytes)`);
          return fromInternal(answer);
        }
        return await sendOverNetwork(ctx, out, target.url, label, headers, body);
      } catch (error) {
        if (!(error instanceof Error)) throw error;
        ctx.onCall?.(`outbound ${label}`, `err(${error.message})`);
        throw internalError(error.message);
      }
    },
  };
}

function resolveOrRefuse(ctx: OutboundHttpContext, out: OutgoingParts): OutboundTarget {
  try {
    return resolveOutboundRequest(out, ctx.allowedHosts);
  } catch (error) {
    if (!(error instanceof OutboundRefusal)) throw error;
    return refuse(ctx, error, { tag: error.code });
  }
}

function targetLabel(target: OutboundTarget, scheme: string): string {
  if (target.kind === 'network') return target.url.href;
  return `${scheme}://${target.kind === 'self' ? 'self' : `${target.component}.spin.internal`}${target.pathWithQuery}`;
}

async function sendOverNetwork(ctx: OutboundHttpContext, out: OutgoingParts, url: URL, label: string, headers: Array<[string, string]>, body: Bytes) {
  const init: RequestInit = { ...OUTBOUND_FETCH_OPTIONS, method: out.method, headers };
  if (body.byteLength > 0 && out.method !== 'GET' && out.method !== 'HEAD') init.body = body as Uint8Array<ArrayBuffer>;
  if (out.firstByteTimeout !== undefined) init.signal = AbortSignal.timeout(Number(out.firstByteTimeout / 1_000_000n));
  let response: globalThis.Response;
  try {
    response = await ctx.fetch(url.href, init);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    ctx.onWarning(
      `outbound request to ${url.href} failed: ${reason}. In the browser, the server must allow this origin with CORS headers (Access-Control-Allow-Origin).`,
    );
    throw new Error(`${reason} (the server may not send CORS headers)`);
  }
  if (isRedirect(response)) {
    const message = redirectMessage(url);
    ctx.onWarning(`outbound ${label}: ${message}`);
    throw new Error(message);
  }
  ctx.onCall?.(`outbound ${label}`, `ok(${response.status}, body streamed)`);
  const entries: FieldEntry[] = [...response.headers].map(([n, v]) => [n, encoder.encode(v)]);
  const { chunks, trailers } = streamBody(ctx, response.body, url);
  return Response.incoming(response.status, entries, chunks, trailers);
}

/**
 * The response body as the guest reads it, chunk by chunk as the network delivers it. The
 * trailers future says how it ended: `ok(none)` (fetch exposes no trailers), or
 * `HTTP-response-incomplete` when the connection broke off mid-body.
 */
function streamBody(
  ctx: OutboundHttpContext,
  body: ReadableStream<Uint8Array> | null,
  url: URL,
): { chunks: AsyncIterable<Bytes>; trailers: Promise<Outcome<undefined>> } {
  let settle!: (outcome: Outcome<undefined>) => void;
  const trailers = new Promise<Outcome<undefined>>((resolve) => (settle = resolve));
  async function* chunks(): AsyncGenerator<Bytes> {
    if (!body) return settle({ tag: 'ok', val: undefined });
    const reader = body.getReader();
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        if (value.byteLength > 0) yield value;
      }
      settle({ tag: 'ok', val: undefined });
    } catch (error) {
      ctx.onWarning(`outbound response body from ${url.href} broke off: ${error instanceof Error ? error.message : String(error)}`);
      settle({ tag: 'err', val: { tag: 'HTTP-response-incomplete' } });
    } finally {
      // The guest dropped the body before its end: stop downloading it.
      settle({ tag: 'ok', val: undefined });
      reader.releaseLock();
      void body.cancel().catch(() => {});
    }
  }
  return { chunks: chunks(), trailers };
}

function fromInternal(answer: InternalResponse): Response {
  const entries: FieldEntry[] = answer.headers.map(([n, v]) => [n.toLowerCase(), encoder.encode(v)]);
  return Response.incoming(answer.status, entries, chunksOf(answer.body), Promise.resolve({ tag: 'ok', val: undefined }));
}

async function collect(body: AsyncIterable<Bytes>): Promise<Bytes> {
  const parts: Bytes[] = [];
  for await (const chunk of body) parts.push(chunk.slice());
  return concatBytes(parts);
}
