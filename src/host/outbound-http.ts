/**
 * `wasi:http/outgoing-handler` with Spin's permission model: a destination must match the
 * component's `allowed_outbound_hosts`, or the request fails with `HTTP-request-denied` and the
 * log says what to add (Spin's own wording). Requests to the app itself (no authority, allowed by
 * `http://self`) and to `<component>.spin.internal` (service chaining) never leave the engine.
 * Everything else goes out with the browser's `fetch`, without credentials, so CORS applies, and
 * redirects are not followed (see `outbound-url.ts`, which decides every destination).
 */
import type { AllowedHost } from './allowed-hosts';
import { isRedirect, OUTBOUND_FETCH_OPTIONS, OutboundRefusal, redirectMessage, resolveOutboundRequest, type OutboundTarget } from './outbound-url';
import { describeOutgoingRequest, host, type FieldEntry, type OutboundResult, type OutgoingRequest, type RequestOptions } from './wasi-http';
import { concatBytes } from '../bytes/concat';

export interface InternalRequest {
  method: string;
  pathWithQuery: string;
  headers: Array<[string, string]>;
  body: Uint8Array;
}
export interface InternalResponse {
  status: number;
  headers: Array<[string, string]>;
  body: Uint8Array;
}

export interface OutboundHttpContext {
  allowedHosts: AllowedHost[];
  /** Send a request to the app itself (`target: 'self'`, routed) or to one component (chaining). */
  internal(target: { self: true } | { component: string }, request: InternalRequest): Promise<InternalResponse>;
  fetch: typeof fetch;
  /** `sync`: no JSPI, so outbound requests use synchronous XMLHttpRequest and cannot stay in-process. */
  bridge?: 'jspi' | 'sync';
  onWarning(message: string): void;
  onCall?(call: string, outcome: string): void;
}

const decoder = new TextDecoder();
const encoder = new TextEncoder();

export function denied(
  ctx: Pick<OutboundHttpContext, 'onWarning' | 'onCall'>,
  scheme: string,
  authority: string,
  error: unknown = { tag: 'HTTP-request-denied' },
): never {
  const pattern = `${scheme}://${authority}`;
  ctx.onWarning(
    (scheme.startsWith('http') && authority === 'self'
      ? 'A component tried to make an HTTP request to its own app but it does not have permission.'
      : `A component tried to make an outbound network connection to disallowed destination '${pattern}'.`) +
      `\nTo allow this request, add 'allowed_outbound_hosts = ["${pattern}"]' to the manifest component section.`,
  );
  ctx.onCall?.(`outbound ${pattern}`, `err(${JSON.stringify(error)})`);
  throw error;
}

async function bodyBytes(chunks: Uint8Array[], finished: Promise<void>): Promise<Uint8Array> {
  await finished;
  return concatBytes(chunks);
}

const toEntries = (headers: Array<[string, string]>): FieldEntry[] => headers.map(([n, v]) => [n.toLowerCase(), encoder.encode(v)]);

export function createOutgoingHandler(ctx: OutboundHttpContext) {
  return {
    handle(request: OutgoingRequest, options?: RequestOptions): unknown {
      const out = describeOutgoingRequest(request);
      const target = resolveOrRefuse(ctx, out);
      const headers = out.headers.map(([n, v]): [string, string] => [n, decoder.decode(v)]);
      const body = () => bodyBytes(out.body.chunks, out.body.whenFinished);
      const label = `${out.method} ${targetLabel(target, out.scheme ?? 'https')}`;
      const settle = (result: Promise<InternalResponse>): unknown =>
        host.futureIncomingResponse(
          result.then(
            (r): OutboundResult => {
              ctx.onCall?.(`outbound ${label}`, `ok(${r.status}, ${r.body.byteLength} bytes)`);
              return { tag: 'ok', val: host.incomingResponse(r.status, toEntries(r.headers), r.body) };
            },
            (error: unknown): OutboundResult => {
              const message = error instanceof Error ? error.message : String(error);
              ctx.onCall?.(`outbound ${label}`, `err(${message})`);
              return { tag: 'err', val: { tag: 'internal-error', val: message } };
            },
          ),
        );

      if (ctx.bridge === 'sync') return handleSync(ctx, out, target, label);
      if (target.kind === 'self') {
        return settle(body().then((b) => ctx.internal({ self: true }, { method: out.method, pathWithQuery: target.pathWithQuery, headers, body: b })));
      }
      if (target.kind === 'component') {
        return settle(
          body().then((b) => ctx.internal({ component: target.component }, { method: out.method, pathWithQuery: target.pathWithQuery, headers, body: b })),
        );
      }
      const url = target.url;
      const timeoutNs = options?.firstByteTimeout() ?? options?.connectTimeout();
      return settle(
        body().then(async (b) => {
          const init: RequestInit = { ...OUTBOUND_FETCH_OPTIONS, method: out.method, headers };
          if (b.byteLength > 0 && out.method !== 'GET' && out.method !== 'HEAD') init.body = b as Uint8Array<ArrayBuffer>;
          if (timeoutNs !== undefined) init.signal = AbortSignal.timeout(Number(timeoutNs / 1_000_000n));
          let response: Response;
          try {
            response = await ctx.fetch(url.href, init);
          } catch (error) {
            const reason = error instanceof Error ? error.message : String(error);
            ctx.onWarning(
              `outbound request to ${url.href} failed: ${reason}. In the browser, the server must allow this origin with CORS headers ` +
                `(Access-Control-Allow-Origin).`,
            );
            throw new Error(`${reason} (the server may not send CORS headers)`);
          }
          if (isRedirect(response)) {
            const message = redirectMessage(url);
            ctx.onWarning(`outbound ${label}: ${message}`);
            throw new Error(message);
          }
          return { status: response.status, headers: [...response.headers], body: new Uint8Array(await response.arrayBuffer()) };
        }),
      );
    },
  };
}

/**
 * The request's destination (`outbound-url.ts`), or a refusal: logged (Spin's wording for a
 * denied destination) and thrown as the `error-code` variant, which jco turns into `err`.
 */
function resolveOrRefuse(ctx: OutboundHttpContext, out: ReturnType<typeof describeOutgoingRequest>): OutboundTarget {
  try {
    return resolveOutboundRequest(out, ctx.allowedHosts);
  } catch (error) {
    if (!(error instanceof OutboundRefusal)) throw error;
    return refuse(ctx, error, { tag: error.code });
  }
}

/** Log and throw `error` for a refused request: Spin's lines for a denied destination, else the reason. */
export function refuse(ctx: Pick<OutboundHttpContext, 'onWarning' | 'onCall'>, refusal: OutboundRefusal, error: unknown): never {
  if (refusal.destination) {
    const split = refusal.destination.indexOf('://');
    return denied(ctx, refusal.destination.slice(0, split), refusal.destination.slice(split + 3), error);
  }
  ctx.onWarning(`outbound request refused: ${refusal.message}`);
  ctx.onCall?.('outbound', `err(${JSON.stringify(error)})`);
  throw error;
}

function targetLabel(target: OutboundTarget, scheme: string): string {
  if (target.kind === 'network') return target.url.href;
  return `${scheme}://${target.kind === 'self' ? 'self' : `${target.component}.spin.internal`}${target.pathWithQuery}`;
}

/**
 * Without JSPI a host call cannot wait for `fetch`, so the request is made with synchronous
 * XMLHttpRequest (allowed in dedicated workers) and the future is ready at once. Requests to the
 * app itself and service chaining need an in-process wait and are refused with a clear error.
 */
function handleSync(ctx: OutboundHttpContext, out: ReturnType<typeof describeOutgoingRequest>, target: OutboundTarget, label: string): unknown {
  const fail = (message: string): OutboundResult => {
    ctx.onCall?.(`outbound ${label}`, `err(${message})`);
    return { tag: 'err', val: { tag: 'internal-error', val: message } };
  };
  if (target.kind !== 'network') {
    return host.lazyIncomingResponse(() =>
      fail('requests to the app itself and service chaining need JSPI (WebAssembly.Suspending), which this browser lacks'),
    );
  }
  return host.lazyIncomingResponse(() => sendSync(ctx, out, target.url, label, fail));
}

function sendSync(
  ctx: OutboundHttpContext,
  out: ReturnType<typeof describeOutgoingRequest>,
  url: URL,
  label: string,
  fail: (message: string) => OutboundResult,
): OutboundResult {
  if (!out.body.finished && out.method !== 'GET' && out.method !== 'HEAD') {
    ctx.onWarning(`outbound ${label}: the request body was not finished when the guest waited for the response; sent as written so far`);
  }
  const xhr = new XMLHttpRequest();
  try {
    xhr.open(out.method, url.href, false);
    xhr.responseType = 'arraybuffer';
    for (const [name, value] of out.headers) {
      try {
        xhr.setRequestHeader(name, decoder.decode(value));
      } catch {
        // A header the browser forbids (Host, Cookie, ...): dropped, as fetch drops it.
      }
    }
    const body = out.body.chunks.length ? new Blob(out.body.chunks as BlobPart[]) : null;
    xhr.send(out.method === 'GET' || out.method === 'HEAD' ? null : body);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    ctx.onWarning(
      `outbound request to ${url.href} failed: ${reason}. In the browser, the server must allow this origin with CORS headers (Access-Control-Allow-Origin).`,
    );
    return fail(`${reason} (the server may not send CORS headers)`);
  }
  // Synchronous XHR always follows redirects; whatever the browser reached, the guest gets the
  // same error as on the fetch path instead of a body from elsewhere.
  if (xhr.responseURL && xhr.responseURL !== url.href) {
    const message = redirectMessage(url, xhr.responseURL, ctx.allowedHosts);
    ctx.onWarning(`outbound ${label}: ${message}`);
    return fail(message);
  }
  const headers = xhr
    .getAllResponseHeaders()
    .trim()
    .split(/\r?\n/)
    .filter(Boolean)
    .map((line): FieldEntry => {
      const colon = line.indexOf(':');
      return [line.slice(0, colon).trim().toLowerCase(), encoder.encode(line.slice(colon + 1).trim())];
    });
  const bytes = new Uint8Array(xhr.response as ArrayBuffer);
  ctx.onCall?.(`outbound ${label}`, `ok(${xhr.status}, ${bytes.byteLength} bytes)`);
  return { tag: 'ok', val: host.incomingResponse(xhr.status, headers, bytes) };
}
