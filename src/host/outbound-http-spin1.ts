/**
 * Spin 1's outbound HTTP, `fermyon:spin/http.send-request` (unversioned): the same permission
 * model as `wasi:http/outgoing-handler` (allowed_outbound_hosts, `self`, service chaining), but a
 * buffered request and response and Spin 1's `http-error` enum. The WIT function is synchronous;
 * jco marks it async (JSPI) so the host can await `fetch` without blocking the engine.
 */
import { allows, allowsSelf, serviceChainingTarget } from './allowed-hosts';
import { denied, splitAuthority, type InternalResponse, type OutboundHttpContext } from './outbound-http';

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
      let url: URL | null = null;
      try {
        url = new URL(request.uri);
      } catch {
        if (!request.uri.startsWith('/')) throw 'invalid-url';
      }
      let response: InternalResponse;
      try {
        if (!url) {
          if (!allowsSelf(ctx.allowedHosts)) denied(ctx, 'http', 'self', 'destination-not-allowed');
          response = await ctx.internal({ self: true }, { method, pathWithQuery: request.uri, headers: request.headers, body });
        } else {
          const scheme = url.protocol.slice(0, -1);
          const [host = '', port] = splitAuthority(url.host);
          if (!ctx.allowedHosts.some((h) => allows(h, { scheme, host, port: port ? Number(port) : undefined }))) {
            denied(ctx, scheme, url.host, 'destination-not-allowed');
          }
          const component = serviceChainingTarget(url.host);
          if (component) {
            response = await ctx.internal({ component }, { method, pathWithQuery: url.pathname + url.search, headers: request.headers, body });
          } else {
            const init: RequestInit = { method, headers: request.headers, credentials: 'omit' };
            if (body.byteLength > 0 && method !== 'GET' && method !== 'HEAD') init.body = body as Uint8Array<ArrayBuffer>;
            const fetched = await ctx.fetch(url.href, init);
            response = { status: fetched.status, headers: [...fetched.headers], body: new Uint8Array(await fetched.arrayBuffer()) };
          }
        }
      } catch (error) {
        if (error === 'destination-not-allowed' || error === 'invalid-url') throw error;
        ctx.onWarning(`outbound request to ${request.uri} failed: ${error instanceof Error ? error.message : String(error)}`);
        throw 'request-error';
      }
      ctx.onCall?.(`outbound ${method} ${request.uri}`, `ok(${response.status})`);
      return { status: response.status, headers: response.headers, body: response.body };
    },
  };
}
