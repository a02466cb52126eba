// A Spin HTTP component in JavaScript (Spin JS SDK v3 style): the `fetch` event with web
// Request/Response, plus Spin's key-value store and variables, imported from their WIT.
import { Store } from 'fermyon:spin/key-value@2.0.0';
import { get as getVariable } from 'fermyon:spin/variables@2.0.0';

const encoder = new TextEncoder();
const decoder = new TextDecoder();

async function handle(request) {
  const store = Store.open('default');
  const previous = store.get('visits');
  const visits = previous === undefined ? 1 : Number(decoder.decode(previous)) + 1;
  store.set('visits', encoder.encode(String(visits)));
  let greeting = 'Hello';
  try {
    greeting = getVariable('greeting');
  } catch {
    // No `greeting` variable in spin.toml: keep the default.
  }
  const url = new URL(request.url);
  return new Response(`${greeting} from Spin! ${request.method} ${url.pathname}, visit ${visits}\n`, {
    headers: { 'content-type': 'text/plain; charset=utf-8' },
  });
}

addEventListener('fetch', (event) => event.respondWith(handle(event.request)));
