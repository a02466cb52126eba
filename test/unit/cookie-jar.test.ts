/** The per-project cookie jar that stands in for the browser's (service workers cannot set cookies). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CookieJar } from '../../src/engine/cookie-jar.ts';

test('a cookie set by a response is sent back on the next request', () => {
  const jar = new CookieJar();
  jar.store(['session=abc; Path=/; HttpOnly'], '/login');
  assert.equal(jar.header('/'), 'session=abc');
  assert.equal(jar.header('/anything/else'), 'session=abc');
});

test('without Path, the default path is the request path\'s directory', () => {
  const jar = new CookieJar();
  jar.store(['a=1'], '/account/login');
  assert.equal(jar.header('/account/settings'), 'a=1');
  assert.equal(jar.header('/accounting'), undefined, 'a prefix that is not a path segment does not match');
  assert.equal(jar.header('/'), undefined);
});

test('Max-Age=0 and a past Expires delete a cookie; Max-Age wins over Expires', () => {
  const jar = new CookieJar();
  const now = Date.parse('2026-01-01T00:00:00Z');
  jar.store(['a=1; Path=/', 'b=2; Path=/'], '/', now);
  jar.store(['a=; Path=/; Max-Age=0', 'b=; Path=/; Expires=Thu, 01 Jan 1970 00:00:00 GMT'], '/', now);
  assert.equal(jar.header('/', now), undefined);
  jar.store(['c=3; Path=/; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=60'], '/', now);
  assert.equal(jar.header('/', now + 30_000), 'c=3');
  assert.equal(jar.header('/', now + 61_000), undefined, 'expired after its Max-Age');
});

test('a later Set-Cookie of the same name and path replaces the value; more specific paths come first', () => {
  const jar = new CookieJar();
  jar.store(['x=1; Path=/'], '/');
  jar.store(['x=2; Path=/'], '/');
  jar.store(['x=deep; Path=/a'], '/a');
  assert.equal(jar.header('/a/b'), 'x=deep; x=2');
});
