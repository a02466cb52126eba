/**
 * Outbound destinations and `allowed_outbound_hosts`: the shared check (`outbound-url.ts`), and
 * the attacks on it through the real `wasi:http` request resource, `outgoing-handler.handle` and
 * Spin 1's `send-request`. Each attack test names the attack; the handler tests record every URL
 * handed to `fetch` (Node's real fetch, against loopback servers, where a server is involved).
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { register } from 'node:module';
import { parseAllowedHosts } from '../../src/host/allowed-hosts.ts';
import {
  isValidAuthority,
  isValidPathWithQuery,
  OutboundRefusal,
  resolveOutboundRequest,
  resolveOutboundUrl,
  type OutboundTarget,
} from '../../src/host/outbound-url.ts';
import type { OutboundHttpContext } from '../../src/host/outbound-http.ts';
import type { OutboundResult } from '../../src/host/wasi-http.ts';
import { startEchoServer, type EchoServer } from '../support/echo-server.ts';

// The wasi:http host runs on preview2-shim's browser `io` build, as in the engine.
register('../support/browser-io-shim.mjs', import.meta.url);
const { createOutgoingHandler } = await import('../../src/host/outbound-http.ts');
const { createSpin1Http } = await import('../../src/host/outbound-http-spin1.ts');
const { createWasiHttpTypes, OutgoingBody } = await import('../../src/host/wasi-http.ts');

const resolve = (allowed: string[], authority: string | undefined, pathWithQuery = '/', scheme = 'https'): OutboundTarget =>
  resolveOutboundRequest({ scheme, authority, pathWithQuery }, parseAllowedHosts(allowed));

const refusal = (run: () => unknown): OutboundRefusal => {
  try {
    run();
  } catch (error) {
    if (error instanceof OutboundRefusal) return error;
    throw error;
  }
  assert.fail('expected the request to be refused');
};

const href = (target: OutboundTarget) => (target.kind === 'network' ? target.url.href : assert.fail(`expected a network target, got ${target.kind}`));

test('the checked URL is the fetched URL: path, query and port come from one parse', () => {
  assert.equal(href(resolve(['https://allowed.com'], 'allowed.com', '/x?y=1')), 'https://allowed.com/x?y=1');
  assert.equal(href(resolve(['https://*.example.com'], 'API.Example.com', '/a/b#frag')), 'https://api.example.com/a/b');
  assert.equal(href(resolve(['http://127.0.0.1:*'], '127.0.0.1:8080', '/', 'http')), 'http://127.0.0.1:8080/');
  assert.equal(href(resolve(['http://[::1]:*'], '[::1]:8080', '/', 'http')), 'http://[::1]:8080/');
});

test('attack: authority allowed.com with path .evil.com/x is judged as host allowed.com.evil.com and denied', () => {
  const error = refusal(() => resolve(['https://allowed.com'], 'allowed.com', '.evil.com/x'));
  assert.equal(error.code, 'HTTP-request-denied');
  assert.equal(error.destination, 'https://allowed.com.evil.com');
});

test('attack: path :8443/ changes the port, which is judged and denied', () => {
  const error = refusal(() => resolve(['https://allowed.com'], 'allowed.com', ':8443/'));
  assert.equal(error.code, 'HTTP-request-denied');
  assert.equal(error.destination, 'https://allowed.com:8443');
});

test('attack: with *.example.com, an authority hiding evil.com before ? / # or \\ is invalid', () => {
  for (const authority of ['evil.com?.example.com', 'evil.com/.example.com', 'evil.com#.example.com', 'evil.com\\.example.com']) {
    assert.equal(isValidAuthority(authority), false, authority);
    const error = refusal(() => resolve(['https://*.example.com'], authority));
    assert.equal(error.code, 'HTTP-request-URI-invalid', authority);
  }
});

test('attack: userinfo is not the host; the host after @ is judged, and no credentials are sent', () => {
  assert.equal(refusal(() => resolve(['https://allowed.com'], 'user@evil.com')).destination, 'https://evil.com');
  // wasmtime: a colon without brackets must introduce the port of the host after @.
  assert.equal(refusal(() => resolve(['https://allowed.com:*'], 'allowed.com:443@evil.com')).code, 'HTTP-request-URI-invalid');
  assert.equal(href(resolve(['https://allowed.com'], 'user:pw@allowed.com:443')), 'https://allowed.com/');
});

test('authorities and paths are checked as wasmtime-wasi-http checks them', () => {
  for (const bad of [
    'allowed.com ',
    ' allowed.com',
    'allo wed.com',
    'allowed.com:',
    'allowed.com:x',
    'allowed.com:65536',
    'a:1:2',
    'user:pw@host',
    'host@',
    '[::1',
    'ex\u00e4mple.com',
    'a%41.com',
  ]) {
    assert.equal(isValidAuthority(bad), false, JSON.stringify(bad));
  }
  for (const good of ['allowed.com', 'allowed.com:443', '127.0.0.1:80', '[::1]', '[::1]:443', 'user@allowed.com', 'user:pw@allowed.com:8080']) {
    assert.equal(isValidAuthority(good), true, good);
  }
  for (const bad of ['/a b', '/a\tb', '/x<y', '/x>y', '/x`y', '/?q=a b', '/?q="', '/\n']) assert.equal(isValidPathWithQuery(bad), false, JSON.stringify(bad));
  for (const good of ['/', '', '/a/b?c=d&e', '/{"json":1}', '/caf\u00e9', '/x#<anything after a fragment>', '.evil.com/x'])
    assert.equal(isValidPathWithQuery(good), true, good);
  assert.equal(refusal(() => resolve(['*://*:*'], 'allowed.com', '/', 'ftp')).code, 'HTTP-protocol-error');
});

test('no authority is the app itself (http://self); <component>.spin.internal is service chaining', () => {
  assert.deepEqual(resolve(['http://self'], undefined, '/api?x=1'), { kind: 'self', pathWithQuery: '/api?x=1' });
  assert.equal(refusal(() => resolve(['https://allowed.com'], undefined, '/api')).destination, 'https://self');
  assert.equal(refusal(() => resolve(['http://self'], undefined, 'api')).code, 'HTTP-request-URI-invalid');
  assert.deepEqual(resolve(['http://users.spin.internal'], 'users.spin.internal', '/u/1', 'http'), {
    kind: 'component',
    component: 'users',
    pathWithQuery: '/u/1',
  });
  assert.deepEqual(resolveOutboundUrl('http://users.spin.internal/u/1?x#f', parseAllowedHosts(['http://*.spin.internal'])), {
    kind: 'component',
    component: 'users',
    pathWithQuery: '/u/1?x',
  });
});

// ---- The same attacks through the host interfaces a guest calls ----

interface Attempt {
  /** `set-authority` / `set-path-with-query` returned `err` (jco: the setter threw). */
  setterRejected: boolean;
  /** `handle` returned `err(error-code)`. */
  handleError?: unknown;
  /** The future's `result<incoming-response, error-code>`. */
  result?: OutboundResult;
  fetched: string[];
  inits: RequestInit[];
  warnings: string[];
}

function context(allowed: string[], fetched: string[], inits: RequestInit[], warnings: string[], fetchImpl: typeof fetch): OutboundHttpContext {
  return {
    allowedHosts: parseAllowedHosts(allowed),
    internal: async () => ({ status: 200, headers: [], body: new Uint8Array() }),
    fetch: (async (input: RequestInfo | URL, init?: RequestInit) => {
      fetched.push(String(input));
      inits.push(init ?? {});
      return fetchImpl(input, init);
    }) as typeof fetch,
    bridge: 'jspi',
    onWarning: (message) => warnings.push(message),
  };
}

const noNetwork = (async () => new Response('from the network')) as unknown as typeof fetch;

async function attempt(
  allowed: string[],
  parts: { scheme?: 'http' | 'https'; authority: string; pathWithQuery: string },
  fetchImpl = noNetwork,
): Promise<Attempt> {
  const a: Attempt = { setterRejected: false, fetched: [], inits: [], warnings: [] };
  const types = createWasiHttpTypes();
  const request = new types.OutgoingRequest(new types.Fields());
  try {
    request.setScheme(parts.scheme === 'http' ? { tag: 'HTTP' } : { tag: 'HTTPS' });
    request.setAuthority(parts.authority);
    request.setPathWithQuery(parts.pathWithQuery);
  } catch {
    a.setterRejected = true;
    return a;
  }
  OutgoingBody.finish(request.body());
  const handler = createOutgoingHandler(context(allowed, a.fetched, a.inits, a.warnings, fetchImpl));
  let future: InstanceType<typeof types.FutureIncomingResponse>;
  try {
    future = handler.handle(request) as InstanceType<typeof types.FutureIncomingResponse>;
  } catch (error) {
    a.handleError = error;
    return a;
  }
  for (let i = 0; i < 500; i++) {
    const got = future.get() as { tag: 'ok'; val: OutboundResult } | undefined;
    if (got) {
      a.result = got.val;
      return a;
    }
    await new Promise((r) => setTimeout(r, 10));
  }
  assert.fail('the outbound future never settled');
}

const hostsOf = (urls: string[]) => urls.map((u) => new URL(u).host);

test('attack through handle: authority allowed.com + path .evil.com/x never reaches fetch', async () => {
  const a = await attempt(['https://allowed.com'], { authority: 'allowed.com', pathWithQuery: '.evil.com/x' });
  assert.deepEqual(a.fetched, [], `fetched ${a.fetched.join(', ')}`);
  assert.deepEqual(a.handleError, { tag: 'HTTP-request-denied' });
  assert.match(a.warnings.join('\n'), /disallowed destination 'https:\/\/allowed\.com\.evil\.com'/);
});

test('attack through handle: path :8443/ never reaches fetch', async () => {
  const a = await attempt(['https://allowed.com'], { authority: 'allowed.com', pathWithQuery: ':8443/' });
  assert.deepEqual(a.fetched, [], `fetched ${a.fetched.join(', ')}`);
  assert.deepEqual(a.handleError, { tag: 'HTTP-request-denied' });
  assert.match(a.warnings.join('\n'), /'https:\/\/allowed\.com:8443'/);
});

test('attack through set-authority: evil.com?.example.com, /, # and \\ variants are refused by the setter', async () => {
  for (const authority of ['evil.com?.example.com', 'evil.com/.example.com', 'evil.com#.example.com', 'evil.com\\.example.com']) {
    const a = await attempt(['https://*.example.com'], { authority, pathWithQuery: '/' });
    assert.deepEqual(hostsOf(a.fetched), [], `${authority}: fetched ${a.fetched.join(', ')}`);
    assert.equal(a.setterRejected, true, authority);
  }
});

test('attack through handle: userinfo (user@evil.com, allowed.com:443@evil.com) is judged by the host after @', async () => {
  const plain = await attempt(['https://allowed.com'], { authority: 'user@evil.com', pathWithQuery: '/' });
  assert.deepEqual(plain.fetched, []);
  assert.match(plain.warnings.join('\n'), /disallowed destination 'https:\/\/evil\.com'/);
  // Today's split at the last colon read host allowed.com, port "443@evil.com" (allowed by :*).
  const withPort = await attempt(['https://allowed.com:*'], { authority: 'allowed.com:443@evil.com', pathWithQuery: '/' });
  assert.deepEqual(withPort.fetched, [], `fetched ${withPort.fetched.join(', ')}`);
  assert.equal(withPort.setterRejected, true);
  const allowed = await attempt(['https://allowed.com'], { authority: 'user@allowed.com', pathWithQuery: '/ok' });
  assert.deepEqual(allowed.fetched, ['https://allowed.com/ok']);
});

let allowedServer: EchoServer;
let evilServer: EchoServer;
before(async () => {
  allowedServer = await startEchoServer();
  // 127.0.0.2 is loopback too, but a different host: not in any allow-list below.
  evilServer = await startEchoServer({ host: '127.0.0.2' });
});
after(async () => {
  await allowedServer?.close();
  await evilServer?.close();
});

test('attack: an open redirect on an allowed server is not followed to a host outside the list (wasi:http)', async () => {
  const before = evilServer.requests;
  const target = `${evilServer.origin}/`;
  const a = await attempt(
    ['http://127.0.0.1:*'],
    { scheme: 'http', authority: `127.0.0.1:${allowedServer.port}`, pathWithQuery: `/redirect/${encodeURIComponent(target)}` },
    fetch,
  );
  assert.equal(evilServer.requests, before, 'the server outside the allow-list was contacted');
  assert.equal(a.inits[0]?.redirect, 'manual');
  assert.equal(a.inits[0]?.credentials, 'omit');
  assert.equal(a.result?.tag, 'err');
  const error = a.result?.val as { tag: string; val: string };
  assert.equal(error.tag, 'internal-error');
  assert.match(error.val, /^redirect not followed/);
  assert.match(a.warnings.join('\n'), /redirect not followed/);
});

test('a request to an allowed server without a redirect still returns its response', async () => {
  const a = await attempt(['http://127.0.0.1:*'], { scheme: 'http', authority: `127.0.0.1:${allowedServer.port}`, pathWithQuery: '/' }, fetch);
  assert.equal(a.result?.tag, 'ok');
  assert.equal((a.result!.val as { status(): number }).status(), 200);
});

test('attack: an open redirect on an allowed server is not followed by Spin 1 fermyon:spin/http either', async () => {
  const fetched: string[] = [];
  const warnings: string[] = [];
  const before = evilServer.requests;
  const http = createSpin1Http(context(['http://127.0.0.1:*'], fetched, [], warnings, fetch));
  const uri = `${allowedServer.origin}/redirect/${encodeURIComponent(`${evilServer.origin}/`)}`;
  await assert.rejects(http.sendRequest({ method: 'get', uri, headers: [], params: [] }), (e) => e === 'request-error');
  assert.equal(evilServer.requests, before, 'the server outside the allow-list was contacted');
  assert.match(warnings.join('\n'), /redirect not followed/);
});

test('Spin 1 judges the parsed URL: userinfo and odd ports cannot pass for an allowed host', async () => {
  const fetched: string[] = [];
  const warnings: string[] = [];
  const http = createSpin1Http(context(['https://allowed.com'], fetched, [], warnings, noNetwork));
  await assert.rejects(
    http.sendRequest({ method: 'get', uri: 'https://allowed.com@evil.com/', headers: [], params: [] }),
    (e) => e === 'destination-not-allowed',
  );
  await assert.rejects(http.sendRequest({ method: 'get', uri: 'https://allowed.com:8443/', headers: [], params: [] }), (e) => e === 'destination-not-allowed');
  await assert.rejects(http.sendRequest({ method: 'get', uri: 'not a url', headers: [], params: [] }), (e) => e === 'invalid-url');
  assert.deepEqual(fetched, []);
  const ok = await http.sendRequest({ method: 'get', uri: 'https://user:pw@allowed.com/x#f', headers: [], params: [] });
  assert.equal(ok.status, 200);
  assert.deepEqual(fetched, ['https://allowed.com/x']);
});

test('handle sends requests without an authority to the app itself, and .spin.internal to the component', async () => {
  const types = createWasiHttpTypes();
  const calls: unknown[] = [];
  const fetched: string[] = [];
  const ctx = {
    ...context(['http://self', 'http://users.spin.internal'], fetched, [], [], noNetwork),
    internal: async (target: unknown, request: { pathWithQuery: string }) => {
      calls.push([target, request.pathWithQuery]);
      return { status: 204, headers: [], body: new Uint8Array() };
    },
  };
  const send = async (authority: string | undefined, path: string) => {
    const request = new types.OutgoingRequest(new types.Fields());
    request.setScheme({ tag: 'HTTP' });
    request.setAuthority(authority);
    request.setPathWithQuery(path);
    OutgoingBody.finish(request.body());
    const future = createOutgoingHandler(ctx).handle(request) as InstanceType<typeof types.FutureIncomingResponse>;
    for (let i = 0; i < 100 && !future.get(); i++) await new Promise((r) => setTimeout(r, 5));
  };
  await send(undefined, '/api?x=1');
  await send('users.spin.internal', '/u/1');
  assert.deepEqual(calls, [
    [{ self: true }, '/api?x=1'],
    [{ component: 'users' }, '/u/1'],
  ]);
  assert.deepEqual(fetched, []);
});
