/**
 * Spin 1's outbound HTTP, `fermyon:spin/http.send-request` (unversioned): the same permission
 * model as `wasi:http/outgoing-handler` (allowed_outbound_hosts, `self`, service chaining), but a
 * buffered request and response and Spin 1's `http-error` enum. The WIT function is synchronous;
 * jco marks it async (JSPI) so the host can await `fetch` without blocking the engine.
 */
import { refuse, type InternalResponse, type OutboundHttpContext } from './outbound-http';
import { isRedirect, OUTBOUND_FETCH_OPTIONS, OutboundRefusal, redirectMessage, resolveOutboundUrl, resolveSelf, type OutboundTarget } from './outbound-url';

interface Spin1Request {
  method: string;
  uri: string;
  headers: Array<[string, string]>;
  params: Array<[string, string]>;
  body?: Uint8Array;
}

export function createSpin1Http(ctx: OutboundHttpContext) {
  return {
    async sendRequest(request: Spin1Request): Promise<{ status: number; headers?: Array<[string, string]>; body?: Uint8Array }> {
      const method = request.method.toUpperCase();
      const body = request.body ?? new Uint8Array();
      const target = resolveSpin1(ctx, request.uri);
      let response: InternalResponse;
      try {
        if (target.kind === 'self') {
          response = await ctx.internal({ self: true }, { method, pathWithQuery: target.pathWithQuery, headers: request.headers, body });
        } else if (target.kind === 'component') {
          response = await ctx.internal({ component: target.component }, { method, pathWithQuery: target.pathWithQuery, headers: request.headers, body });
        } else {
          const init: RequestInit = { ...OUTBOUND_FETCH_OPTIONS, method, headers: request.headers };
          if (body.byteLength > 0 && method !== 'GET' && method !== 'HEAD') init.body = body as Uint8Array<ArrayBuffer>;
          const fetched = await ctx.fetch(target.url.href, init);
          // Spin 1 (reqwest) follows redirects itself; a browser can neither follow one within the
          // allow-list nor show where it leads, so a redirect is a `request-error` here.
          if (isRedirect(fetched)) throw new Error(redirectMessage(target.url));
          response = { status: fetched.status, headers: [...fetched.headers], body: new Uint8Array(await fetched.arrayBuffer()) };
        }
      } catch (error) {
        ctx.onWarning(`outbound request to ${request.uri} failed: ${error instanceof Error ? error.message : String(error)}`);
        throw 'request-error';
      }
      ctx.onCall?.(`outbound ${method} ${request.uri}`, `ok(${response.status})`);
      return { status: response.status, headers: response.headers, body: response.body };
    },
  };
}

/**
 * Spin 1 takes one `uri`: starting with `/` it is the app itself, else an absolute URL that must
 * parse (`invalid-url`) and be allowed (`destination-not-allowed`), as Spin's
 * `crates/factor-outbound-http/src/spin.rs` decides.
 */
function resolveSpin1(ctx: OutboundHttpContext, uri: string): OutboundTarget {
  try {
    return uri.startsWith('/') ? resolveSelf('http', uri, ctx.allowedHosts) : resolveOutboundUrl(uri, ctx.allowedHosts);
  } catch (error) {
    if (!(error instanceof OutboundRefusal)) throw error;
    const code = error.code === 'HTTP-request-denied' ? 'destination-not-allowed' : error.code === 'HTTP-request-URI-invalid' ? 'invalid-url' : 'request-error';
    return refuse(ctx, error, code);
  }
}
