/** The spin-* request headers (docs/spin-behaviour.md §8, crates/trigger-http/src/headers.rs). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Router } from '../../src/engine/router';
import { VIRTUAL_AUTHORITY, VIRTUAL_CLIENT_ADDR, spinRequestHeaders } from '../../src/engine/spin-headers';
import type { HttpTrigger } from '../../src/manifest/types';

function matchFor(route: string, path: string) {
  const trigger: HttpTrigger = { id: 't', route: { kind: 'path', route }, component: 'c', executor: { type: 'http' }, line: 1 };
  const match = Router.build([trigger]).route(path);
  assert.ok(match, `${route} should match ${path}`);
  return match;
}

test('Example 1 (Spin unit test): /foo/... on POST https://fermyon.dev/foo/bar?key1=value1&key2=value2', () => {
  const headers = spinRequestHeaders(matchFor('/foo/...', '/foo/bar'), {
    scheme: 'https',
    authority: 'fermyon.dev',
    pathWithQuery: '/foo/bar?key1=value1&key2=value2',
    clientAddr: '127.0.0.1:8777',
  });
  assert.deepEqual(headers, [
    ['spin-path-info', '/bar'],
    ['spin-full-url', 'https://fermyon.dev/foo/bar?key1=value1&key2=value2'],
    ['spin-matched-route', '/foo/...'],
    ['spin-base-path', '/'],
    ['spin-raw-component-route', '/foo/...'],
    ['spin-component-route', '/foo'],
    ['spin-client-addr', '127.0.0.1:8777'],
  ]);
});

test('Example 2 (conformance request-shape): /base/:path_segment/:path_end/... on GET /base/path/end/rest?key=value', () => {
  const headers = spinRequestHeaders(matchFor('/base/:path_segment/:path_end/...', '/base/path/end/rest'), {
    scheme: 'http',
    authority: 'example.com',
    pathWithQuery: '/base/path/end/rest?key=value',
    clientAddr: VIRTUAL_CLIENT_ADDR,
  });
  const byName = new Map(headers);
  assert.equal(byName.size, headers.length, 'exactly one value per header');
  assert.deepEqual(Object.fromEntries(headers), {
    'spin-full-url': 'http://example.com/base/path/end/rest?key=value',
    'spin-path-info': '/rest',
    'spin-matched-route': '/base/:path_segment/:path_end/...',
    'spin-base-path': '/',
    'spin-raw-component-route': '/base/:path_segment/:path_end/...',
    'spin-component-route': '/base/:path_segment/:path_end',
    'spin-client-addr': VIRTUAL_CLIENT_ADDR,
    'spin-path-match-path-segment': 'path',
    'spin-path-match-path-end': 'end',
  });
  assert.match(byName.get('spin-client-addr') ?? '', /^\d{1,3}(\.\d{1,3}){3}:\d{1,5}$/);
});

test('no other header starts with spin-', () => {
  const allowed = new Set([
    'spin-full-url',
    'spin-path-info',
    'spin-matched-route',
    'spin-base-path',
    'spin-raw-component-route',
    'spin-component-route',
    'spin-client-addr',
  ]);
  const headers = spinRequestHeaders(matchFor('/users/:userId/...', '/users/7/x'), {
    scheme: 'http',
    authority: VIRTUAL_AUTHORITY,
    pathWithQuery: '/users/7/x',
    clientAddr: VIRTUAL_CLIENT_ADDR,
  });
  const extra = headers.map(([name]) => name).filter((name) => !allowed.has(name));
  assert.deepEqual(extra, ['spin-path-match-userid']);
  assert.ok(headers.every(([name]) => name === name.toLowerCase() && !name.includes('_')));
});

test('the root route reports an empty matched route and the request path in the full URL', () => {
  const headers = new Map(
    spinRequestHeaders(matchFor('/', '/'), {
      scheme: 'http',
      authority: VIRTUAL_AUTHORITY,
      pathWithQuery: '/?a=1',
      clientAddr: VIRTUAL_CLIENT_ADDR,
    }),
  );
  assert.equal(headers.get('spin-matched-route'), '');
  assert.equal(headers.get('spin-raw-component-route'), '/');
  assert.equal(headers.get('spin-component-route'), '/');
  assert.equal(headers.get('spin-path-info'), '');
  assert.equal(headers.get('spin-full-url'), 'http://127.0.0.1:3000/?a=1');
});

test('a parameter name used twice gives one header with the last value', () => {
  const headers = spinRequestHeaders(matchFor('/:a/:a', '/x/y'), {
    scheme: 'http',
    authority: VIRTUAL_AUTHORITY,
    pathWithQuery: '/x/y',
    clientAddr: VIRTUAL_CLIENT_ADDR,
  });
  assert.deepEqual(
    headers.filter(([n]) => n.startsWith('spin-path-match-')),
    [['spin-path-match-a', 'y']],
  );
});

test('the virtual authority and client address are spin up defaults', () => {
  assert.equal(VIRTUAL_AUTHORITY, '127.0.0.1:3000');
  assert.equal(VIRTUAL_CLIENT_ADDR, '127.0.0.1:54321');
});
