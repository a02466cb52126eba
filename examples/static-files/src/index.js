// static-files: a static file server, like Spin's own static fileserver
// component. It serves the files the manifest mounts with `files` from the
// guest filesystem:
//
//   GET /          -> /index.html
//   GET /<path>    -> the file /<path> (a directory -> its index.html)
//   HEAD           -> the same status and headers, no body
//   other methods  -> 405, `allow: GET, HEAD`
//
// Built with the Spin JS SDK v3 toolchain (j2w). StarlingMonkey has no file
// system API for JavaScript, so the WASI 0.2.3 interfaces are imported directly
// (the world in wit/world.wit imports wasi:filesystem/types and /preopens) and
// files are read through `descriptor` methods: open-at, stat, read.
import { getDirectories } from 'wasi:filesystem/preopens@0.2.3';

const CONTENT_TYPES = {
  html: 'text/html; charset=utf-8',
  htm: 'text/html; charset=utf-8',
  css: 'text/css; charset=utf-8',
  js: 'text/javascript; charset=utf-8',
  mjs: 'text/javascript; charset=utf-8',
  json: 'application/json',
  svg: 'image/svg+xml',
  png: 'image/png',
  txt: 'text/plain; charset=utf-8',
};
const DEFAULT_TYPE = 'application/octet-stream';
const INDEX = 'index.html';
const CHUNK = 64n * 1024n;

function contentType(name) {
  const dot = name.lastIndexOf('.');
  const ext = dot < 0 ? '' : name.slice(dot + 1).toLowerCase();
  return CONTENT_TYPES[ext] ?? DEFAULT_TYPE;
}

function text(status, body, headers = {}) {
  return new Response(body, {
    status,
    headers: { 'content-type': 'text/plain; charset=utf-8', ...headers },
  });
}

/** The WIT error-code (e.g. 'no-entry') carried by a ComponentError, or undefined. */
function errorCode(err) {
  const payload = err?.payload;
  return typeof payload === 'string' ? payload : undefined;
}

/**
 * Split a URL path into decoded segments. Returns null when a segment is `..`
 * (after percent-decoding, so `..%2f` and `%2e%2e` count too) or holds a
 * backslash or NUL; throws URIError on malformed percent-encoding.
 */
function segments(pathname) {
  const parts = [];
  for (const raw of pathname.split('/')) {
    const part = decodeURIComponent(raw);
    for (const piece of part.split('/')) {
      if (piece === '' || piece === '.') continue;
      if (piece === '..' || piece.includes('\\') || piece.includes('\0')) return null;
      parts.push(piece);
    }
  }
  return parts;
}

/** The descriptor preopened at `/` (where Spin mounts `files`), or the first one. */
function rootDirectory() {
  const dirs = getDirectories();
  const root = dirs.find(([, name]) => name === '/') ?? dirs[0];
  return root ? root[0] : undefined;
}

/** Open `path` (relative to `dir`) read-only and stat it. Throws ComponentError. */
function openFile(dir, path) {
  const file = dir.openAt({ symlinkFollow: true }, path, {}, { read: true });
  return { file, stat: file.stat() };
}

function readAll(file) {
  const chunks = [];
  let offset = 0n;
  let total = 0;
  for (;;) {
    const [bytes, eof] = file.read(CHUNK, offset);
    if (bytes.length) {
      chunks.push(bytes);
      total += bytes.length;
      offset += BigInt(bytes.length);
    }
    if (eof || bytes.length === 0) break;
  }
  const body = new Uint8Array(total);
  let at = 0;
  for (const chunk of chunks) {
    body.set(chunk, at);
    at += chunk.length;
  }
  return body;
}

function handle(request) {
  const method = request.method.toUpperCase();
  if (method !== 'GET' && method !== 'HEAD') {
    return text(405, 'Method Not Allowed\n', { allow: 'GET, HEAD' });
  }

  let parts;
  try {
    parts = segments(new URL(request.url).pathname);
  } catch {
    return text(400, 'Bad Request: malformed percent-encoding\n');
  }
  if (parts === null) return text(400, 'Bad Request: path traversal is not allowed\n');

  const root = rootDirectory();
  if (!root) {
    return text(500, 'No files are mounted: add `files` to the component in spin.toml\n');
  }

  let path = parts.length ? parts.join('/') : INDEX;
  let opened;
  try {
    opened = openFile(root, path);
    if (opened.stat.type === 'directory') {
      path = `${path}/${INDEX}`;
      opened = openFile(root, path);
    }
    if (opened.stat.type !== 'regular-file') return text(404, 'Not Found\n');
  } catch (err) {
    const code = errorCode(err);
    if (code === 'no-entry' || code === 'not-directory' || code === 'is-directory') {
      return text(404, 'Not Found\n');
    }
    if (code === 'not-permitted' || code === 'access') return text(403, 'Forbidden\n');
    return text(500, `Internal Server Error: ${code ?? String(err)}\n`);
  }

  const headers = { 'content-type': contentType(path) };
  // An empty body rather than null: preview2-shim's Node build (jco serve)
  // crashes on a response whose body was never taken.
  if (method === 'HEAD') return new Response('', { status: 200, headers });
  let body;
  try {
    body = readAll(opened.file);
  } catch (err) {
    return text(500, `Internal Server Error: ${errorCode(err) ?? String(err)}\n`);
  }
  return new Response(body, { status: 200, headers });
}

addEventListener('fetch', (event) => event.respondWith(handle(event.request)));
