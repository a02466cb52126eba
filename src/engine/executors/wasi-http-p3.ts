/**
 * Calls a `wasi:http/handler@0.3.x` export (WASI 0.3, Spin 4): `handle(request)` is async and
 * returns `result<response, error-code>`. The response's head is known when `handle` returns
 * (the guest may call `task.return` before its body is complete); body bytes then follow from
 * the guest's `stream<u8>` until it ends, and the trailers future settles.
 * Failure semantics as for 0.2 (docs/spin-behaviour.md §6.3): an error or trap before the head is a
 * 500 with an empty body; a trap while the body streams cuts it short, and both are logged.
 */
import { Request, Response } from '../../host/wasi-http-p3';
import type { IncomingRequestInit } from '../../host/wasi-http';
import { bigintSafe, describeTrap, type BodySink, type HandlerRun, type ResponseHead } from './wasi-http';

type Handler = { handle(request: unknown): Promise<unknown> };

export function findP3Handler(exports: Record<string, unknown>): Handler {
  for (const [name, value] of Object.entries(exports)) {
    if (/^wasi:http\/handler@0\.3\./.test(name)) return value as Handler;
  }
  if (exports.handler) return exports.handler as Handler;
  throw new Error('the component instance has no wasi:http/handler@0.3 export');
}

/** `trapped`: the instance itself failed (not the guest's `err`), so it must not serve again. */
export function startP3Handler(handler: Handler, init: IncomingRequestInit): HandlerRun & { done: Promise<{ failure?: string; trapped?: boolean }> } {
  let resolveHead!: (head: ResponseHead | null) => void;
  const head = new Promise<ResponseHead | null>((resolve) => (resolveHead = resolve));
  const done = (async (): Promise<{ failure?: string; trapped?: boolean }> => {
    let response: unknown;
    try {
      response = await handler.handle(Request.incoming(init));
    } catch (error) {
      resolveHead(null);
      // A thrown `error-code` is the guest's `err(...)`; anything else is a trap.
      if (error instanceof Error) return { failure: `Error processing request: ${describeTrap(error)}`, trapped: true };
      return { failure: `Error processing request: the guest returned an error: ${JSON.stringify(error, bigintSafe)}` };
    }
    if (!(response instanceof Response)) {
      resolveHead(null);
      return { failure: 'Error processing request: the guest returned no response' };
    }
    const parts = Response.parts(response);
    const sink: BodySink = { chunks: [], onChunk: null };
    resolveHead({ status: parts.status, headers: parts.headers, body: parts.body ? sink : null });
    try {
      if (parts.body) {
        for await (const chunk of parts.body) {
          if (sink.onChunk) sink.onChunk(chunk);
          else sink.chunks.push(chunk);
        }
      }
      const trailers = (await parts.trailers) as { tag: string; val?: unknown } | undefined;
      if (trailers?.tag === 'err')
        return { failure: `Component error after response started: the guest ended the body with an error: ${JSON.stringify(trailers.val, bigintSafe)}` };
    } catch (error) {
      return { failure: `Component error after response started; the body was cut short: ${describeTrap(error)}`, trapped: true };
    }
    return {};
  })();
  return { head, done };
}
