/**
 * `allowed_outbound_hosts` against a real component's `fetch()` (the `outbound-wasi-http`
 * conformance app, which allows `http://127.0.0.1:*` and `http://localhost:*`) in Chromium, on
 * both outbound paths: JSPI (`fetch`) and no JSPI (synchronous XHR, forced with `?jspi=off`).
 * The allowed server on 127.0.0.1 is an open redirect; the other server listens on 127.0.0.2,
 * loopback too but a host the manifest does not allow, and counts what reaches it.
 * The setter and URL-joining attacks cannot be made from JavaScript's `fetch()` (it parses the
 * URL before the host sees it); test/unit/outbound-url.test.ts makes them on the host interfaces.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from '../support/chromium.ts';
import { serveStatic, type StaticServer } from '../support/static-server.ts';
import { startEchoServer, type EchoServer } from '../support/echo-server.ts';
import { newContext, openPlayground, sendFromConsole, waitForStatus } from '../support/playground.ts';

let browser: Browser;
let server: StaticServer;
let allowed: EchoServer;
let outside: EchoServer;
before(async () => {
  browser = await launchChromium();
  server = await serveStatic(new URL('../fixtures/dist/', import.meta.url).pathname);
  allowed = await startEchoServer();
  outside = await startEchoServer({ host: '127.0.0.2' });
});
after(async () => {
  await browser?.close();
  await server?.close();
  await allowed?.close();
  await outside?.close();
});

/** Open the outbound app pointed at `url` (its app variable), run it, and send `GET /`. */
async function callThrough(page: Page, url: string) {
  if (!(await page.locator('#variables').evaluate((d) => (d as HTMLDetailsElement).open))) await page.locator('#variables summary').click();
  await page.locator('#variables').getByLabel('Variable url').fill(url);
  await page.getByRole('button', { name: 'Run' }).click();
  await waitForStatus(page, 'Running');
  return sendFromConsole(page, 'GET', '/');
}

const app = () => encodeURIComponent(`${server.url}/conformance/outbound-wasi-http/spin.toml`);
const openRedirect = () => `${allowed.origin}/redirect/${encodeURIComponent(`${outside.origin}/`)}`;

test('attack: an open redirect on an allowed server does not take fetch() outside the list (JSPI)', async () => {
  const context = await newContext(browser);
  const page = await openPlayground(context, `?app=${app()}&preview=off`);
  const before = outside.requests;
  const response = await callThrough(page, openRedirect());
  assert.match(response.status, /^500\b/, response.body);
  assert.match(response.body, /^incoming-response#get: /);
  assert.equal(outside.requests, before, 'the server outside allowed_outbound_hosts was contacted');
  await page
    .getByRole('region', { name: 'Logs' })
    .getByText(/redirect not followed/)
    .first()
    .waitFor();
  // The same app reaches the allowed server itself: the 500 above is the redirect, nothing else.
  const direct = await callThrough(page, `${allowed.origin}/`);
  assert.match(direct.status, /^200\b/, direct.body);
  assert.equal(direct.body, 'Hello, world!');
  await context.close();
});

test('attack: without JSPI the browser follows the redirect, but the guest gets the error, not the body', async () => {
  const context = await newContext(browser);
  const page = await openPlayground(context, `?app=${app()}&preview=off&jspi=off`);
  const response = await callThrough(page, openRedirect());
  assert.match(response.status, /^500\b/, response.body);
  assert.doesNotMatch(response.body, /Hello, world!/);
  const logs = page.getByRole('region', { name: 'Logs' });
  await logs.getByText(`redirect to ${outside.origin}/ (outside allowed_outbound_hosts) not followed`).first().waitFor();
  await context.close();
});
