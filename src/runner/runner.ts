/**
 * The runner: a hidden page on a project's preview origin. It registers the service worker
 * (scope `/`), starts the engine Worker, hands the worker a port to the engine (again whenever a
 * stopped worker asks), and gives the UI its own port to the engine.
 *
 * The UI origin is the only one allowed to connect: the runner checks both `event.source`
 * (its parent window) and `event.origin`, because the app in the preview frame shares this origin.
 */
import {
  RESERVED_PREFIX,
  isMessage,
  type ConnectMessage,
  type NeedPortMessage,
  type RunnerToUi,
} from '../protocol/messages';
import { uiOriginFor } from './origins';

const uiOrigin = uiOriginFor(location);

function tellUi(message: RunnerToUi): void {
  if (window.parent !== window) window.parent.postMessage(message, uiOrigin);
}

const engine = new Worker(new URL('../engine/worker.ts', import.meta.url), { type: 'module', name: 'spin-engine' });

function givePortTo(worker: ServiceWorker): void {
  const channel = new MessageChannel();
  engine.postMessage({ type: 'sw-port', port: channel.port1 }, [channel.port1]);
  worker.postMessage({ type: 'engine-port', port: channel.port2 }, [channel.port2]);
}

async function startServiceWorker(): Promise<void> {
  const registration = await navigator.serviceWorker.register(`${RESERVED_PREFIX}sw.js`, {
    type: 'module',
    scope: '/',
    updateViaCache: 'none',
  });
  const active = await activeWorker(registration);
  givePortTo(active);
  // A hard reload bypasses the worker: ask it to claim us so the preview frame is controlled too.
  if (!navigator.serviceWorker.controller) active.postMessage({ type: 'claim' });
}

function activeWorker(registration: ServiceWorkerRegistration): Promise<ServiceWorker> {
  if (registration.active) return Promise.resolve(registration.active);
  const installing = registration.installing ?? registration.waiting;
  return new Promise((resolve, reject) => {
    if (!installing) return reject(new Error('service worker registration has no worker'));
    installing.addEventListener('statechange', () => {
      if (installing.state === 'activated') resolve(installing);
      if (installing.state === 'redundant') reject(new Error('service worker became redundant while installing'));
    });
  });
}

navigator.serviceWorker?.addEventListener('message', (event) => {
  if (isMessage<NeedPortMessage>(event.data, 'need-port') && event.source instanceof ServiceWorker) {
    givePortTo(event.source);
  }
});

window.addEventListener('message', (event) => {
  if (event.source !== window.parent || event.origin !== uiOrigin) return;
  if (isMessage<ConnectMessage>(event.data, 'connect')) {
    engine.postMessage({ type: 'ui-port', port: event.data.port }, [event.data.port]);
  }
});

engine.addEventListener('error', (event) => {
  tellUi({ type: 'runner-error', message: `engine failed to start: ${event.message || 'unknown error'}` });
});

if (!('serviceWorker' in navigator)) {
  tellUi({
    type: 'runner-error',
    message:
      'Service workers are not available for the preview origin (private mode or blocked third-party storage?). The request console still works; the preview frame cannot.',
  });
  tellUi({ type: 'runner-ready' });
} else {
  startServiceWorker().then(
    () => tellUi({ type: 'runner-ready' }),
    (error: unknown) => {
      tellUi({ type: 'runner-error', message: `service worker: ${error instanceof Error ? error.message : String(error)}` });
      tellUi({ type: 'runner-ready' });
    },
  );
}
