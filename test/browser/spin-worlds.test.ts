/**
 * Older and other worlds, and Spin's failure semantics, in Chromium: Spin 1 components and core
 * modules, a trap after the response started, a missing or error response, and components with
 * no handler or two.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import type { StaticServer } from '../support/static-server.ts';
import { fixtureAppQuery, withChromiumAndFixtureApps } from '../support/fixture-apps.ts';
import { newContext, openPlayground, sendFromConsole } from '../support/playground.ts';

let browser: Browser;
let apps: StaticServer;

withChromiumAndFixtureApps((b, a) => {
  browser = b;
  apps = a;
});

const open = async (app: string, expect: 'Running' | 'error' = 'Running'): Promise<Page> =>
  openPlayground(await newContext(browser), fixtureAppQuery(apps, app), expect);
const logs = (page: Page) => page.getByRole('region', { name: 'Logs' });
const problems = async (page: Page) => (await page.getByRole('list', { name: 'Problems' }).textContent()) ?? '';

describe('Spin 1', () => {
  test('a Spin 1 component (fermyon:spin/inbound-http) gets uri, spin-* headers, and the last duplicate header wins', async () => {
    const page = await open('spin1-component');
    const response = await sendFromConsole(page, 'POST', '/hello/world?x=1', 'data');
    assert.match(response.status, /^200\b/);
    const lines = response.body.split('\n');
    assert.equal(lines[0], 'POST /hello/world?x=1');
    assert.ok(lines.includes('spin-path-info: /hello/world'), response.body);
    assert.ok(lines.includes('spin-matched-route: /...'), response.body);
    assert.match(response.headers, /^x-dup: b$/m);
    assert.doesNotMatch(response.headers, /^x-dup: a$/m);
    await page.context().close();
  });

  test("methods outside Spin 1's enum get 405 without calling the guest", async () => {
    const page = await open('spin1-component');
    // fetch cannot send TRACE or CONNECT; PURGE is the method a browser can send that Spin 1 refuses.
    const response = await page.evaluate(async () => {
      const { engine } = (window as unknown as { spinPlayground: { engine: { request(r: unknown): Promise<{ status: number; body: ArrayBuffer | null }> } } })
        .spinPlayground;
      const results: Array<[string, number, number]> = [];
      for (const method of ['TRACE', 'CONNECT', 'PURGE']) {
        const r = await engine.request({ method, pathWithQuery: '/', headers: [], body: null });
        results.push([method, r.status, r.body ? r.body.byteLength : 0]);
      }
      return results;
    });
    assert.deepEqual(response, [
      ['TRACE', 405, 0],
      ['CONNECT', 405, 0],
      ['PURGE', 405, 0],
    ]);
    await page.context().close();
  });

  test('a Spin 1 core module (manifest v1) runs through the adapter with key-value and config', async () => {
    const page = await open('spin1-core');
    const first = await sendFromConsole(page, 'GET', '/');
    const second = await sendFromConsole(page, 'GET', '/');
    assert.match(first.status, /^200\b/);
    assert.equal(second.body, `${first.body}x`);
    assert.equal((await sendFromConsole(page, 'GET', '/config')).body, 'hello from config');
    await page.context().close();
  });
});

describe('failure semantics', () => {
  test('a trap after the response started keeps status and headers, cuts the body short and logs it', async () => {
    const page = await open('trap-after-response');
    const response = await sendFromConsole(page, 'GET', '/');
    assert.match(response.status, /^200\b/);
    assert.match(response.headers, /^x-started: yes$/m);
    assert.equal(response.body, 'partial');
    await logs(page)
      .getByText(/Component error after response started; the body was cut short/)
      .first()
      .waitFor();
    await page.context().close();
  });

  test('a handler that returns without setting a response gives 500 with an empty body', async () => {
    const page = await open('no-response');
    const response = await sendFromConsole(page, 'GET', '/');
    assert.match(response.status, /^500\b/);
    assert.equal(response.body, '');
    await logs(page)
      .getByText(/guest failed to produce a response prior to returning/)
      .first()
      .waitFor();
    await page.context().close();
  });

  test('a handler that sets an error response gives 500 with an empty body', async () => {
    const page = await open('error-response');
    const response = await sendFromConsole(page, 'GET', '/');
    assert.match(response.status, /^500\b/);
    assert.equal(response.body, '');
    await page.context().close();
  });

  test("a component with no handler export fails at load time with Spin's message", async () => {
    const page = await open('no-handler', 'error');
    assert.match(await problems(page), /Expected component to export one of .* but it exported none of those/);
    await page.context().close();
  });

  test("a component with two handler exports fails at load time with Spin's message", async () => {
    const page = await open('two-handlers', 'error');
    assert.match(await problems(page), /component exports multiple different handlers but it's expected to export only one/);
    await page.context().close();
  });
});
