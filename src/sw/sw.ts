/**
 * The preview origin's service worker. It sends every same-origin request outside the
 * playground's reserved prefix to the project's engine, over a MessagePort that the runner
 * running the engine (the live tab's) hands it.
 *
 * It keeps no state that matters: the browser may stop it at any idle moment, and then the port
 * is gone. On the next request it asks the runner windows for a new port (pull handshake), and if
 * none answers it returns a clear 503. See docs/architecture.md §1 and docs/toolchain.md §8 and §8a.
 *
 * Dead ports: the engine's host acks every request at once. No ack within `ACK_TIMEOUT_MS` may mean
 * the port leads nowhere (its tab closed), so the worker asks the runners for a port. If a
 * different host answers (another tab took over), the request is sent again there: it never
 * reached an engine. If the same host answers, it is merely slow, and the request waits (sending it
 * twice could run it twice). Requests that the old host had acked are answered 503 when another
 * host takes over: they may or may not have run.
 *
 * It also passes a second tab's port on to the live tab's runner (`peer-connect`), since two tabs
 * on the same project can exchange ports only through a context they share.
 *
 * Each request carries what the worker can prove about who started it (`initiator`): the engine's
 * cookie jar sends `SameSite` cookies by it (src/engine/cookie-jar.ts).
 */
import {
  RESERVED_PREFIX,
  RUNNER_PATH,
  SW_PING_PATH,
  isMessage,
  type ClaimMessage,
  type EnginePortMessage,
  type EngineToSw,
  type PeerConnectMessage,
  type RequestInitiator,
  type SwToEngine,
  type WireRequest,
  type WireResponse,
} from '../protocol/messages';

declare const self: ServiceWorkerGlobalScope;

const PORT_WAIT_MS = 5000;
const ACK_TIMEOUT_MS = 1500;
/** Sends of one request (a first try plus re-sends after dead ports) before giving up with 503. */
const MAX_SENDS = 3;

interface Link {
  port: MessagePort;
  hostId: string;
}

type Outcome = { response: WireResponse } | { resend: true } | { lost: true } | { unreachable: true };

interface Pending {
  link: Link;
  acked: boolean;
  ackTimer: ReturnType<typeof setTimeout>;
  settle(outcome: Outcome): void;
}

let current: Link | null = null;
/** The playground UI's origin, from the runner's last port; until one arrives, the UI is just another site. */
let uiOrigin: string | null = null;
/** The window client of the runner that runs the engine: it sent the last port. */
let liveRunnerId: string | null = null;
let linkWaiters: Array<(link: Link) => void> = [];
let nextId = 1;
const pending = new Map<number, Pending>();

self.addEventListener('install', () => {
  void self.skipWaiting();
});
self.addEventListener('activate', (event) => {
  event.waitUntil(self.clients.claim());
});

function fromRunner(source: ExtendableMessageEvent['source']): source is WindowClient {
  return !!source && 'url' in source && new URL(source.url).pathname === RUNNER_PATH;
}

self.addEventListener('message', (event) => {
  if (isMessage<EnginePortMessage>(event.data, 'engine-port')) {
    if (!fromRunner(event.source)) return;
    liveRunnerId = event.source.id;
    if (typeof event.data.uiOrigin === 'string') uiOrigin = event.data.uiOrigin;
    adopt({ port: event.data.port, hostId: String(event.data.hostId) });
  } else if (isMessage<PeerConnectMessage>(event.data, 'peer-connect')) {
    if (!fromRunner(event.source) || !event.data.port) return;
    event.waitUntil(passToLiveRunner(event.data.port, event.source.id));
  } else if (isMessage<ClaimMessage>(event.data, 'claim')) {
    // A hard reload leaves the page uncontrolled and `activate` does not fire again.
    event.waitUntil(self.clients.claim());
  }
});

function adopt(link: Link): void {
  const previous = current;
  current = link;
  link.port.onmessage = (event: MessageEvent<EngineToSw>) => {
    const entry = pending.get(event.data.id);
    if (!entry) return;
    if (event.data.type === 'ack') {
      entry.acked = true;
      clearTimeout(entry.ackTimer);
    } else {
      entry.settle({ response: event.data.response });
    }
  };
  if (previous && previous.hostId !== link.hostId) {
    // Another runner took over: the old host is gone with its tab.
    for (const entry of pending.values()) {
      if (entry.link.hostId !== link.hostId) entry.settle(entry.acked ? { lost: true } : { resend: true });
    }
    previous.port.close();
  }
  const waiters = linkWaiters;
  linkWaiters = [];
  for (const waiter of waiters) waiter(link);
}

async function runnerWindows(except?: string): Promise<Client[]> {
  const windows = await self.clients.matchAll({ type: 'window', includeUncontrolled: true });
  return windows.filter((client) => client.id !== except && new URL(client.url).pathname === RUNNER_PATH);
}

/** Ask every runner for a port; only the one running the engine answers. */
async function requestLink(except?: string): Promise<Link | null> {
  const runners = await runnerWindows(except);
  if (runners.length === 0) return null;
  const arrived = new Promise<Link>((resolve) => linkWaiters.push(resolve));
  for (const runner of runners) runner.postMessage({ type: 'need-port' });
  const timeout = new Promise<null>((resolve) => setTimeout(() => resolve(null), PORT_WAIT_MS));
  return Promise.race([arrived, timeout]);
}

async function getLink(): Promise<Link | null> {
  return current ?? requestLink();
}

async function passToLiveRunner(port: MessagePort, from: string): Promise<void> {
  let live = liveRunnerId ? await self.clients.get(liveRunnerId) : undefined;
  if (!live || live.id === from) {
    liveRunnerId = null;
    if (await requestLink(from)) live = liveRunnerId ? await self.clients.get(liveRunnerId) : undefined;
  }
  if (live && live.id !== from) live.postMessage({ type: 'peer-connect', port } satisfies PeerConnectMessage, [port]);
  else port.close(); // the asking runner retries, and takes over when the live tab closes
}

self.addEventListener('fetch', (event) => {
  const url = new URL(event.request.url);
  if (url.origin !== self.location.origin) return;
  if (url.pathname === SW_PING_PATH) return event.respondWith(new Response(null, { status: 204 }));
  if (url.pathname.startsWith(RESERVED_PREFIX)) return;
  event.respondWith(forward(event.request, url));
});

/**
 * Who started the request, from its referrer (the initiating document's URL, or only its origin
 * across origins; empty when a referrer policy withholds it, which then counts as cross-site).
 * Only subresource requests of this origin's own pages and navigations reach this worker.
 */
function initiatorOf(request: Request): RequestInitiator {
  let from: string | null = null;
  try {
    from = request.referrer ? new URL(request.referrer).origin : null;
  } catch {
    from = null;
  }
  const site = from === self.location.origin ? 'same-origin' : from !== null && from === uiOrigin ? 'ui' : 'cross-site';
  const navigation = request.mode !== 'navigate' ? null : request.destination === 'document' ? 'top' : 'frame';
  return { site, navigation };
}

async function forward(request: Request, url: URL): Promise<Response> {
  const body = request.method === 'GET' || request.method === 'HEAD' ? null : await request.arrayBuffer();
  const wire: WireRequest = {
    method: request.method,
    pathWithQuery: url.pathname + url.search,
    headers: [...request.headers],
    body,
    initiator: initiatorOf(request),
  };
  for (let send = 0; send < MAX_SENDS; send++) {
    const link = await getLink();
    if (!link) return unavailable();
    const outcome = await sendOn(link, wire);
    if ('response' in outcome) return toResponse(outcome.response);
    if ('lost' in outcome) return lost();
    if ('unreachable' in outcome) return unavailable();
  }
  return unavailable();
}

function sendOn(link: Link, wire: WireRequest): Promise<Outcome> {
  return new Promise((resolve) => {
    const id = nextId++;
    const entry: Pending = {
      link,
      acked: false,
      ackTimer: setTimeout(() => {
        // Maybe nobody is behind this port: ask the runners. A port from another host settles this
        // entry (`adopt` re-sends it); the same host means it is alive, just slow: keep waiting.
        if (current === link) current = null;
        void requestLink().then((replacement) => {
          if (!replacement && !entry.acked) entry.settle({ unreachable: true });
        });
      }, ACK_TIMEOUT_MS),
      settle: (outcome) => {
        if (!pending.delete(id)) return;
        clearTimeout(entry.ackTimer);
        resolve(outcome);
      },
    };
    pending.set(id, entry);
    // A copy of the body, so the request can be sent again if this port turns out dead.
    const body = wire.body ? wire.body.slice(0) : null;
    const message: SwToEngine = { type: 'fetch', id, request: { ...wire, body } };
    try {
      link.port.postMessage(message, body ? [body] : []);
    } catch {
      entry.settle({ resend: true });
    }
  });
}

/** Statuses a `Response` cannot carry a body with (fetch spec "null body status"). */
const NULL_BODY = new Set([101, 103, 204, 205, 304]);

function toResponse(wire: WireResponse): Response {
  const body = NULL_BODY.has(wire.status) ? null : wire.body;
  return new Response(body, { status: wire.status, headers: wire.headers });
}

function unavailable(): Response {
  return new Response('Spin Playground: the engine for this preview is not running. Reopen the playground page that shows this app.\n', {
    status: 503,
    headers: { 'content-type': 'text/plain; charset=utf-8' },
  });
}

function lost(): Response {
  return new Response(
    "Spin Playground: the tab that ran this project's engine closed while this request was in flight; another tab runs it now. Send the request again.\n",
    { status: 503, headers: { 'content-type': 'text/plain; charset=utf-8' } },
  );
}
