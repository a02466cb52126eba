/**
 * The preview origin's service worker. It sends every same-origin request outside the
 * playground's reserved prefix to the engine Worker, over a MessagePort the runner hands it.
 *
 * It keeps no state that matters: the browser may stop it at any idle moment, and then the port
 * is gone. On the next request it asks a runner window for a new port (pull handshake), and if
 * none answers it returns a clear 503. See architecture.md §1 and toolchain-notes §8.
 */
import {
  RESERVED_PREFIX,
  RUNNER_PATH,
  SW_PING_PATH,
  isMessage,
  type ClaimMessage,
  type EnginePortMessage,
  type EngineToSw,
  type SwToEngine,
  type WireRequest,
  type WireResponse,
} from '../protocol/messages';

declare const self: ServiceWorkerGlobalScope;

const PORT_WAIT_MS = 5000;
/** If the engine does not answer at all, the port is probably dead (its tab closed): re-handshake. */
const RESPONSE_TIMEOUT_MS = 60_000;

let enginePort: MessagePort | null = null;
let portWaiters: Array<(port: MessagePort) => void> = [];
let nextId = 1;
const pending = new Map<number, (response: WireResponse) => void>();

self.addEventListener('install', () => {
  void self.skipWaiting();
});
self.addEventListener('activate', (event) => {
  event.waitUntil(self.clients.claim());
});

self.addEventListener('message', (event) => {
  if (isMessage<EnginePortMessage>(event.data, 'engine-port')) {
    adoptPort(event.data.port);
  } else if (isMessage<ClaimMessage>(event.data, 'claim')) {
    // A hard reload leaves the page uncontrolled and `activate` does not fire again.
    event.waitUntil(self.clients.claim());
  }
});

function adoptPort(port: MessagePort): void {
  enginePort?.close();
  enginePort = port;
  port.onmessage = (event: MessageEvent<EngineToSw>) => {
    const resolve = pending.get(event.data.id);
    if (resolve) {
      pending.delete(event.data.id);
      resolve(event.data.response);
    }
  };
  const waiters = portWaiters;
  portWaiters = [];
  for (const waiter of waiters) waiter(port);
}

async function getPort(): Promise<MessagePort | null> {
  if (enginePort) return enginePort;
  const windows = await self.clients.matchAll({ type: 'window', includeUncontrolled: true });
  const runners = windows.filter((client) => new URL(client.url).pathname === RUNNER_PATH);
  if (runners.length === 0) return null;
  const arrived = new Promise<MessagePort>((resolve) => portWaiters.push(resolve));
  for (const runner of runners) runner.postMessage({ type: 'need-port' });
  const timeout = new Promise<null>((resolve) => setTimeout(() => resolve(null), PORT_WAIT_MS));
  return Promise.race([arrived, timeout]);
}

self.addEventListener('fetch', (event) => {
  const url = new URL(event.request.url);
  if (url.origin !== self.location.origin) return;
  if (url.pathname === SW_PING_PATH) return event.respondWith(new Response(null, { status: 204 }));
  if (url.pathname.startsWith(RESERVED_PREFIX)) return;
  event.respondWith(forward(event.request, url));
});

async function forward(request: Request, url: URL): Promise<Response> {
  const wire: WireRequest = {
    method: request.method,
    pathWithQuery: url.pathname + url.search,
    headers: [...request.headers],
    body: request.method === 'GET' || request.method === 'HEAD' ? null : await request.arrayBuffer(),
  };
  const port = await getPort();
  if (!port) return unavailable();
  const response = await new Promise<WireResponse | null>((resolve) => {
    const id = nextId++;
    const timer = setTimeout(() => {
      if (pending.delete(id)) {
        if (enginePort === port) enginePort = null;
        resolve(null);
      }
    }, RESPONSE_TIMEOUT_MS);
    pending.set(id, (r) => {
      clearTimeout(timer);
      resolve(r);
    });
    const message: SwToEngine = { type: 'fetch', id, request: wire };
    port.postMessage(message, wire.body ? [wire.body] : []);
  });
  if (!response) return unavailable();
  return toResponse(response);
}

/** Statuses a `Response` cannot carry a body with (fetch spec "null body status"). */
const NULL_BODY = new Set([101, 103, 204, 205, 304]);

function toResponse(wire: WireResponse): Response {
  const body = NULL_BODY.has(wire.status) ? null : wire.body;
  return new Response(body, { status: wire.status, headers: wire.headers });
}

function unavailable(): Response {
  return new Response(
    'Spin Playground: the engine for this preview is not running. Reopen the playground page that shows this app.\n',
    { status: 503, headers: { 'content-type': 'text/plain; charset=utf-8' } },
  );
}
