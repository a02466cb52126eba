/** Spin's routing rules (docs/spin-behaviour.md §7; crates/routes and routefinder 0.5.4). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Router, reservedPath } from '../../src/engine/router';
import type { HttpTrigger } from '../../src/manifest/types';

/** An HTTP trigger for component `component` (default: the route's own name) on `route`. */
function http(route: string, component: string = route): HttpTrigger {
  return { id: `${component}-http-trigger`, route: { kind: 'path', route }, component, executor: { type: 'http' }, line: 1 };
}
function privateTrigger(component: string): HttpTrigger {
  return { id: `${component}-http-trigger`, route: { kind: 'private' }, component, executor: { type: 'http' }, line: 1 };
}
/** Which component handles `path`, or null for Spin's 404. */
const handler = (router: Router, path: string) => router.route(path)?.trigger.component ?? null;

test('exact route beats wildcard', () => {
  const router = Router.build([http('/...', 'all'), http('/one', 'one')]);
  assert.equal(handler(router, '/one'), 'one');
  assert.equal(handler(router, '/two'), 'all');
});

test('/users/admin beats /users/:id beats /users/...', () => {
  for (const order of [
    [0, 1, 2],
    [2, 1, 0],
    [1, 2, 0],
  ]) {
    const triggers = [http('/users/admin', 'admin'), http('/users/:id', 'by-id'), http('/users/...', 'users')];
    const router = Router.build(order.map((i) => triggers[i]!));
    assert.equal(handler(router, '/users/admin'), 'admin');
    assert.equal(handler(router, '/users/42'), 'by-id');
    assert.equal(handler(router, '/users/42/edit'), 'users');
    assert.equal(handler(router, '/users'), 'users');
  }
});

test('the longest wildcard prefix wins whatever the manifest order', () => {
  const routes = [http('/one/...', 'one'), http('/one/two/...', 'two'), http('/one/two/three/...', 'three')];
  assert.equal(handler(Router.build(routes), '/one/two/three/four'), 'three');
  assert.equal(handler(Router.build([...routes].reverse()), '/one/two/three/four'), 'three');
});

test('/foo beats /foo/... on /foo because fewer segments win', () => {
  const router = Router.build([http('/foo/...', 'wild'), http('/foo', 'exact')]);
  assert.equal(handler(router, '/foo'), 'exact');
  assert.equal(handler(router, '/foo/x'), 'wild');
});

test('a route with more dot-separated parts wins', () => {
  for (const triggers of [
    [http('/files/:name', 'any'), http('/files/:name.json', 'json')],
    [http('/files/:name.json', 'json'), http('/files/:name', 'any')],
  ]) {
    const router = Router.build(triggers);
    assert.deepEqual(router.route('/files/a.json')?.params, [['name', 'a']]);
    assert.equal(handler(router, '/files/a.json'), 'json');
    assert.equal(handler(router, '/files/a'), 'any');
  }
});

test('full ties go to the earlier route', () => {
  assert.equal(handler(Router.build([http('/:a', 'first'), http('/:b', 'second')]), '/x'), 'first');
  assert.equal(handler(Router.build([http('/:b', 'second'), http('/:a', 'first')]), '/x'), 'second');
});

test('last duplicate wins and is reported', () => {
  const router = Router.build([http('/foo', 'first'), http('/bar', 'bar'), http('/foo', 'second'), http('/', 'root-a'), http('/', 'root-b')]);
  assert.equal(handler(router, '/foo'), 'second');
  assert.equal(handler(router, '/'), 'root-b');
  assert.deepEqual(router.duplicates, [
    { id: 'first', route: '/foo', duplicateOf: 'second' },
    { id: 'root-a', route: '/', duplicateOf: 'root-b' },
  ]);
});

test('routes spelled differently are not duplicates, and the earlier one wins', () => {
  const router = Router.build([http('/foo', 'slash'), http('foo', 'bare'), http('/foo/', 'trailing')]);
  assert.deepEqual(router.duplicates, []);
  assert.equal(handler(router, '/foo'), 'slash');
});

test('a static response route reports its trigger id', () => {
  const teapot: HttpTrigger = {
    id: 'teapot',
    route: { kind: 'path', route: '/tea' },
    staticResponse: { statusCode: 418, headers: {} },
    executor: { type: 'http' },
    line: 1,
  };
  const router = Router.build([teapot, http('/tea', 'kettle')]);
  assert.deepEqual(router.duplicates, [{ id: 'teapot', route: '/tea', duplicateOf: 'kettle' }]);
});

test('private route never matches', () => {
  const router = Router.build([privateTrigger('secret')]);
  assert.equal(router.route('/'), null);
  assert.equal(router.route('/secret'), null);
  assert.deepEqual(router.listing(), []);
  assert.equal(handler(Router.build([privateTrigger('secret'), http('/...', 'all')]), '/secret'), 'all');
});

test('trailing slash ignored: exact /foo matches /foo/ and /foo//', () => {
  const router = Router.build([http('/foo', 'foo')]);
  for (const path of ['/foo', '/foo/', '/foo//', '//foo']) assert.equal(handler(router, path), 'foo', path);
  assert.equal(handler(router, '/foobar'), null);
  assert.equal(handler(Router.build([http('/foo/', 'foo')]), '/foo'), 'foo');
  assert.equal(handler(Router.build([http('foo', 'foo')]), '/foo'), 'foo');
});

test('route / matches only /', () => {
  const router = Router.build([http('/', 'root')]);
  const match = router.route('/');
  assert.equal(match?.trigger.component, 'root');
  assert.equal(match?.basedRoute, '');
  assert.equal(match?.pathInfo, '');
  assert.equal(router.route('/a'), null);
  assert.equal(router.route('/a/'), null);
});

test('inner // does not match /', () => {
  assert.equal(handler(Router.build([http('/foo/bar')]), '/foo//bar'), null);
  assert.equal(handler(Router.build([http('/a/:id')]), '/a//'), null);
});

test('a parameter matches exactly one non-empty segment', () => {
  const router = Router.build([http('/users/:id', 'user')]);
  assert.deepEqual(router.route('/users/42')?.params, [['id', '42']]);
  assert.equal(router.route('/users'), null);
  assert.equal(router.route('/users/'), null);
  assert.equal(router.route('/users/42/edit'), null);
  assert.equal(Router.build([http('/:id', 'top')]).route('/'), null);
  const nested = Router.build([http('/users/:id/cart/...', 'cart')]).route('/users/7/cart/items/3');
  assert.deepEqual(nested?.params, [['id', '7']]);
  assert.equal(nested?.pathInfo, '/items/3');
});

test('like Spin (routefinder), a middle parameter captures the empty segment of an inner //', () => {
  assert.deepEqual(Router.build([http('/a/:id/b', 'c')]).route('/a//b')?.params, [['id', '']]);
});

test('pathInfo follows the table in §8', () => {
  const router = Router.build([http('/foo/...', 'foo'), http('/exact', 'exact')]);
  const cases: Array<[string, string]> = [
    ['/foo', ''],
    ['/foo/', '/'],
    ['/foo/bar', '/bar'],
    ['/foo/bar/', '/bar/'],
    ['/foo/a/b', '/a/b'],
  ];
  for (const [path, info] of cases) assert.equal(router.route(path)?.pathInfo, info, path);
  assert.equal(router.route('/exact/')?.pathInfo, '');
});

test('/... matches everything and keeps the whole path as pathInfo', () => {
  const router = Router.build([http('/...', 'all')]);
  assert.equal(router.route('/')?.pathInfo, '/');
  assert.equal(router.route('/a/b')?.pathInfo, '/a/b');
  assert.equal(router.route('/a/b')?.componentRoute, '');
  assert.equal(router.route('/a/b')?.basedRoute, '/...');
});

test('/x/* is a synonym for /x/...', () => {
  const match = Router.build([http('/x/*', 'x')]).route('/x/y');
  assert.equal(match?.pathInfo, '/y');
  assert.equal(match?.componentRoute, '/x/*');
  assert.equal(Router.build([http('/x/*', 'x')]).route('/x')?.pathInfo, '');
  assert.deepEqual(Router.build([http('/x/*', 'x')]).listing(), [{ componentOrTriggerId: 'x', route: '/x', wildcard: true }]);
});

test('the match carries the raw, based and component routes', () => {
  const match = Router.build([http('foo/...', 'foo')]).route('/foo/bar');
  assert.equal(match?.rawRoute, 'foo/...');
  assert.equal(match?.basedRoute, '/foo/...');
  assert.equal(match?.componentRoute, 'foo');
});

test('percent-encoded path matched raw', () => {
  const router = Router.build([http('/caf%C3%A9', 'cafe'), http('/users/:name', 'user')]);
  assert.equal(handler(router, '/caf%C3%A9'), 'cafe');
  assert.equal(handler(router, '/café'), null);
  assert.deepEqual(router.route('/users/a%20b')?.params, [['name', 'a%20b']]);
});

test('matching is case-sensitive', () => {
  assert.equal(handler(Router.build([http('/Foo', 'foo')]), '/foo'), null);
});

test('reserved paths are recognised before app routes', () => {
  assert.equal(reservedPath('/.well-known/spin/health'), 'health');
  assert.equal(reservedPath('/.well-known/spin/info'), 'info');
  assert.equal(reservedPath('/.well-known/spin/other'), 'other-reserved');
  assert.equal(reservedPath('/.well-known/spin/health/'), 'other-reserved');
  assert.equal(reservedPath('/.well-known/spin/'), 'other-reserved');
  assert.equal(reservedPath('/.well-known/spin'), null);
  assert.equal(reservedPath('/.well-known/spindle/x'), null);
  assert.equal(reservedPath('/'), null);
  assert.equal(Router.build([http('/.well-known/spin/...', 'greedy')]).declaresReservedRoute, true);
  assert.equal(Router.build([http('/.well-known/spin', 'fine')]).declaresReservedRoute, false);
});

test('bad route patterns fail the build with Spin message', () => {
  assert.throws(() => Router.build([http('/a/:', 'c')]), { message: 'Error parsing route /a/: associated with component c: params must be named' });
  assert.throws(() => Router.build([http('/a/*rest', 'c')]), {
    message: "Error parsing route /a/*rest associated with component c: since there can only be one wildcard, it doesn't need a name. replace `*rest` with `*`",
  });
});

test('listing is in the order spin up prints routes, not manifest order', () => {
  const router = Router.build([http('/...', 'all'), http('/api/...', 'api'), http('/', 'root'), privateTrigger('hidden')]);
  assert.deepEqual(router.listing(), [
    { componentOrTriggerId: 'root', route: '/', wildcard: false },
    { componentOrTriggerId: 'api', route: '/api', wildcard: true },
    { componentOrTriggerId: 'all', route: '/', wildcard: true },
  ]);
});
