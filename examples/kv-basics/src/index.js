// kv-basics: walk through every operation of Spin's key-value store
// (fermyon:spin/key-value@2.0.0) and report each step as one line of text.
//
// Built with the Spin JS SDK v3 toolchain (j2w). The host interface is imported
// straight from this example's own WIT (wit/key-value.wit), so no SDK wrapper
// package is needed.
import { Store } from 'fermyon:spin/key-value@2.0.0';

const encoder = new TextEncoder();
const decoder = new TextDecoder();

const KEY = 'test-key';
const VALUE = 'test-value';

function describeError(err) {
  // Errors from the host arrive as a ComponentError whose payload is the WIT
  // `error` variant, e.g. { tag: 'access-denied' } or { tag: 'other', val: '…' }.
  const payload = err?.payload;
  if (payload && typeof payload.tag === 'string') {
    return payload.val === undefined ? payload.tag : `${payload.tag}(${payload.val})`;
  }
  return String(err);
}

function handle(_request) {
  const lines = [];
  try {
    const store = Store.open('default');

    store.set(KEY, encoder.encode(VALUE));
    lines.push(`set ${KEY} = ${VALUE}`);

    lines.push(`exists(${KEY}) = ${store.exists(KEY)}`);

    lines.push(`keys = ${JSON.stringify(store.getKeys().sort())}`);

    const value = store.get(KEY);
    lines.push(`get(${KEY}) = ${value === undefined ? '<none>' : decoder.decode(value)}`);

    store.delete(KEY);
    lines.push(`delete ${KEY}`);

    lines.push(`exists(${KEY}) = ${store.exists(KEY)}`);
  } catch (err) {
    lines.push(`error: ${describeError(err)}`);
    return new Response(`${lines.join('\n')}\n`, {
      status: 500,
      headers: { 'content-type': 'text/plain' },
    });
  }
  return new Response(`${lines.join('\n')}\n`, {
    status: 200,
    headers: { 'content-type': 'text/plain' },
  });
}

addEventListener('fetch', (event) => event.respondWith(handle(event.request)));
