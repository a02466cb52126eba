// The bare platform paths the playground's preview uses, with none of its code (npm run bench,
// BENCHMARKS.md). A fetch is
//   hop-ping       answered by this service worker itself;
//   hop-echo       forwarded over a MessagePort straight to a dedicated Worker, which answers at
//                  once with a transferred 2-byte body;
//   hop-relay      forwarded to the page's main thread, which relays it to the Worker and the
//                  answer back (as a runner that supervises its engine Worker does);
//   hop-relay-ack  the same, and the page first acknowledges receipt with an extra message.
// With a request body (a POST), the echo and relay paths read it, transfer it to the Worker, and
// answer with the bytes the Worker transfers back: the floor of a body's round trip.
let direct = null;
let relay = null;
let nextId = 1;
const pending = new Map();

function settle(message) {
  if (message.data.type === 'ack') return;
  const resolve = pending.get(message.data.id);
  pending.delete(message.data.id);
  if (resolve) resolve(message.data);
}

self.addEventListener('install', () => self.skipWaiting());
self.addEventListener('activate', (event) => event.waitUntil(self.clients.claim()));
self.addEventListener('message', (event) => {
  if (event.data && event.data.type === 'ports') {
    direct = event.data.direct;
    relay = event.data.relay;
    direct.onmessage = settle;
    relay.onmessage = settle;
    event.source.postMessage({ type: 'ports-ok' });
  }
});
self.addEventListener('fetch', (event) => {
  const url = new URL(event.request.url);
  const name = url.pathname.split('/').pop();
  if (name === 'hop-ping') {
    event.respondWith(new Response(null, { status: 204 }));
  } else if (name === 'hop-echo' || name === 'hop-relay' || name === 'hop-relay-ack') {
    event.respondWith(
      (event.request.method === 'POST' ? event.request.arrayBuffer() : Promise.resolve(null)).then(
        (body) =>
          new Promise((resolve) => {
            const id = nextId++;
            pending.set(id, (reply) => resolve(new Response(reply.body, { status: 200, headers: reply.headers })));
            const message = {
              type: 'fetch',
              id,
              ack: name === 'hop-relay-ack',
              method: event.request.method,
              path: url.pathname,
              headers: [...event.request.headers],
              body,
            };
            (name === 'hop-echo' ? direct : relay).postMessage(message, body ? [body] : []);
          }),
      ),
    );
  }
});
