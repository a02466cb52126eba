/** The per-project cookie jar that stands in for the browser's (service workers cannot set cookies). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CROSS_SITE, CookieJar, SAME_SITE, requestContext } from '../../src/engine/cookie-jar.ts';

test('a cookie set by a response is sent back on the next request', () => {
  const jar = new CookieJar();
  jar.store(['session=abc; Path=/; HttpOnly'], '/login');
  assert.equal(jar.header('/'), 'session=abc');
  assert.equal(jar.header('/anything/else'), 'session=abc');
});

test("without Path, the default path is the request path's directory", () => {
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

// SameSite, as a browser applies it (unspecified means Lax), with the project's origin as its site.
// The attack these rules stop: another project's app frames or posts a form into this project's
// origin, and the request would arrive with this project's session cookie.
function sameSiteJar(): CookieJar {
  const jar = new CookieJar();
  jar.store(['plain=1; Path=/', 'lax=2; Path=/; SameSite=Lax', 'strict=3; Path=/; SameSite=Strict', 'none=4; Path=/; SameSite=None; Secure'], '/');
  return jar;
}
const cookies = (jar: CookieJar, context: ReturnType<typeof requestContext>) => jar.header('/', Date.now(), context);

test("the project's own pages send every cookie, whatever the method", () => {
  const jar = sameSiteJar();
  for (const navigation of ['top', 'frame', null] as const) {
    assert.equal(cookies(jar, requestContext({ site: 'same-origin', navigation }, 'POST')), 'plain=1; lax=2; strict=3; none=4');
  }
  assert.equal(jar.header('/'), 'plain=1; lax=2; strict=3; none=4', 'no context given: same-site (the console, the existing callers)');
  assert.equal(cookies(jar, SAME_SITE), 'plain=1; lax=2; strict=3; none=4');
});

test('attack: another origin posts a form or frames a page into the project: only SameSite=None cookies go', () => {
  const jar = sameSiteJar();
  assert.equal(cookies(jar, requestContext({ site: 'cross-site', navigation: 'frame' }, 'POST')), 'none=4');
  assert.equal(cookies(jar, requestContext({ site: 'cross-site', navigation: 'frame' }, 'GET')), 'none=4', 'a cross-site frame is not a top-level navigation');
  assert.equal(cookies(jar, requestContext({ site: 'cross-site', navigation: 'top' }, 'POST')), 'none=4', 'a cross-site top-level POST gets no Lax cookies');
  assert.equal(cookies(jar, requestContext({ site: 'cross-site', navigation: null }, 'GET')), 'none=4');
  assert.equal(cookies(jar, CROSS_SITE), 'none=4');
});

test('a top-level GET navigation from elsewhere sends Lax (and unspecified) cookies but not Strict', () => {
  const jar = sameSiteJar();
  assert.equal(cookies(jar, requestContext({ site: 'cross-site', navigation: 'top' }, 'GET')), 'plain=1; lax=2; none=4');
  assert.equal(cookies(jar, requestContext({ site: 'cross-site', navigation: 'top' }, 'HEAD')), 'plain=1; lax=2; none=4');
  // The playground UI loading the preview frame (address bar, Reload, first load) is the app's
  // top-level navigation.
  assert.equal(cookies(jar, requestContext({ site: 'ui', navigation: 'frame' }, 'GET')), 'plain=1; lax=2; none=4');
  assert.equal(cookies(jar, requestContext({ site: 'ui', navigation: null }, 'GET')), 'none=4', 'a UI-origin subresource request is cross-site');
});

test('SameSite values are case-insensitive and an unknown one means Lax', () => {
  const jar = new CookieJar();
  jar.store(['a=1; SameSite=STRICT; Path=/', 'b=2; samesite=none; Path=/', 'c=3; SameSite=bogus; Path=/'], '/');
  assert.equal(cookies(jar, requestContext({ site: 'cross-site', navigation: 'top' }, 'GET')), 'b=2; c=3');
});

test('a cross-site response that is not a top-level navigation may set only SameSite=None cookies', () => {
  const jar = new CookieJar();
  jar.store(['session=evil; Path=/', 'tracker=t; Path=/; SameSite=None'], '/', Date.now(), requestContext({ site: 'cross-site', navigation: 'frame' }, 'POST'));
  assert.equal(jar.header('/'), 'tracker=t');
  jar.store(['session=ok; Path=/'], '/', Date.now(), requestContext({ site: 'cross-site', navigation: 'top' }, 'GET'));
  assert.equal(jar.header('/'), 'tracker=t; session=ok');
});
