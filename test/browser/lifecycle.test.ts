/**
 * Service-worker lifecycle, several tabs, and browsers without a service worker (docs/architecture.md §3):
 * requests keep working after the worker is stopped, after a hard reload, after a new worker
 * version takes over; two tabs on one project share one engine and lose no writes, also when
 * the live tab closes; and without a service worker the page says why, while the request console
 * keeps working. Against the production build, in Chromium.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchChromium } from '../support/chromium.ts';
import { serveStatic, type StaticServer } from '../support/static-server.ts';
import { PG_URL, newContext, openPlayground, previewFrame, waitForStatus } from '../support/playground.ts';
import { connectEnginePort, engineEvents, fetchThroughSw, request, runnerFrame } from '../support/engine-port.ts';
import { startSwProxy } from '../support/proxy.ts';

let browser: Browser;
let fixtures: StaticServer;

before(async () => {
  browser = await launchChromium();
  fixtures = await serveStatic(new URL('../fixtures/dist/', import.meta.url).pathname);
});

after(async () => {
  await browser?.close();
  await fixtures?.close();
});

const appQuery = (extra = '&preview=off') => `?app=${encodeURIComponent(`${fixtures.url}/apps/kv-path/spin.toml`)}${extra}`;

async function openKvPath(context: BrowserContext, extra?: string): Promise<Page> {
  const page = await openPlayground(context, appQuery(extra));
  await connectEnginePort(page);
  return page;
}

async function waitForEvent(page: Page, match: (e: { kind: string; where?: string }) => boolean, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await engineEvents(page)).some(match)) {
    if (Date.now() > deadline) throw new Error(`no such engine event; saw ${JSON.stringify(await engineEvents(page))}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('the service worker', () => {
  test('stopped by the browser, it comes back on the next request (preview and runner alike)', async () => {
    const context = await newContext(browser);
    const page = await openKvPath(context, '');
    const preview = await previewFrame(page);
    const cdp = await context.newCDPSession(page);
    await cdp.send('ServiceWorker.enable');
    for (let round = 0; round < 3; round++) {
      assert.equal((await fetchThroughSw(preview, `/s/stop${round}`, { method: 'PUT' })).body, 'ok');
      await cdp.send('ServiceWorker.stopAllWorkers');
      const read = await fetchThroughSw(preview, `/g/stop${round}`);
      assert.equal(read.status, 200, `round ${round}: answered after the stop`);
      assert.equal(read.body, `stop${round}`.repeat(100));
    }
    await context.close();
  });

  test('after a hard reload of the playground page the preview origin is controlled again and requests work', async () => {
    const context = await newContext(browser);
    const page = await openKvPath(context);
    assert.equal((await request(page, 'PUT', '/s/hard')).body, 'ok');
    const cdp = await context.newCDPSession(page);
    await cdp.send('Page.reload', { ignoreCache: true });
    await waitForStatus(page, 'Running');
    await connectEnginePort(page);
    const runner = await runnerFrame(page);
    await runner.waitForFunction(() => navigator.serviceWorker.controller !== null, undefined, { timeout: 10_000 });
    const read = await fetchThroughSw(runner, '/g/hard');
    assert.equal(read.status, 200);
    assert.equal(read.body, 'hard'.repeat(100));
    await context.close();
  });

  test('a new version of the worker takes over cleanly, and requests keep working', async () => {
    const proxy = await startSwProxy(PG_URL);
    const context = await newContext(browser);
    try {
      const page = await context.newPage();
      await page.goto(`${proxy.url}/${appQuery()}`);
      await waitForStatus(page, 'Running');
      await connectEnginePort(page);
      const runner = await runnerFrame(page);
      assert.equal((await fetchThroughSw(runner, '/s/v0', { method: 'PUT' })).body, 'ok');
      for (const version of [1, 2]) {
        const changed = runner.evaluate(
          () =>
            new Promise<string>((resolve) =>
              navigator.serviceWorker.addEventListener('controllerchange', () => resolve(navigator.serviceWorker.controller?.state ?? 'none'), { once: true }),
            ),
        );
        proxy.version = version;
        await runner.evaluate(async () => {
          const registration = await navigator.serviceWorker.getRegistration('/');
          await registration!.update();
        });
        assert.match(await changed, /^activ/, `version ${version} controls the runner`);
        assert.equal((await fetchThroughSw(runner, `/s/v${version}`, { method: 'PUT' })).body, 'ok', `a write through version ${version}`);
        for (let v = 0; v <= version; v++) assert.equal((await fetchThroughSw(runner, `/g/v${v}`)).body, `v${v}`.repeat(100));
      }
      const scripts = await runner.evaluate(async () => (await navigator.serviceWorker.getRegistrations()).length);
      assert.equal(scripts, 1, 'one registration, the new worker in it');
    } finally {
      await context.close();
      await proxy.close();
    }
  });
});

describe('several tabs on one project', () => {
  test('share one engine: 500 interleaved writes from two tabs, none lost; each tab hears which one is live', async () => {
    const context = await newContext(browser);
    const a = await openKvPath(context);
    const b = await openKvPath(context);
    await waitForEvent(a, (e) => e.kind === 'live' && e.where === 'this-tab');
    await waitForEvent(b, (e) => e.kind === 'live' && e.where === 'other-tab');
    const runners = [await runnerFrame(a), await runnerFrame(b)];
    const pages = [a, b];
    // 4 writers per tab, alternating the console path and the service worker.
    const keys = Array.from({ length: 500 }, (_, i) => `t${i}`);
    let next = 0;
    const failures: string[] = [];
    const writer = async (tab: number, viaSw: boolean) => {
      for (let i = next++; i < keys.length; i = next++) {
        const key = keys[i]!;
        const answer = viaSw ? await fetchThroughSw(runners[tab]!, `/s/${key}`, { method: 'PUT' }) : await request(pages[tab]!, 'PUT', `/s/${key}`);
        if (answer.status !== 200 || answer.body !== 'ok') failures.push(`${key}: ${answer.status}`);
      }
    };
    await Promise.all([
      writer(0, false),
      writer(0, true),
      writer(1, false),
      writer(1, true),
      writer(0, false),
      writer(1, true),
      writer(1, false),
      writer(0, true),
    ]);
    assert.deepEqual(failures, []);
    // The UI's own client of the second tab works through the first tab's engine too.
    const viaUi = await b.evaluate(async () => {
      const engine = (window as unknown as { spinPlayground: { engine: { request(r: unknown): Promise<{ status: number; body: ArrayBuffer }> } } })
        .spinPlayground.engine;
      const response = await engine.request({ method: 'GET', pathWithQuery: '/g/t499', headers: [], body: null });
      return { status: response.status, body: new TextDecoder().decode(response.body) };
    });
    assert.deepEqual(viaUi, { status: 200, body: 't499'.repeat(100) });
    for (const [tab, page] of pages.entries()) {
      const missing: string[] = [];
      for (const key of keys) {
        const answer = await request(page, 'GET', `/g/${key}`);
        if (answer.status !== 200 || answer.body !== key.repeat(100)) missing.push(key);
      }
      assert.deepEqual(missing, [], `tab ${tab} sees all 500 writes`);
    }
    await context.close();
  });

  test('when the live tab closes, the other one takes over with every write, and its preview keeps working', async () => {
    const context = await newContext(browser);
    const a = await openKvPath(context);
    const b = await openKvPath(context);
    await waitForEvent(b, (e) => e.kind === 'live' && e.where === 'other-tab');
    const runnerB = await runnerFrame(b);
    for (let i = 0; i < 20; i++) assert.equal((await request(i % 2 ? a : b, 'PUT', `/s/h${i}`)).body, 'ok');
    await a.close();
    await waitForEvent(b, (e) => e.kind === 'live' && e.where === 'this-tab');
    for (let i = 0; i < 20; i++) assert.equal((await request(b, 'GET', `/g/h${i}`)).body, `h${i}`.repeat(100));
    assert.equal((await fetchThroughSw(runnerB, '/s/after', { method: 'PUT' })).body, 'ok');
    assert.equal((await fetchThroughSw(runnerB, '/g/h3')).body, 'h3'.repeat(100));
    // A tab opened now uses b's engine.
    const c = await openKvPath(context);
    await waitForEvent(c, (e) => e.kind === 'live' && e.where === 'other-tab');
    assert.equal((await request(c, 'GET', '/g/after')).body, 'after'.repeat(100));
    await context.close();
  });
});

describe('without a service worker', () => {
  for (const [name, setup] of [
    [
      'the browser has no service worker API on the preview origin (private mode)',
      (context: BrowserContext) =>
        context.addInitScript(() => {
          // Every frame of the playground (the runner, the preview) but the UI page itself.
          if (window !== window.top) delete (Navigator.prototype as { serviceWorker?: unknown }).serviceWorker;
        }),
    ],
    ['registration is blocked (Playwright serviceWorkers: block)', null],
  ] as const) {
    test(`${name}: the page explains what is wrong and what to do, and the request console still works`, async () => {
      const context = setup ? await newContext(browser) : await browser.newContext({ viewport: { width: 1440, height: 900 }, serviceWorkers: 'block' });
      if (setup) await setup(context);
      const page = await openKvPath(context);
      await page
        .getByText(/The preview cannot run: this browser gives the preview origin no service worker/)
        .first()
        .waitFor({ timeout: 15_000 });
      await page
        .getByText(/allow cookies and site data for this site \(or leave private browsing\), then reload/)
        .first()
        .waitFor();
      assert.equal((await request(page, 'PUT', '/s/nosw')).body, 'ok');
      const viaUi = await page.evaluate(async () => {
        const engine = (window as unknown as { spinPlayground: { engine: { request(r: unknown): Promise<{ status: number; body: ArrayBuffer }> } } })
          .spinPlayground.engine;
        const response = await engine.request({ method: 'GET', pathWithQuery: '/g/nosw', headers: [], body: null });
        return { status: response.status, body: new TextDecoder().decode(response.body) };
      });
      assert.deepEqual(viaUi, { status: 200, body: 'nosw'.repeat(100) });
      await context.close();
    });
  }
});
