// guestbook: a small server-rendered HTML app on Spin's key-value store.
//
//   GET  /             HTML page: the entries, a form to add one, a link to /about,
//                      and an inline script that fetches /api/entries and writes
//                      the number of entries into <span id="live-count">.
//   POST /entries      urlencoded form (name, message) -> store the entry,
//                      answer 303 See Other with Location: /
//   GET  /about        plain HTML page with a link back to /
//   GET  /api/entries  JSON array [{ "name": …, "message": … }, …], oldest first
//
// Storage (store "default"):
//   count              number of entries ever added, as decimal text ("3")
//   entry:000001 …     one entry per key, JSON {"name": …, "message": …};
//                      the counter is zero-padded to 6 digits so keys sort in
//                      insertion order.
//
// Built with the Spin JS SDK v3 toolchain (j2w); the key-value interface is
// imported directly from this example's own WIT (wit/key-value.wit).
import { Store } from 'fermyon:spin/key-value@2.0.0';

const encoder = new TextEncoder();
const decoder = new TextDecoder();

const ENTRY_PREFIX = 'entry:';
const COUNT_KEY = 'count';
const MAX_NAME = 100;
const MAX_MESSAGE = 1000;

function escapeHtml(text) {
  return String(text).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

function html(status, body, extraHeaders = {}) {
  return new Response(body, {
    status,
    headers: { 'content-type': 'text/html; charset=utf-8', ...extraHeaders },
  });
}

function page(title, content) {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>
  body { font-family: system-ui, sans-serif; max-width: 40rem; margin: 2rem auto; padding: 0 1rem; line-height: 1.4; }
  ul.entries { list-style: none; padding: 0; }
  ul.entries li { border-bottom: 1px solid #ddd; padding: 0.5rem 0; }
  form label { display: block; margin-top: 0.5rem; }
  form input, form textarea { width: 100%; box-sizing: border-box; }
  button { margin-top: 0.5rem; }
</style>
</head>
<body>
${content}
</body>
</html>
`;
}

function loadEntries(store) {
  const keys = store
    .getKeys()
    .filter((key) => key.startsWith(ENTRY_PREFIX))
    .sort();
  const entries = [];
  for (const key of keys) {
    const raw = store.get(key);
    if (raw === undefined) continue;
    try {
      const value = JSON.parse(decoder.decode(raw));
      entries.push({ name: String(value.name ?? ''), message: String(value.message ?? '') });
    } catch {
      // Not written by this app (e.g. edited by hand): show it verbatim.
      entries.push({ name: key, message: decoder.decode(raw) });
    }
  }
  return entries;
}

function home(store) {
  const entries = loadEntries(store);
  const items = entries.length
    ? entries.map((e) => `  <li><strong class="name">${escapeHtml(e.name)}</strong>: <span class="message">${escapeHtml(e.message)}</span></li>`).join('\n')
    : '  <li class="empty">No entries yet. Be the first!</li>';
  return html(
    200,
    page(
      'Guestbook',
      `<h1>Guestbook</h1>
<p><span id="server-count">${entries.length}</span> entries (rendered by the component);
<span id="live-count">?</span> entries (fetched by this page's script from /api/entries).</p>
<ul class="entries">
${items}
</ul>
<h2>Sign the guestbook</h2>
<form method="post" action="/entries">
  <label>Name <input name="name" maxlength="${MAX_NAME}" required></label>
  <label>Message <textarea name="message" rows="3" maxlength="${MAX_MESSAGE}" required></textarea></label>
  <button type="submit">Sign</button>
</form>
<p><a href="/about">About this app</a></p>
<script>
  fetch('/api/entries')
    .then((response) => response.json())
    .then((entries) => {
      document.getElementById('live-count').textContent = String(entries.length);
    })
    .catch((error) => {
      document.getElementById('live-count').textContent = 'error: ' + error;
    });
</script>`,
    ),
  );
}

function about() {
  return html(
    200,
    page(
      'About the guestbook',
      `<h1>About</h1>
<p>This guestbook is a Spin app written in JavaScript: one WebAssembly component
handles every route and keeps the entries in the key-value store <code>default</code>.</p>
<p><a href="/">Back to the guestbook</a></p>`,
    ),
  );
}

async function addEntry(store, request) {
  const form = new URLSearchParams(await request.text());
  const name = (form.get('name') ?? '').trim().slice(0, MAX_NAME) || 'Anonymous';
  const message = (form.get('message') ?? '').trim().slice(0, MAX_MESSAGE);
  if (!message) {
    return html(400, page('Message required', `<h1>Message required</h1>\n<p><a href="/">Back</a></p>`));
  }
  const previous = store.get(COUNT_KEY);
  const count = (parseInt(previous === undefined ? '0' : decoder.decode(previous), 10) || 0) + 1;
  const key = ENTRY_PREFIX + String(count).padStart(6, '0');
  store.set(key, encoder.encode(JSON.stringify({ name, message })));
  store.set(COUNT_KEY, encoder.encode(String(count)));
  return new Response(null, { status: 303, headers: { location: '/' } });
}

function apiEntries(store) {
  return new Response(JSON.stringify(loadEntries(store)), {
    status: 200,
    headers: { 'content-type': 'application/json' },
  });
}

function methodNotAllowed(allow) {
  return new Response('Method not allowed\n', {
    status: 405,
    headers: { 'content-type': 'text/plain', allow },
  });
}

async function handle(request) {
  const path = new URL(request.url).pathname.replace(/\/+$/, '') || '/';
  const method = request.method;
  try {
    switch (path) {
      case '/':
        return method === 'GET' ? home(Store.open('default')) : methodNotAllowed('GET');
      case '/about':
        return method === 'GET' ? about() : methodNotAllowed('GET');
      case '/entries':
        return method === 'POST' ? await addEntry(Store.open('default'), request) : methodNotAllowed('POST');
      case '/api/entries':
        return method === 'GET' ? apiEntries(Store.open('default')) : methodNotAllowed('GET');
      default:
        return new Response('Not found\n', { status: 404, headers: { 'content-type': 'text/plain' } });
    }
  } catch (err) {
    const payload = err?.payload;
    const detail = payload && typeof payload.tag === 'string' ? (payload.val === undefined ? payload.tag : `${payload.tag}(${payload.val})`) : String(err);
    return new Response(`key-value error: ${detail}\n`, {
      status: 500,
      headers: { 'content-type': 'text/plain' },
    });
  }
}

addEventListener('fetch', (event) => event.respondWith(handle(event.request)));
