/**
 * Spin 4 (WASI 0.3) components in Chromium: a hand-written p3 handler in the shape wit-bindgen
 * emits (test/fixtures/wat-p3/p3-echo.wat) answers through the service worker with its head and
 * its streamed body; mixed apps route p3, p2 and Spin 1 components side by side; without JSPI
 * (`?jspi=off` takes the path of a browser that lacks it) a p3 component is refused at load.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, Frame, Page } from 'playwright-core';
import type { StaticServer } from '../support/static-server.ts';
import { fixtureAppQuery, withChromiumAndFixtureApps } from '../support/fixture-apps.ts';
import { newContext, openPlayground, previewFrame, sendFromConsole } from '../support/playground.ts';
import { panel } from './ui-helpers.ts';

let browser: Browser;
let apps: StaticServer;

withChromiumAndFixtureApps((b, a) => {
  browser = b;
  apps = a;
});

const appQuery = (app: string, extra = '') => fixtureAppQuery(apps, app, extra);

/** A request from the preview page itself: it goes through the service worker to the engine. */
async function fetchInPreview(preview: Frame, method: string, path: string, size = 0) {
  return preview.evaluate(
    async ({ method, path, size }) => {
      const body = new Uint8Array(size);
      for (let i = 0; i < size; i++) body[i] = (i * 7 + 3) & 0xff;
      const response = await fetch(path, { method, ...(method === 'GET' ? {} : { body }) });
      const echoed = new Uint8Array(await response.arrayBuffer());
      let same = echoed.length === body.length;
      for (let i = 0; same && i < body.length; i++) same = echoed[i] === body[i];
      return {
        status: response.status,
        echo: response.headers.get('x-echo'),
        contentType: response.headers.get('content-type'),
        length: echoed.length,
        same,
        text: size === 0 ? new TextDecoder().decode(echoed) : '',
      };
    },
    { method, path, size },
  );
}

test('a WASI 0.3 echo component answers a POST through the preview with its status, header and the whole streamed body', async () => {
  const context = await newContext(browser);
  const page = await openPlayground(context, appQuery('p3-echo'));
  const preview = await previewFrame(page);
  for (const size of [1, 5000, 300_000]) {
    const response = await fetchInPreview(preview, 'POST', `/echo?size=${size}`, size);
    assert.deepEqual(
      { status: response.status, echo: response.echo, length: response.length, same: response.same },
      { status: 200, echo: 'p3', length: size, same: true },
      `POST of ${size} bytes`,
    );
  }
  await context.close();
});

test('a 1 MiB POST of arbitrary bytes comes back from a WASI 0.3 echo exactly, on the byte-chunk stream glue', async () => {
  const context = await newContext(browser);
  const page = await openPlayground(context, appQuery('p3-echo'));
  const preview = await previewFrame(page);
  await panel(page, 'Logs')
    .getByText(/loaded p3-echo\.wasm .*streams copy byte chunks/)
    .first()
    .waitFor();
  const result = await preview.evaluate(async () => {
    const body = new Uint8Array(1 << 20);
    let x = 0x9e3779b9;
    for (let i = 0; i < body.length; i++) {
      x ^= x << 13;
      x ^= x >>> 17;
      x ^= x << 5;
      body[i] = x & 0xff;
    }
    const seen = new Set(body).size;
    const results = [];
    for (let round = 0; round < 2; round++) {
      const response = await fetch('/echo', { method: 'POST', body });
      const echoed = new Uint8Array(await response.arrayBuffer());
      let firstDifference = -1;
      for (let i = 0; i < Math.max(echoed.length, body.length); i++) {
        if (echoed[i] !== body[i]) {
          firstDifference = i;
          break;
        }
      }
      results.push({ status: response.status, length: echoed.length, firstDifference });
    }
    return { seen, results };
  });
  assert.equal(result.seen, 256, 'the body holds every byte value');
  const exact = { status: 200, length: 1 << 20, firstDifference: -1 };
  assert.deepEqual(result.results, [exact, exact]);
  await context.close();
});

test('one app routes a WASI 0.3, a WASI 0.2 and a Spin 1 component, each by its own route', async () => {
  const context = await newContext(browser);
  const page = await openPlayground(context, appQuery('p3-mixed', '&preview=off'));
  // One evaluate with a plain loop: tsx names inner functions with a helper the page lacks.
  const requests: Array<[string, string, string | null]> = [
    ['POST', '/p3/one', 'first p3 body'],
    ['GET', '/p2/count', null],
    ['GET', '/p2/count', null],
    ['GET', '/spin1/path', null],
    ['POST', '/p3/two', 'second p3 body'],
  ];
  const results = await page.evaluate(async (list) => {
    const { engine } = (
      window as unknown as {
        spinPlayground: {
          engine: { request(r: unknown): Promise<{ status: number; headers: Array<[string, string]>; body: ArrayBuffer | ReadableStream | null }> };
        };
      }
    ).spinPlayground;
    const out: Array<{ status: number; echo: string | null; text: string }> = [];
    for (const [method, pathWithQuery, body] of list) {
      const r = await engine.request({ method, pathWithQuery, headers: [], body: body === null ? null : new TextEncoder().encode(body).buffer });
      const text = r.body ? new TextDecoder().decode(await new Response(r.body).arrayBuffer()) : '';
      out.push({ status: r.status, echo: r.headers.find(([n]) => n === 'x-echo')?.[1] ?? null, text });
    }
    return out;
  }, requests);
  const [p3, p2, p2again, spin1, p3again] = results;
  const result = { p3, p2, p2again, spin1: spin1!, p3again };
  assert.deepEqual(result.p3, { status: 200, echo: 'p3', text: 'first p3 body' });
  assert.deepEqual(result.p2, { status: 200, echo: null, text: 'x' });
  assert.deepEqual(result.p2again, { status: 200, echo: null, text: 'xx' });
  assert.equal(result.spin1.status, 200);
  assert.match(result.spin1.text, /^GET \/spin1\/path\n/);
  assert.deepEqual(result.p3again, { status: 200, echo: 'p3', text: 'second p3 body' });
  await context.close();
});

test('without JSPI a WASI 0.3 component is refused at load, naming JSPI and the browsers that have it', async () => {
  const context = await newContext(browser);
  const page = await openPlayground(context, appQuery('p3-mixed', '&preview=off&jspi=off'), 'error');
  const problems = (await page.getByRole('list', { name: 'Problems' }).textContent()) ?? '';
  assert.match(problems, /component "echo" \(p3-echo\.wasm\) exports wasi:http\/handler@0\.3\.0-rc-2026-03-15/);
  assert.match(problems, /needs JSPI \(JavaScript Promise Integration/);
  assert.match(problems, /Chromium-based browser/);
  assert.match(problems, /Firefox/);
  await context.close();
});

describe('Spin 4 instance reuse for WASI 0.3 components', () => {
  type Result = [number, string];
  /** Requests one after another through the engine; each result is [status, body]. */
  const sequential = (page: Page, paths: string[]): Promise<Result[]> =>
    page.evaluate(async (list) => {
      const { engine } = (
        window as unknown as { spinPlayground: { engine: { request(r: unknown): Promise<{ status: number; body: ArrayBuffer | ReadableStream | null }> } } }
      ).spinPlayground;
      const out: Array<[number, string]> = [];
      for (const path of list) {
        if (path.startsWith('sleep:')) {
          await new Promise((resolve) => setTimeout(resolve, Number(path.slice(6))));
          continue;
        }
        const r = await engine.request({ method: 'GET', pathWithQuery: path, headers: [], body: null });
        out.push([r.status, r.body ? await new Response(r.body).text() : '']);
      }
      return out;
    }, paths);

  test('sequential requests share one instance until it has served ?instanceReuse= requests, then a new one starts', async () => {
    const context = await newContext(browser);
    const page = await openPlayground(context, appQuery('p3-counter', '&preview=off&instanceReuse=3'));
    const results = await sequential(page, ['/a', '/b', '/c', '/d', '/e', '/f', '/g']);
    // The guest's own count of the requests its instance has started (its in-flight count may
    // still include the previous request's task, which ends a moment after its body).
    assert.deepEqual(
      results.map(([status, body]) => `${status} ${/^request \d+/.exec(body)?.[0]}`),
      ['200 request 1', '200 request 2', '200 request 3', '200 request 1', '200 request 2', '200 request 3', '200 request 1'],
    );
    await context.close();
  });

  test("with Spin 4's defaults an instance takes requests while others are in flight, and a trap fails them all and drops it", async () => {
    const context = await newContext(browser);
    const page = await openPlayground(context, appQuery('p3-counter', '&preview=off'));
    const result = await page.evaluate(async () => {
      const { engine } = (
        window as unknown as { spinPlayground: { engine: { request(r: unknown): Promise<{ status: number; body: ArrayBuffer | ReadableStream | null }> } } }
      ).spinPlayground;
      // Each /wait waits 2 s on the clock before it answers: three requests in flight.
      const waits = [1, 2, 3].map(() => engine.request({ method: 'GET', pathWithQuery: '/wait', headers: [], body: null }).then((r) => r.status));
      await new Promise((resolve) => setTimeout(resolve, 300));
      const during = await engine
        .request({ method: 'GET', pathWithQuery: '/x', headers: [], body: null })
        .then(async (r) => `${r.status} ${r.body ? (await new Response(r.body).text()).trim() : ''}`);
      const trap = (await engine.request({ method: 'GET', pathWithQuery: '/trap', headers: [], body: null })).status;
      const waited = await Promise.all(waits);
      const next = await engine
        .request({ method: 'GET', pathWithQuery: '/x', headers: [], body: null })
        .then(async (r) => `${r.status} ${r.body ? (await new Response(r.body).text()).trim() : ''}`);
      return { during, trap, waited, next };
    });
    assert.deepEqual(result, { during: '200 request 4 in-flight 4', trap: 500, waited: [500, 500, 500], next: '200 request 1 in-flight 1' });
    await page
      .getByRole('region', { name: 'Logs' })
      .getByText(/was dropped after a trap in a request on it/)
      .first()
      .waitFor();
    await context.close();
  });

  test('?instanceConcurrency= caps the requests in flight on one instance; a trap on the second instance leaves the first one serving', async () => {
    const context = await newContext(browser);
    const page = await openPlayground(context, appQuery('p3-counter', '&preview=off&instanceConcurrency=2'));
    // A string, so the test runner's transform adds no helper for the named function the page lacks.
    const result = (await page.evaluate(`(async () => {
      const { engine } = window.spinPlayground;
      const text = (path) => engine.request({ method: 'GET', pathWithQuery: path, headers: [], body: null })
        .then(async (r) => r.status + ' ' + (r.body ? (await new Response(r.body).text()).trim() : ''));
      const waits = Promise.all([1, 2].map(() => text('/wait')));
      await new Promise((resolve) => setTimeout(resolve, 300));
      const second = await text('/x');
      const trap = await text('/trap');
      const third = await text('/x');
      return { second, trap, third, waits: await waits };
    })()`)) as { second: string; trap: string; third: string; waits: string[] };
    // The first instance is full (two /wait): /x starts the second; /trap lands there and drops
    // it; the third instance answers /x, and the first one finishes its two requests.
    assert.deepEqual(
      { ...result, waits: result.waits.map((w) => w.replace(/ in-flight \d+$/, '')).sort() },
      {
        second: '200 request 1 in-flight 1',
        trap: '500 ',
        third: '200 request 1 in-flight 1',
        waits: ['200 request 1', '200 request 2'],
      },
    );
    await context.close();
  });

  test('an instance idle for ?idleInstanceTimeout= ms is dropped; one used again in time is kept', async () => {
    const context = await newContext(browser);
    // 1.5 s idle against a 4 s pause: wide margins, so a loaded machine's slow requests between
    // /b and /c do not count as idle time.
    const page = await openPlayground(context, appQuery('p3-counter', '&preview=off&idleInstanceTimeout=1500'));
    const results = await sequential(page, ['/a', 'sleep:4000', '/b', '/c']);
    // Which instance served each request shows in its count. The guest's own in-flight count is
    // left out here: its task may still be finishing (trailers, stream drop) when the host has
    // the whole body and sends the next request, so it can read 2 for sequential requests.
    assert.deepEqual(
      results.map(([, body]) => body.trim().replace(/ in-flight \d+$/, '')),
      ['request 1', 'request 1', 'request 2'],
    );
    await context.close();
  });

  test("a range a..b draws each instance's reuse count from a up to b, b excluded", async () => {
    const context = await newContext(browser);
    const page = await openPlayground(context, appQuery('p3-counter', '&preview=off&instanceReuse=2..4'));
    const results = await sequential(
      page,
      Array.from({ length: 14 }, (_, i) => `/r${i}`),
    );
    const counts = results.map(([, body]) => Number(/^request (\d+)/.exec(body)![1]));
    const runs: number[] = [];
    for (const n of counts)
      if (n === 1) runs.push(1);
      else runs[runs.length - 1] = n;
    assert.ok(
      runs.slice(0, -1).every((r) => r === 2 || r === 3),
      `instances served ${runs.join(', ')} requests`,
    );
    await context.close();
  });

  test('a bad limit is a load error naming the setting', async () => {
    const context = await newContext(browser);
    const page = await openPlayground(context, appQuery('p3-counter', '&preview=off&instanceReuse=0'), 'error');
    const problems = (await page.getByRole('list', { name: 'Problems' }).textContent()) ?? '';
    assert.match(problems, /instanceReuse: 0 is less than 1/);
    await context.close();
  });

  test('the Trace names the instance that served a request and how many it has served', async () => {
    const context = await newContext(browser);
    // Typing into the console takes longer than Spin's 1 s idle timeout: keep the instance longer.
    const page = await openPlayground(context, appQuery('p3-counter', '&preview=off&idleInstanceTimeout=60000'));
    await sendFromConsole(page, 'GET', '/one');
    await sendFromConsole(page, 'GET', '/two');
    const trace = panel(page, 'Trace');
    await trace.getByRole('option', { name: /console GET \/two → 200/ }).click();
    const details = (await trace.getByRole('group', { name: 'Trace details' }).textContent()) ?? '';
    assert.match(details, /matched → component counter · instance #1, request 2 of up to 128 \(1 in flight\)/);
    await context.close();
  });
});
