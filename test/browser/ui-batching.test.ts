/**
 * The UI's reaction to a stream of requests: the engine's traces, logs and key-value changes are
 * drawn in batches (one append of rows, one drawing of the details per batch), the Trace panel
 * still lists every request in order, and the key-value explorer asks the engine nothing for a
 * write it can show from the change itself, or when it is not on screen at all.
 *
 * A burst is made deterministic by keeping the UI's main thread busy while the engine answers
 * health checks (the engine answers them at once, with no component), so the engine's messages
 * are all waiting when the page gets to them. `timeout=0`: on a loaded machine a queue of
 * component requests may outlast the playground's safety timeout, which is not under test here.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from '../support/chromium.ts';
import { serveStatic, type StaticServer } from '../support/static-server.ts';
import { newContext, openPlayground } from '../support/playground.ts';
import { panel } from './ui-helpers.ts';

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

type Hook = {
  spinPlayground: { engine: { request(r: unknown): Promise<{ status: number; body: ReadableStream | null }>; kv(op: { op: string }): Promise<unknown> } };
};

/** Count the explorer's (and anyone's) key-value queries to the engine, by operation. */
async function countKvQueries(page: Page): Promise<void> {
  await page.evaluate(() => {
    const engine = (window as unknown as Hook).spinPlayground.engine;
    const ops: string[] = [];
    (window as unknown as { kvOps: string[] }).kvOps = ops;
    const kv = engine.kv.bind(engine);
    engine.kv = (op) => (ops.push(op.op), kv(op));
  });
}

const kvOps = (page: Page) => page.evaluate(() => (window as unknown as { kvOps: string[] }).kvOps.splice(0));

/**
 * Send `count` requests to `path` + i from the console's path without waiting, keep the page's
 * main thread busy for `busyMs` (the engine answers meanwhile), then wait for every answer.
 * Resolves with the last response body.
 */
async function burst(page: Page, path: string, count: number, busyMs: number): Promise<string> {
  return page.evaluate(
    async ({ path, count, busyMs }) => {
      const engine = (window as unknown as Hook).spinPlayground.engine;
      const sent = Array.from({ length: count }, (_, i) => engine.request({ method: 'GET', pathWithQuery: `${path}${i}`, headers: [], body: null }));
      const end = performance.now() + busyMs;
      while (performance.now() < end);
      const responses = await Promise.all(sent);
      const last = responses.at(-1)!;
      return last.body ? new Response(last.body).text() : '';
    },
    { path, count, busyMs },
  );
}

/** Watch the Trace panel: how many DOM mutations added rows, and how many redrew the details. */
async function watchTrace(page: Page): Promise<void> {
  await page.evaluate(() => {
    const counts = { rowAppends: 0, detailDraws: 0 };
    (window as unknown as { traceCounts: typeof counts }).traceCounts = counts;
    const list = document.querySelector('[aria-label="Trace"] [role="listbox"]')!;
    const details = document.querySelector('[aria-label="Trace details"]')!;
    new MutationObserver((records) => {
      for (const r of records) if ([...r.addedNodes].some((n) => n instanceof HTMLElement && n.getAttribute('role') === 'option')) counts.rowAppends++;
    }).observe(list, { childList: true, subtree: true });
    new MutationObserver((records) => {
      counts.detailDraws += records.filter((r) => r.target === details).length;
    }).observe(details, { childList: true });
  });
}

test('a burst of requests is drawn in a few batches, and the Trace panel lists every request in order', async () => {
  const context = await newContext(browser);
  const page = await openPlayground(context, '?preview=off&timeout=0');
  await watchTrace(page);
  const count = 20;
  await burst(page, '/.well-known/spin/health?burst=', count, 2000);
  const trace = panel(page, 'Trace');
  await trace
    .getByRole('option', { name: /burst=/ })
    .nth(count - 1)
    .waitFor();
  const counts = await page.evaluate(() => (window as unknown as { traceCounts: { rowAppends: number; detailDraws: number } }).traceCounts);
  // One row append and one drawing of the details per batch; the busy page saw all 20 traces
  // arrive together, so a few batches at most (one per request would be 20 of each).
  assert.ok(counts.rowAppends <= 4, `rows were appended ${counts.rowAppends} times for ${count} requests`);
  assert.ok(counts.detailDraws <= 4, `the details were drawn ${counts.detailDraws} times for ${count} requests`);
  const rows = await trace
    .getByRole('option')
    .evaluateAll((options) => options.map((o) => ({ id: Number(o.getAttribute('data-id')), path: o.querySelector('.path')?.textContent ?? '' })));
  const burstRows = rows.filter((r) => r.path.includes('burst='));
  assert.equal(burstRows.length, count, 'every request of the burst has its row');
  assert.deepEqual(new Set(burstRows.map((r) => r.path)), new Set(Array.from({ length: count }, (_, i) => `/.well-known/spin/health?burst=${i}`)));
  const ids = rows.map((r) => r.id);
  assert.deepEqual(
    ids,
    [...ids].sort((a, b) => a - b),
    'rows are in the order the engine traced the requests',
  );
  // Following the latest, the newest request is the one selected and shown.
  const newest = rows.at(-1)!;
  assert.equal(await trace.getByRole('option').last().getAttribute('aria-selected'), 'true');
  assert.ok(((await trace.getByRole('group', { name: 'Trace details' }).textContent()) ?? '').includes(`GET ${newest.path} → 200`));
  await context.close();
});

test('the explorer shows the app rewriting a key without asking the engine, and reads a selected value once per batch', async () => {
  const context = await newContext(browser);
  const page = await openPlayground(context, `?app=${encodeURIComponent(`${fixtures.url}/conformance/bench-kv-rw/spin.toml`)}&preview=off&timeout=0`);
  const explorer = panel(page, 'Key-value explorer');
  const keys = explorer.getByRole('listbox', { name: 'Keys' });
  await burst(page, '/first-', 1, 0);
  await keys.getByRole('option', { name: 'hits' }).waitFor();
  await countKvQueries(page);
  await watchTrace(page);
  // `hits` is listed and not selected: rewriting it changes nothing the explorer shows.
  await burst(page, '/n', 10, 1000);
  await panel(page, 'Trace')
    .getByRole('option', { name: /GET \/n9 → 200/ })
    .waitFor();
  await page.waitForTimeout(300);
  assert.deepEqual(await kvOps(page), [], 'no key-value query for rewrites of a listed key');
  assert.match((await explorer.locator('.count').textContent()) ?? '', /^1 key$/);

  // Selected, its value follows the app's writes: one read per batch, no re-listing.
  await keys.getByRole('option', { name: 'hits' }).click();
  await explorer.getByLabel('Value contents').waitFor();
  // The counter is 8 bytes of little-endian binary: shown as hex from here on.
  await explorer.getByRole('button', { name: 'Hex' }).click();
  await explorer
    .getByLabel('Value contents')
    .filter({ hasText: /^00000000 {2}/ })
    .waitFor();
  await kvOps(page);
  const batches = () => page.evaluate(() => (window as unknown as { spinPlayground: { engine: { batches: number } } }).spinPlayground.engine.batches);
  const batchesBefore = await batches();
  const last = await burst(page, '/m', 10, 1000);
  const hits = Number(/hits=(\d+)/.exec(last)![1]);
  const bytes = Buffer.alloc(8);
  bytes.writeBigUInt64LE(BigInt(hits));
  const hex = [...bytes].map((b) => b.toString(16).padStart(2, '0')).join(' ');
  await explorer
    .getByLabel('Value contents')
    .filter({ hasText: `00000000  ${hex}` })
    .waitFor();
  const ops = await kvOps(page);
  const delivered = (await batches()) - batchesBefore;
  assert.ok(ops.length > 0 && ops.every((op) => op === 'get'), `queries during the burst: ${ops.join(', ')}`);
  assert.ok(ops.length <= delivered, `${ops.length} reads for ${delivered} batches`);
  await context.close();
});

test('an explorer that is not on screen asks the engine nothing while the app writes', async () => {
  const context = await newContext(browser);
  // Embedded with only the request console shown: the explorer exists but is hidden.
  const page = await openPlayground(
    context,
    `?app=${encodeURIComponent(`${fixtures.url}/conformance/bench-kv-rw/spin.toml`)}&preview=off&timeout=0&embed=1&show=request`,
  );
  assert.equal(await panel(page, 'Key-value explorer').isVisible(), false);
  await countKvQueries(page);
  const last = await burst(page, '/hidden-', 10, 500);
  assert.match(last, /^hits=\d+/);
  await page.waitForTimeout(500);
  assert.deepEqual(await kvOps(page), [], 'a hidden explorer makes no key-value query');
  await context.close();
});
