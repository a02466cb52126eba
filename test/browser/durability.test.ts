/**
 * Durability, as `spin up` gives it with SQLite on disk: a key-value write the app acknowledged — its response reached the client
 * — survives engine restarts, page reloads and a closed tab, at random moments, with no torn
 * value; and making a write durable costs the same in a 10 MB database as in an empty one.
 *
 * The app is `apps/kv-path`: `/s/<key>` stores <key> repeated 100 times, `/g/<key>` reads it, so
 * any torn or mixed-up value shows. Writes go both through the request-console path (the runner's
 * port) and through the service worker. Random moments come from a seeded generator; the seed is
 * printed (set DURABILITY_SEED to replay a run).
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, BrowserContext, Frame, Page } from 'playwright-core';
import { launchChromium } from '../support/chromium.ts';
import { serveStatic, type StaticServer } from '../support/static-server.ts';
import { newContext, openPlayground, waitForStatus } from '../support/playground.ts';
import { connectEnginePort, fetchThroughSw, request, restartEngine, runnerFrame, type Answer } from '../support/engine-port.ts';

let browser: Browser;
let fixtures: StaticServer;
const seed = Number(process.env.DURABILITY_SEED ?? Date.now() % 1_000_000);

/** mulberry32: a small seeded generator, so a failing run can be replayed. */
function random(seedValue: number): () => number {
  let a = seedValue >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

before(async () => {
  console.log(`# DURABILITY_SEED=${seed}`);
  browser = await launchChromium();
  fixtures = await serveStatic(new URL('../fixtures/dist/', import.meta.url).pathname);
});

after(async () => {
  await browser?.close();
  await fixtures?.close();
});

const APP_QUERY = () => `?app=${encodeURIComponent(`${fixtures.url}/apps/kv-path/spin.toml`)}&preview=off`;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface Tab {
  page: Page;
  runner: Frame;
}

async function openTab(context: BrowserContext): Promise<Tab> {
  const page = await openPlayground(context, APP_QUERY());
  await connectEnginePort(page);
  return { page, runner: await runnerFrame(page) };
}

/** Write `key` through the console path (even keys) or the service worker (odd): acknowledged? */
async function write(tab: Tab, key: string, index: number): Promise<boolean> {
  let answer: Answer;
  try {
    answer = index % 2 === 0 ? await request(tab.page, 'PUT', `/s/${key}`) : await fetchThroughSw(tab.runner, `/s/${key}`, { method: 'PUT' });
  } catch {
    return false; // the page went away mid-request: not acknowledged
  }
  return answer.status === 200 && answer.body === 'ok';
}

/**
 * Write every key in `queue` with `concurrency` writers until each is acknowledged or `stop()`
 * says to pause; returns the keys acknowledged.
 */
async function writeUntil(tab: () => Tab, queue: string[], indexOf: Map<string, number>, concurrency: number, stop: () => boolean): Promise<Set<string>> {
  const acknowledged = new Set<string>();
  const writer = async () => {
    while (!stop()) {
      const key = queue.shift();
      if (key === undefined) return;
      if (await write(tab(), key, indexOf.get(key)!)) acknowledged.add(key);
      else {
        queue.push(key);
        if (stop()) return;
        await sleep(20);
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, writer));
  return acknowledged;
}

/** Every acknowledged key is there, with exactly its own value. */
async function assertAllPresent(tab: Tab, keys: Iterable<string>): Promise<number> {
  let checked = 0;
  const missing: string[] = [];
  for (const key of keys) {
    const answer = await request(tab.page, 'GET', `/g/${key}`);
    if (answer.status !== 200) missing.push(`${key}: ${answer.status}`);
    else assert.equal(answer.body, key.repeat(100), `the value of ${key} is whole and its own`);
    checked++;
  }
  assert.deepEqual(missing, [], 'no acknowledged write is lost');
  return checked;
}

const keysFor = (prefix: string, count: number) => Array.from({ length: count }, (_, i) => `${prefix}${i}`);

describe('acknowledged writes survive', () => {
  test('engine restarts at random moments during 200 writes', async () => {
    const rand = random(seed);
    const context = await newContext(browser);
    const tab = await openTab(context);
    const keys = keysFor('r', 200);
    const indexOf = new Map(keys.map((k, i) => [k, i]));
    const queue = [...keys];
    let done = false;
    let restarts = 0;
    const restartTimes: number[] = [];
    const restarter = (async () => {
      while (!done) {
        await sleep(20 + rand() * 250);
        if (done) break;
        restartTimes.push(await restartEngine(tab.page));
        restarts++;
      }
    })();
    const acknowledged = await writeUntil(
      () => tab,
      queue,
      indexOf,
      4,
      () => false,
    );
    done = true;
    await restarter;
    assert.equal(acknowledged.size, 200, 'every write was eventually acknowledged');
    assert.ok(restarts >= 3, `the engine was restarted during the writes (${restarts} times)`);
    console.log(`# ${restarts} restarts during 200 writes; restart ms: ${restartTimes.join(', ')}`);
    // A fresh engine, and then a fresh page, read back every key.
    await restartEngine(tab.page);
    assert.equal(await assertAllPresent(tab, keys), 200);
    await tab.page.reload();
    await waitForStatus(tab.page, 'Running');
    await connectEnginePort(tab.page);
    await assertAllPresent({ page: tab.page, runner: await runnerFrame(tab.page) }, keys);
    await context.close();
  });

  test('reloading the page at random moments during 200 writes', async () => {
    const rand = random(seed + 1);
    const context = await newContext(browser);
    let tab = await openTab(context);
    const keys = keysFor('p', 200);
    const indexOf = new Map(keys.map((k, i) => [k, i]));
    const queue = [...keys];
    const acknowledged = new Set<string>();
    for (let round = 0; round < 4; round++) {
      let reloading = false;
      const writing = writeUntil(
        () => tab,
        queue,
        indexOf,
        4,
        () => reloading,
      );
      await sleep(100 + rand() * 500);
      reloading = true;
      await tab.page.reload();
      for (const key of await writing) acknowledged.add(key);
      // Keys in flight when the page went away went back to the queue, unacknowledged.
      await waitForStatus(tab.page, 'Running');
      await connectEnginePort(tab.page);
      tab = { page: tab.page, runner: await runnerFrame(tab.page) };
      await assertAllPresent(tab, acknowledged);
    }
    for (const key of await writeUntil(
      () => tab,
      queue,
      indexOf,
      4,
      () => false,
    ))
      acknowledged.add(key);
    assert.equal(acknowledged.size, 200);
    await tab.page.reload();
    await waitForStatus(tab.page, 'Running');
    await connectEnginePort(tab.page);
    assert.equal(await assertAllPresent({ page: tab.page, runner: await runnerFrame(tab.page) }, acknowledged), 200);
    await context.close();
  });

  test('closing the tab in the middle of writes', async () => {
    const rand = random(seed + 2);
    const context = await newContext(browser);
    const first = await openTab(context);
    const keys = keysFor('c', 200);
    const indexOf = new Map(keys.map((k, i) => [k, i]));
    const queue = [...keys];
    let closing = false;
    const writing = writeUntil(
      () => first,
      queue,
      indexOf,
      4,
      () => closing,
    );
    await sleep(200 + rand() * 600);
    closing = true;
    await first.page.close();
    const acknowledged = await writing;
    assert.ok(acknowledged.size > 0 && acknowledged.size < 200, `the tab closed mid-way (${acknowledged.size} acknowledged)`);
    const second = await openTab(context);
    await assertAllPresent(second, acknowledged);
    for (const key of await writeUntil(
      () => second,
      queue,
      indexOf,
      4,
      () => false,
    ))
      acknowledged.add(key);
    assert.equal(await assertAllPresent(second, keys), 200);
    await context.close();
  });
});

describe('the cost of durability', () => {
  test('a write costs the same to persist in a 10 MB database as in an empty one (journal, not whole-image export)', async () => {
    const context = await newContext(browser);
    const tab = await openTab(context);
    const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
    const persistTimes = async (prefix: string) => {
      const times: number[] = [];
      for (let i = 0; i < 40; i++) {
        const answer = await request(tab.page, 'PUT', `/s/${prefix}${i}`);
        assert.equal(answer.status, 200);
        times.push(answer.persistMs!);
      }
      return times;
    };
    const small = median(await persistTimes('small'));
    // 64 keys of 1,600 characters: values of 160 kB, about 10 MB in all.
    for (let i = 0; i < 64; i++) {
      const answer = await request(tab.page, 'PUT', `/s/${String(i).padStart(4, '0')}${'b'.repeat(1596)}`);
      assert.equal(answer.status, 200);
    }
    const large = median(await persistTimes('after'));
    console.log(`# persist per write: median ${small.toFixed(2)} ms in an empty store, ${large.toFixed(2)} ms in a ~10 MB store`);
    assert.ok(large < Math.max(4 * small, small + 15), `persisting stays O(1): ${small.toFixed(2)} ms -> ${large.toFixed(2)} ms`);
    // The big values survive a restart whole.
    await restartEngine(tab.page);
    const key = `0007${'b'.repeat(1596)}`;
    assert.equal((await request(tab.page, 'GET', `/g/${key}`)).body, key.repeat(100));
    await context.close();
  });
});
