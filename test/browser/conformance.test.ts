/**
 * Conformance, in Chromium: every app under test/fixtures/dist/{conformance,apps} with an
 * `expect.json` runs in a fresh browser context (fresh key-value and SQLite state) and each
 * invocation is checked the way fermyon/conformance-tests' runner checks it: status, body
 * (exact, or `bodyPattern`), and headers, where any response header not listed fails except the
 * transport headers `content-length`, `transfer-encoding` and `date` (docs/spin-behaviour.md §12).
 *
 * Requests go to the engine directly (as the request console sends them), so they can carry
 * `Host: example.com` as the conformance runner does; a browser's fetch could not.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from '../support/chromium.ts';
import { serveStatic, type StaticServer } from '../support/static-server.ts';
import { startEchoServer } from '../support/echo-server.ts';
import { newContext, openPlayground, waitForStatus } from '../support/playground.ts';

interface ExpectedHeader {
  name: string;
  value?: string;
  optional?: boolean;
}
interface Invocation {
  request: { method: string; path: string; headers?: Array<{ name: string; value: string }>; body?: string };
  response: { status: number; body?: string; bodyPattern?: string; headers?: ExpectedHeader[] };
}
interface Expectation {
  description: string;
  load?: { ok: boolean; spinError?: string };
  variables?: Record<string, string>;
  preconditions?: Array<{ kind: string }>;
  invocations: Invocation[];
}

const dist = new URL('../fixtures/dist/', import.meta.url).pathname;
const suites = ['conformance', 'apps'].flatMap((group) =>
  readdirSync(join(dist, group))
    .filter((name) => existsSync(join(dist, group, name, 'expect.json')))
    .map((name) => ({ group, name, expect: JSON.parse(readFileSync(join(dist, group, name, 'expect.json'), 'utf8')) as Expectation })),
);
const TRANSPORT = new Set(['content-length', 'transfer-encoding', 'date']);

let browser: Browser;
let server: StaticServer;
let echo: { port: number; close(): Promise<void> };

before(async () => {
  browser = await launchChromium();
  server = await serveStatic(dist);
  echo = await startEchoServer();
});
after(async () => {
  await browser?.close();
  await server?.close();
  await echo?.close();
});

const withPort = (text: string) => text.replaceAll('%{port=80}', String(echo.port));

async function send(page: Page, invocation: Invocation) {
  const request = {
    method: invocation.request.method,
    pathWithQuery: invocation.request.path,
    headers: (invocation.request.headers ?? []).map((h) => [h.name, withPort(h.value)] as [string, string]),
    body: invocation.request.body ?? null,
  };
  return page.evaluate(async (r) => {
    const { engine } = (
      window as unknown as {
        spinPlayground: {
          engine: { request(r: unknown): Promise<{ status: number; headers: Array<[string, string]>; body: ArrayBuffer | ReadableStream | null }> };
        };
      }
    ).spinPlayground;
    const response = await engine.request({ ...r, body: r.body === null ? null : new TextEncoder().encode(r.body).buffer });
    const bytes = response.body ? await new Response(response.body).arrayBuffer() : new ArrayBuffer(0);
    return { status: response.status, headers: response.headers, body: new TextDecoder().decode(bytes) };
  }, request);
}

function checkHeaders(actual: Array<[string, string]>, expected: ExpectedHeader[], where: string): void {
  const listed = new Map(expected.map((h) => [h.name.toLowerCase(), h]));
  for (const [name, value] of actual) {
    const want = listed.get(name.toLowerCase());
    // BROWSER DEVIATION: the echo server must send CORS headers for a page to read its response;
    // a guest that copies the echo's headers passes them on. spin up's echo sends none.
    if (!want) {
      assert.ok(
        TRANSPORT.has(name.toLowerCase()) || name.toLowerCase().startsWith('access-control-'),
        `${where}: unexpected response header ${name}: ${value}`,
      );
      continue;
    }
    if (want.value !== undefined) assert.equal(value, withPort(want.value), `${where}: header ${name}`);
  }
  for (const header of expected) {
    if (header.optional) continue;
    assert.ok(
      actual.some(([n]) => n.toLowerCase() === header.name.toLowerCase()),
      `${where}: missing response header ${header.name}`,
    );
  }
}

for (const { group, name, expect } of suites) {
  describe(`${group}/${name}`, () => {
    test(expect.description, async () => {
      const context = await newContext(browser);
      const manifestUrl = `${server.url}/${group}/${name}/spin.toml`;
      const loadOk = expect.load?.ok ?? true;
      // preview=off: the preview frame would request `/` on load, and the tests need fresh state.
      const page = await openPlayground(context, `?app=${encodeURIComponent(manifestUrl)}&preview=off`, loadOk ? 'Running' : 'error');
      if (!loadOk) {
        const problems = (await page.getByRole('list', { name: 'Problems' }).textContent()) ?? '';
        assert.ok(problems.includes(expect.load!.spinError!), `load error mentions "${expect.load!.spinError}": ${problems}`);
        await context.close();
        return;
      }
      // Variables the expectation sets, as `spin up --variable` would, through the page's form.
      if (expect.variables) {
        const form = page.locator('#variables');
        await form.locator('summary').click();
        for (const [variable, value] of Object.entries(expect.variables)) await form.getByLabel(`Variable ${variable}`).fill(withPort(value));
        await page.getByRole('button', { name: 'Run' }).click();
        await waitForStatus(page, 'Running');
      }
      for (const [i, invocation] of expect.invocations.entries()) {
        const where = `${group}/${name} invocation ${i + 1} (${invocation.request.method} ${invocation.request.path})`;
        const response = await send(page, invocation);
        assert.equal(response.status, invocation.response.status, `${where}: status (body: ${response.body})`);
        if (invocation.response.bodyPattern !== undefined) assert.match(response.body, new RegExp(invocation.response.bodyPattern), where);
        else assert.equal(response.body, invocation.response.body ?? '', `${where}: body`);
        checkHeaders(response.headers, invocation.response.headers ?? [], where);
      }
      await context.close();
    });
  });
}
