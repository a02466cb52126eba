/**
 * Spin 4 outbound HTTP (`wasi:http/client@0.3`) in Chromium, through a hand-written p3 proxy
 * (test/fixtures/wat-p3/p3-outbound.wat) that forwards the incoming request's method, body stream
 * and trailers future to a destination named by its x-scheme / x-authority / x-path headers, and
 * pumps the response's body stream back. The app (test/fixtures/apps/p3-outbound) allows
 * `http://self`, two `*.spin.internal` components and `http://127.0.0.1:*`. Loopback servers as in
 * outbound-allow-list.test.ts: the allowed one on 127.0.0.1 is also an open redirect, the one on
 * 127.0.0.2 is outside the list and counts what reaches it.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from '../support/chromium.ts';
import { serveStatic, type StaticServer } from '../support/static-server.ts';
import { startEchoServer, type EchoServer } from '../support/echo-server.ts';
import { newContext, openPlayground } from '../support/playground.ts';

let browser: Browser;
let apps: StaticServer;
let allowed: EchoServer;
let outside: EchoServer;
let page: Page;

before(async () => {
  browser = await launchChromium();
  apps = await serveStatic(new URL('../fixtures/dist/apps/', import.meta.url).pathname);
  allowed = await startEchoServer();
  outside = await startEchoServer({ host: '127.0.0.2' });
  const context = await newContext(browser);
  page = await openPlayground(context, `?app=${encodeURIComponent(`${apps.url}/p3-outbound/spin.toml`)}&preview=off`);
});
after(async () => {
  await browser?.close();
  await apps?.close();
  await allowed?.close();
  await outside?.close();
});

interface Answer {
  status: number;
  headers: Record<string, string>;
  text: string;
  length: number;
  same: boolean;
}

/**
 * A request through the engine (the console's path). `body`: a text, or a byte count for a
 * generated body whose echo is compared byte for byte (`same`).
 */
function send(method: string, path: string, headers: Array<[string, string]>, body: string | number | null = null): Promise<Answer> {
  return page.evaluate(
    async ({ method, path, headers, body }) => {
      type Reply = { status: number; headers: Array<[string, string]>; body: ArrayBuffer | ReadableStream | null };
      const { engine } = (window as unknown as { spinPlayground: { engine: { request(r: unknown): Promise<Reply> } } }).spinPlayground;
      let bytes: Uint8Array | null = null;
      if (typeof body === 'string') bytes = new TextEncoder().encode(body);
      if (typeof body === 'number') {
        bytes = new Uint8Array(body);
        for (let i = 0; i < body; i++) bytes[i] = (i * 13 + 5) & 0xff;
      }
      // A copy goes out: the engine client transfers the buffer it is given.
      const r = await engine.request({ method, pathWithQuery: path, headers, body: bytes ? bytes.slice().buffer : null });
      const got = r.body ? new Uint8Array(await new Response(r.body).arrayBuffer()) : new Uint8Array(0);
      let same = bytes !== null && got.length === bytes.length;
      for (let i = 0; same && bytes && i < bytes.length; i++) same = got[i] === bytes[i];
      return { status: r.status, headers: Object.fromEntries(r.headers), text: new TextDecoder().decode(got), length: got.length, same };
    },
    { method, path, headers, body },
  );
}

const logs = () => page.getByRole('region', { name: 'Logs' });

test('a request to the app itself (no authority, allowed by http://self) is routed in-process, its body and answer streamed', async () => {
  const small = await send('POST', '/proxy/self', [['x-path', '/echo/self']], 'hello through self');
  assert.equal(small.status, 200, small.text);
  assert.equal(small.text, 'hello through self');
  assert.equal(small.headers['x-echo'], 'p3', "the called component's header came back");
  assert.equal(small.headers['x-proxied'], 'p3');
  const large = await send('PUT', '/proxy/self', [['x-path', '/echo/large']], 70_000);
  assert.deepEqual({ status: large.status, length: large.length, same: large.same }, { status: 200, length: 70_000, same: true });
});

test('service chaining: http://echo.spin.internal reaches that component, and its streamed body arrives whole', async () => {
  const echoed = await send(
    'POST',
    '/proxy/chain',
    [
      ['x-scheme', 'http'],
      ['x-authority', 'echo.spin.internal'],
      ['x-path', '/echo/chained'],
    ],
    'chained body',
  );
  assert.equal(echoed.status, 200, echoed.text);
  assert.equal(echoed.text, 'chained body');
  assert.equal(echoed.headers['x-echo'], 'p3');
  const chunks = await send('GET', '/proxy/chain', [
    ['x-scheme', 'http'],
    ['x-authority', 'stream.spin.internal'],
    ['x-path', '/stream/chunks'],
  ]);
  assert.equal(chunks.status, 200, chunks.text);
  assert.equal(chunks.headers['x-stream'], 'p3');
  assert.match(chunks.text, /^request \d+ chunk 1\nrequest \d+ chunk 2\nrequest \d+ chunk 3\nrequest \d+ chunk 4\nrequest \d+ chunk 5\n$/);
});

test("a host outside allowed_outbound_hosts is HTTP-request-denied, nothing is sent, and the log says what to add (Spin's words)", async () => {
  const before = outside.requests;
  const denied = await send(
    'POST',
    '/proxy/denied',
    [
      ['x-scheme', 'http'],
      ['x-authority', `127.0.0.2:${outside.port}`],
      ['x-path', '/'],
    ],
    'secret',
  );
  // HTTP-request-denied is case 15 of wasi:http error-code.
  assert.deepEqual({ status: denied.status, text: denied.text }, { status: 502, text: 'error-code 15' });
  assert.equal(outside.requests, before, 'the server outside allowed_outbound_hosts was contacted');
  await logs().getByText(`disallowed destination 'http://127.0.0.2:${outside.port}'`).first().waitFor();
  await logs().getByText(`allowed_outbound_hosts = ["http://127.0.0.2:${outside.port}"]`).first().waitFor();
  // An internal host the list does not name is denied the same way.
  const chained = await send('GET', '/proxy/denied', [
    ['x-scheme', 'http'],
    ['x-authority', 'proxy.spin.internal'],
  ]);
  assert.deepEqual({ status: chained.status, text: chained.text }, { status: 502, text: 'error-code 15' });
});

test('an allowed network host is fetched: method, body and response headers go through, the body streams back', async () => {
  const answer = await send(
    'POST',
    '/proxy/net',
    [
      ['x-scheme', 'http'],
      ['x-authority', `127.0.0.1:${allowed.port}`],
      ['x-path', '/anything?q=1'],
    ],
    90_000,
  );
  assert.deepEqual({ status: answer.status, length: answer.length, same: answer.same }, { status: 200, length: 90_000, same: true });
  assert.equal(answer.headers['content-type'], 'text/plain');
  assert.equal(answer.headers['x-proxied'], 'p3');
});

test('a redirect from an allowed host is not followed: the guest gets an error naming it and the target is never contacted', async () => {
  const before = outside.requests;
  const target = encodeURIComponent(`${outside.origin}/`);
  const answer = await send('GET', '/proxy/redirect', [
    ['x-scheme', 'http'],
    ['x-authority', `127.0.0.1:${allowed.port}`],
    ['x-path', `/redirect/${target}`],
  ]);
  assert.equal(answer.status, 502);
  // internal-error (case 38) with the reason, as the 0.2 path reports it.
  assert.match(answer.text, /^error-code 38: redirect not followed: the server at http:\/\/127\.0\.0\.1:\d+\/redirect\/\S+ answered with a redirect/);
  assert.equal(outside.requests, before, 'the redirect target was contacted');
  await logs()
    .getByText(/redirect not followed/)
    .first()
    .waitFor();
});
