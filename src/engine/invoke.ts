/**
 * Runs one component for one request, as Spin does: a fresh instance, the client's headers plus
 * the spin-* set, and the component's own permissions. A handler that finishes quickly gets a
 * buffered response; one that keeps writing after it set its response (server-sent events, large
 * bodies) is streamed as it writes. Key-value writes are made durable before the response (or
 * the streamed body) completes, so an acknowledged write is never lost.
 */
import { buildImports, type InstanceContext } from '../host/imports';
import { guardPoisoned, instanceInfo, poolFor } from './invoke-p3';
import { sparesFor } from './invoke-p2';
import type { InternalRequest } from '../host/outbound-http';
import type { RouteMatch } from './router';
import { spinRequestHeaders, VIRTUAL_CLIENT_ADDR } from './spin-headers';
import type { LoadedComponent } from './app-loader';
import { findIncomingHandler, startIncomingHandler } from './executors/wasi-http';
import { findP3Handler, startP3Handler } from './executors/wasi-http-p3';
import { invokeSpin1 } from './invoke-spin1';
import type { InvokeDeps, InvokeResult } from './invoke-types';
import { concatBytes } from '../bytes/concat';

export type { InvokeDeps, InvokeResult } from './invoke-types';

/** A handler still running this long after it set its response is streamed. */
const STREAM_AFTER_MS = 20;

const encoder = new TextEncoder();
const delay = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Header values are bytes; a byte-for-byte (latin1) string is what a browser shows for them. */
function latin1(bytes: Uint8Array): string {
  let text = '';
  for (const byte of bytes) text += String.fromCharCode(byte);
  return text;
}

/** One buffer for a body read in parts; a single chunk is passed on as it is, without a copy. */
function concat(chunks: Uint8Array[]): Uint8Array {
  return chunks.length === 1 ? chunks[0]! : concatBytes(chunks);
}

export async function invoke(entry: LoadedComponent, match: RouteMatch, request: InternalRequest, deps: InvokeDeps): Promise<InvokeResult> {
  const id = entry.component.id;
  const authority = request.headers.find(([n]) => n.toLowerCase() === 'host')?.[1] ?? deps.origin.host;
  const spin = spinRequestHeaders(match, { scheme: deps.origin.scheme, authority, pathWithQuery: request.pathWithQuery, clientAddr: VIRTUAL_CLIENT_ADDR });
  // Spin drops Connection; spin-* names are Spin's alone, so a client cannot spoof them.
  const client = request.headers.filter(([name]) => {
    const lower = name.toLowerCase();
    return lower !== 'connection' && lower !== 'host' && !lower.startsWith('spin-');
  });
  const headers: Array<[string, Uint8Array]> = [
    ['host', encoder.encode(authority)],
    ...client.map(([n, v]): [string, Uint8Array] => [n.toLowerCase(), encoder.encode(v)]),
    ...spin.map(([n, v]): [string, Uint8Array] => [n, encoder.encode(v)]),
  ];
  const log = deps.log;
  const contextFor = (d: InvokeDeps) => instanceContext(entry, d);
  // WASI 0.3 instances are pooled and WASI 0.2 ones made ahead: both bring their own imports
  // (invoke-p3.ts, invoke-p2.ts). Spin 1 core modules link by core import modules, not component
  // interfaces: nothing to build for them here.
  const pooled = entry.kind === 'wasi-http-p3';
  const ahead = entry.kind === 'wasi-http';
  let { imports, finish } = pooled || ahead ? { imports: {}, finish: () => {} } : buildImports(entry.prepared?.world.imports ?? [], contextFor(deps));
  let instanceMs: number | undefined;
  const failed = async (failure: string, timing: { instantiateMs: number; handlerMs: number; instanceMs?: number }): Promise<InvokeResult> => {
    finish();
    log({ level: 'error', source: id, message: `${request.method} ${request.pathWithQuery}: ${failure}` });
    const persistStart = performance.now();
    await deps.flush();
    return { status: 500, headers: [], body: new Uint8Array(), ...timing, persistMs: performance.now() - persistStart };
  };

  if (entry.kind !== 'wasi-http' && entry.kind !== 'wasi-http-p3') {
    return invokeSpin1(
      entry,
      {
        method: request.method,
        uri: request.pathWithQuery,
        headers: [['host', authority], ...client.map(([n, v]): [string, string] => [n.toLowerCase(), v]), ...spin],
        body: request.body,
      },
      imports,
      finish,
      deps,
    );
  }
  const _prepared = entry.prepared!;

  const instantiateStart = performance.now();
  let run;
  try {
    const init = { method: request.method, pathWithQuery: request.pathWithQuery, scheme: deps.origin.scheme, authority, headers, body: request.body };
    if (pooled) {
      const lease = await poolFor(entry, deps, contextFor).acquire();
      lease.instance.value.forward.deps = deps;
      deps.onInstance?.(instanceInfo(lease));
      run = guardPoisoned(startP3Handler(findP3Handler(lease.instance.value.exports), init), lease);
    } else {
      const made = await sparesFor(entry, deps, contextFor).take();
      made.value.forward.deps = deps;
      finish = made.value.done;
      instanceMs = made.costMs;
      run = startIncomingHandler(findIncomingHandler(made.value.exports), init);
    }
  } catch (error) {
    return failed(`Error processing request: ${error instanceof Error ? error.message : String(error)}`, {
      instantiateMs: performance.now() - instantiateStart,
      handlerMs: 0,
    });
  }
  const handlerStart = performance.now();
  const instantiateMs = handlerStart - instantiateStart;
  const cost = instanceMs === undefined ? {} : { instanceMs };
  const head = await run.head;
  if (!head) {
    const { failure } = await run.done;
    return failed(failure ?? 'Error processing request: no response', { instantiateMs, handlerMs: performance.now() - handlerStart, ...cost });
  }
  const responseHeaders = head.headers.map(([n, v]): [string, string] => [n, latin1(v)]);
  const finished = await Promise.race([run.done.then(() => true), delay(STREAM_AFTER_MS).then(() => false)]);
  const handlerMs = performance.now() - handlerStart;

  if (finished) {
    const { failure } = await run.done;
    finish();
    if (failure) log({ level: 'error', source: id, message: `${request.method} ${request.pathWithQuery}: ${failure}` });
    const persistStart = performance.now();
    await deps.flush();
    const persistMs = performance.now() - persistStart;
    return { status: head.status, headers: responseHeaders, body: concat(head.body?.chunks ?? []), instantiateMs, handlerMs, persistMs, ...cost };
  }

  const body = head.body;
  const stream = new ReadableStream<Uint8Array>({
    start(controller) {
      if (body) {
        for (const chunk of body.chunks) controller.enqueue(chunk);
        body.chunks.length = 0;
        body.onChunk = (chunk) => controller.enqueue(chunk);
      }
      void run.done.then(async ({ failure }) => {
        finish();
        await deps.flush();
        if (failure) {
          log({ level: 'error', source: id, message: `${request.method} ${request.pathWithQuery}: ${failure}` });
          controller.error(new Error(failure));
        } else {
          controller.close();
        }
      });
    },
  });
  return { status: head.status, headers: responseHeaders, body: stream, instantiateMs, handlerMs, persistMs: 0, ...cost };
}

/** What a component's instances get: its permissions, and the engine's stores and hooks in `d`. */
export function instanceContext(entry: LoadedComponent, d: InvokeDeps): InstanceContext {
  const id = entry.component.id;
  const log = d.log;
  return {
    component: entry.component,
    kv: d.kv,
    sqlite: d.sqlite,
    variables: entry.variables,
    onSqliteWrite: d.onSqliteWrite,
    onStdout: (line) => log({ level: 'stdout', source: id, message: line }),
    onStderr: (line) => log({ level: 'stderr', source: id, message: line }),
    onWarning: (message) => log({ level: 'warn', source: id, message }),
    onKvWrite: d.onKvWrite,
    ...(d.kvLimits ? { kvLimits: d.kvLimits.forComponent(id) } : {}),
    ...(d.onHostCall ? { onHostCall: d.onHostCall } : {}),
    ...(entry.files ? { files: entry.files } : {}),
    bridge: d.bridge,
    outbound: { allowedHosts: entry.allowedHosts, internal: d.internal, fetch: d.fetch, bridge: d.bridge },
  };
}

/** Read a streamed body to the end (for in-process requests, which are buffered). */
export async function readAll(body: Uint8Array | ReadableStream<Uint8Array>): Promise<Uint8Array> {
  if (body instanceof Uint8Array) return body;
  const chunks: Uint8Array[] = [];
  const reader = body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return concat(chunks);
    chunks.push(value);
  }
}
