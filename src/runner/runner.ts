/**
 * The runner: a hidden page on a project's preview origin. It registers the service worker
 * (scope `/`), and either runs the project's engine or reaches the one another tab runs:
 *
 * - **One engine per project.** Tabs on the same project share its origin, so its service worker
 *   and its IndexedDB. Two engines would each hold their own in-memory copy of the data and
 *   overwrite each other's writes, so the runners elect one with the Web Lock `ENGINE_LOCK`. The
 *   holder runs an `EngineHost` (engine Worker, safety timeout, restarts); the others relay their
 *   UI to it (`RemoteEngine`). When the live tab closes, the next runner takes over, loading the
 *   last app its own UI loaded. The UI hears which tab is live (`engine-event` `live`).
 * - **The service worker** gets a port to the host, from the live runner only (again whenever a
 *   stopped or updated worker asks), and passes a second tab's port on to the live runner.
 *
 * The UI origin is the only one allowed to connect: the runner checks both `event.source`
 * (its parent window) and `event.origin`, because the app in the preview frame shares this origin.
 * Nothing starts before that first verified `connect`: a page on another origin (another
 * project's app, framed in the same tab) that frames this runner gets no service worker
 * registered, no engine lock taken and no engine started on this project's behalf.
 */
import {
  ENGINE_LOCK,
  RESERVED_PREFIX,
  isMessage,
  type AppBundle,
  type ConnectMessage,
  type EngineEvent,
  type EngineToUi,
  type EnginePortMessage,
  type NeedPortMessage,
  type PeerConnectMessage,
  type RunnerToUi,
  type UiToEngine,
} from '../protocol/messages';
import { uiOriginFor } from './origins';
import { EngineHost, type EngineUpstream, type HostClient } from './engine-host';
import { RemoteEngine } from './remote-engine';

const uiOrigin = uiOriginFor(location);

function tellUi(message: RunnerToUi): void {
  if (window.parent !== window) window.parent.postMessage(message, uiOrigin);
}

// `?jspi=off` forces the engine onto the path browsers without JSPI take (its name tells it).
const engineName = new URLSearchParams(location.search).get('jspi') === 'off' ? 'spin-engine:sync' : 'spin-engine';
const createWorker = () => new Worker(new URL('../engine/worker.ts', import.meta.url), { type: 'module', name: engineName });

/** This tab's UI pages (normally one), each on its own port. */
class UiLink implements HostClient {
  /** Messages that arrived before the election decided where they go. */
  #early: UiToEngine[] = [];
  constructor(readonly port: MessagePort) {
    port.onmessage = (event: MessageEvent<UiToEngine>) => {
      if (upstream) upstream.receive(this, event.data);
      else this.#early.push(event.data);
    };
  }
  post(message: EngineToUi, transfer: Transferable[] = []): void {
    this.port.postMessage(message, transfer);
  }
  /** Attach to the (new) upstream, handing it anything that waited for one. */
  attachTo(to: EngineUpstream): void {
    to.attach(this);
    const early = this.#early;
    this.#early = [];
    for (const message of early) to.receive(this, message);
  }
}

const links = new Set<UiLink>();
let host: EngineHost | null = null;
let remote: RemoteEngine | null = null;
let upstream: EngineUpstream | null = null;
/** The last app that loaded through this tab's UI: what this tab loads if it takes over. */
let lastBundle: AppBundle | null = null;
let live: EngineEvent | null = null;
let registration: ServiceWorkerRegistration | null = null;

function announce(event: EngineEvent): void {
  live = event;
  for (const link of links) {
    link.post({ type: 'engine-event', event });
    if (event.kind === 'live') link.post({ type: 'log', entry: { time: Date.now(), level: 'info', source: 'runner', message: event.message } });
  }
}

const LIVE_HERE: EngineEvent = {
  kind: 'live',
  where: 'this-tab',
  message: "This tab runs the project's engine; other tabs open on this project use it too.",
};
const LIVE_ELSEWHERE: EngineEvent = {
  kind: 'live',
  where: 'other-tab',
  message: 'This project is also open in another tab, and that tab runs its engine: both tabs share it and its data. If that tab closes, this one takes over.',
};

/** This tab runs the engine from now on (it won the election, or the live tab closed). */
function lead(): void {
  const handOver = remote?.close() ?? [];
  remote = null;
  host = new EngineHost({ createWorker, initialBundle: lastBundle, onLoaded: (bundle) => (lastBundle = bundle) });
  upstream = host;
  for (const link of links) link.attachTo(host);
  for (const { client, message } of handOver) host.receive(client, message);
  announce(LIVE_HERE);
  // Until `register()` settles, the worker that controls this page (if any) is the one to serve.
  const active = registration?.active ?? navigator.serviceWorker?.controller;
  if (active) givePortTo(active);
}

/** Another tab runs the engine: relay this tab's UI to it. */
function follow(): void {
  remote = new RemoteEngine({
    connect: connectToLiveTab,
    onLoaded: (bundle) => (lastBundle = bundle),
    onState: (event) => announce(event.kind === 'live' && event.where === 'this-tab' ? LIVE_ELSEWHERE : event),
  });
  upstream = remote;
  for (const link of links) link.attachTo(remote);
}

function elect(): void {
  if (!navigator.locks) return lead(); // no Web Locks: every tab runs its own engine (old browsers)
  const forever = () => new Promise<never>(() => {});
  void navigator.locks
    .request(ENGINE_LOCK, { ifAvailable: true }, async (lock) => {
      if (!lock) return;
      lead();
      await forever();
    })
    .then(() => {
      // Not granted: another tab is live. Wait in line to take over when it closes.
      follow();
      void navigator.locks.request(ENGINE_LOCK, async () => {
        lead();
        await forever();
      });
    });
}

/** A port to the live tab's host: the service worker passes it on (tabs share nothing else). */
async function connectToLiveTab(): Promise<MessagePort | null> {
  await serviceWorkerStarted;
  const active = registration?.active ?? navigator.serviceWorker?.controller;
  if (!active) return null;
  const channel = new MessageChannel();
  active.postMessage({ type: 'peer-connect', port: channel.port2 } satisfies PeerConnectMessage, [channel.port2]);
  return channel.port1;
}

function givePortTo(worker: ServiceWorker): void {
  if (!host) return;
  const channel = new MessageChannel();
  host.connectSw(channel.port1);
  worker.postMessage({ type: 'engine-port', port: channel.port2, hostId: host.id, uiOrigin } satisfies EnginePortMessage, [channel.port2]);
}

async function startServiceWorker(): Promise<void> {
  const registered = await navigator.serviceWorker.register(`${RESERVED_PREFIX}sw.js`, {
    type: 'module',
    scope: '/',
    updateViaCache: 'none',
  });
  // Some blockers (and Playwright's `serviceWorkers: 'block'`) resolve without a registration.
  if (!registered) throw new Error('the browser did not register the service worker');
  const active = await activeWorker(registered);
  registration = registered;
  givePortTo(active);
  // A hard reload bypasses the worker: ask it to claim us so the preview frame is controlled too.
  if (!navigator.serviceWorker.controller) active.postMessage({ type: 'claim' });
}

function activeWorker(registered: ServiceWorkerRegistration): Promise<ServiceWorker> {
  if (registered.active) return Promise.resolve(registered.active);
  const installing = registered.installing ?? registered.waiting;
  return new Promise((resolve, reject) => {
    if (!installing) return reject(new Error('service worker registration has no worker'));
    installing.addEventListener('statechange', () => {
      if (installing.state === 'activated') resolve(installing);
      if (installing.state === 'redundant') reject(new Error('service worker became redundant while installing'));
    });
  });
}

if (navigator.serviceWorker) {
  navigator.serviceWorker.addEventListener('message', (event) => {
    if (!(event.source instanceof ServiceWorker)) return;
    if (isMessage<NeedPortMessage>(event.data, 'need-port')) {
      givePortTo(event.source);
    } else if (isMessage<PeerConnectMessage>(event.data, 'peer-connect') && event.data.port) {
      const port = event.data.port;
      if (!host) return port.close(); // no longer live; the other tab asks again
      host.attachPort(port);
      port.postMessage({ type: 'engine-event', event: LIVE_ELSEWHERE } satisfies EngineToUi);
    }
  });
  // A new version of the worker took over: hand it a port before its first request asks.
  navigator.serviceWorker.addEventListener('controllerchange', () => {
    const controller = navigator.serviceWorker.controller;
    if (controller) givePortTo(controller);
  });
  navigator.serviceWorker.startMessages();
}

window.addEventListener('message', (event) => {
  if (event.source !== window.parent || event.origin !== uiOrigin) return;
  if (isMessage<ConnectMessage>(event.data, 'connect')) {
    const link = new UiLink(event.data.port);
    links.add(link);
    if (upstream) link.attachTo(upstream);
    if (live) link.post({ type: 'engine-event', event: live });
    start();
  }
});

const NO_SERVICE_WORKER =
  'The preview cannot run: this browser gives the preview origin no service worker (private browsing, or third-party cookies and site data blocked for it). ' +
  'The Request panel still works. To get the preview, allow cookies and site data for this site (or leave private browsing), then reload.';

let swStarted: () => void = () => {};
/** Settles once the service worker is up, or once it is known that it cannot be. */
const serviceWorkerStarted: Promise<void> = new Promise((resolve) => (swStarted = resolve));
let started = false;

/** The first verified `connect`: register the service worker and, meanwhile, elect the engine's tab. */
function start(): void {
  if (started) return;
  started = true;
  const registering = navigator.serviceWorker
    ? startServiceWorker().catch((error: unknown) => {
        tellUi({ type: 'runner-error', message: `${NO_SERVICE_WORKER} (service worker: ${error instanceof Error ? error.message : String(error)})` });
      })
    : Promise.resolve(tellUi({ type: 'runner-error', message: NO_SERVICE_WORKER }));
  void registering.then(swStarted);
  // The engine and the UI's connection need no service worker, only the preview does, and
  // `register()` can stall for seconds on a loaded machine (BENCHMARKS.md, start-up): the engine
  // starts and the UI loads the app now; the preview waits for `preview-ready`. A page already
  // controlled (every visit after the first) has a worker that can serve the preview at once.
  elect();
  tellUi({ type: 'runner-ready' });
  if (navigator.serviceWorker?.controller) tellUi({ type: 'preview-ready' });
  else void serviceWorkerStarted.then(() => tellUi({ type: 'preview-ready' }));
}

// Only the UI origin hears this (tellUi targets it); it answers with `connect`.
tellUi({ type: 'runner-loaded' });
