/**
 * Runaway and failing components, which must never stop the playground or lose data: a busy loop, a
 * request that hangs, a guest that grows memory without bound, JavaScript that throws, rejects,
 * spins, or spins after it started streaming. Each must end with an answer (5xx), a log line
 * that names the route and component, an engine that serves the next request, and no stored
 * data lost. Against the production build, in Chromium.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from '../support/chromium.ts';
import { serveStatic, type StaticServer } from '../support/static-server.ts';
import { newContext, openPlayground } from '../support/playground.ts';
import { connectEnginePort, engineEvents, fetchThroughSw, logLines, request, restartEngine, runnerFrame, waitForLog } from '../support/engine-port.ts';

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

/** Open a fixture app with a short safety timeout and a protocol port to its runner. */
async function open(app: string, query = '&timeout=1500'): Promise<Page> {
  const context = await newContext(browser);
  const page = await openPlayground(context, `?app=${encodeURIComponent(`${fixtures.url}/${app}/spin.toml`)}&preview=off${query}`);
  await connectEnginePort(page);
  return page;
}

const restartMsOf = (line: string) => Number(/engine restarted in (\d+) ms/.exec(line)?.[1]);

describe('a component that never answers', () => {
  test('a busy loop gets 504 after the timeout, the log names route and component, and a fresh engine serves with the data intact', async () => {
    const page = await open('apps/busy-loop');
    assert.equal((await request(page, 'PUT', '/s/kept')).body, 'ok');
    const spun = await request(page, 'GET', '/spin/forever');
    assert.equal(spun.status, 504);
    assert.match(spun.body, /route "\/spin\/\.\.\." of component "spinner" did not respond within 1500 ms/);
    assert.ok(spun.ms >= 1400 && spun.ms < 5000, `answered after ${spun.ms.toFixed(0)} ms`);
    await waitForLog(
      page,
      /^GET \/spin\/forever: route "\/spin\/\.\.\." of component "spinner" did not start its response within 1500 ms; answered 504 and restarting the engine/,
    );
    const restarted = await waitForLog(page, /^engine restarted in \d+ ms \(GET \/spin\/forever timed out after 1500 ms\)$/);
    console.log(`# restart after a busy loop (WAT app): ${restartMsOf(restarted)} ms`);
    const kept = await request(page, 'GET', '/g/kept');
    assert.equal(kept.status, 200);
    assert.equal(kept.body, 'kept'.repeat(100));
    const events = await engineEvents(page);
    assert.ok(events.some((e) => e.kind === 'restarting') && events.some((e) => e.kind === 'restarted' && typeof e.restartMs === 'number'));
    await page.context().close();
  });

  test('through the service worker too: the preview gets 504, then the next fetch works', async () => {
    const page = await open('apps/busy-loop');
    const frame = await runnerFrame(page);
    assert.equal((await fetchThroughSw(frame, '/s/sw', { method: 'POST' })).body, 'ok');
    const spun = await fetchThroughSw(frame, '/spin');
    assert.equal(spun.status, 504);
    await waitForLog(page, /^engine restarted in \d+ ms/);
    const after = await fetchThroughSw(frame, '/g/sw');
    assert.equal(after.status, 200);
    assert.equal(after.body, 'sw'.repeat(100));
    await page.context().close();
  });

  test('requests queued behind a busy loop get 503 (not a hang), and nothing they did not do is claimed', async () => {
    const page = await open('apps/busy-loop');
    const [spun, queued] = await Promise.all([
      request(page, 'GET', '/spin'),
      new Promise((r) => setTimeout(r, 200)).then(() => request(page, 'PUT', '/s/queued')),
    ]);
    assert.equal(spun.status, 504);
    assert.equal(queued.status, 503, 'the write waiting behind the busy guest was never run');
    assert.match(queued.body, /the engine restarted while this request was in flight/);
    assert.equal((await request(page, 'GET', '/g/queued')).status, 404);
    await page.context().close();
  });

  test('a guest blocked on a one-hour clock gets 504 too; returning without a response stays a plain 500', async () => {
    const page = await open('apps/hang');
    assert.equal((await request(page, 'PUT', '/s/before')).body, 'ok');
    const none = await request(page, 'GET', '/none');
    assert.equal(none.status, 500);
    assert.equal(none.body, '');
    const waited = await request(page, 'GET', '/wait');
    assert.equal(waited.status, 504);
    await waitForLog(page, /^GET \/wait: route "\/wait\/\.\.\." of component "waiter" did not start its response within 1500 ms/);
    console.log(`# restart after a hang (WAT app): ${restartMsOf(await waitForLog(page, /^engine restarted in \d+ ms/))} ms`);
    assert.equal((await request(page, 'GET', '/g/before')).body, 'before'.repeat(100));
    await page.context().close();
  });

  test('timeout 0 turns the safety timeout off: a hanging request waits, the engine keeps serving others', async () => {
    const page = await open('apps/hang', '&timeout=0');
    await waitForLog(page, /safety limits: request timeout off/);
    const waiting = request(page, 'GET', '/wait');
    const outcome = await Promise.race([waiting.then(() => 'answered'), new Promise((r) => setTimeout(() => r('still waiting'), 3000))]);
    assert.equal(outcome, 'still waiting');
    assert.equal((await request(page, 'PUT', '/s/meanwhile')).body, 'ok');
    const restartMs = await restartEngine(page);
    assert.ok(restartMs >= 0);
    assert.equal((await waiting).status, 503, 'a manual restart ends it');
    assert.equal((await request(page, 'GET', '/g/meanwhile')).body, 'meanwhile'.repeat(100));
    await page.context().close();
  });
});

describe('memory', () => {
  test('a guest growing memory without bound hits the ceiling and traps (500); the engine keeps serving without a restart', async () => {
    const page = await open('apps/memory-hog', '&timeout=10000&memory=64');
    assert.equal((await request(page, 'PUT', '/s/m')).body, 'ok');
    const hog = await request(page, 'GET', '/hog');
    assert.equal(hog.status, 500);
    assert.ok(hog.ms < 5000, `failed fast (${hog.ms.toFixed(0)} ms)`);
    await waitForLog(page, /^GET \/hog: .*(unreachable|trap)/i);
    assert.equal((await request(page, 'GET', '/g/m')).body, 'm'.repeat(100));
    assert.ok(
      !(await logLines(page)).some((line) => /engine restarted/.test(line)),
      'no restart was needed (not even for the ceiling: the first engine had compiled nothing)',
    );
    await page.context().close();
  });
});

describe('a JavaScript component', () => {
  test('throwing, rejecting and running out of memory are 500s; spinning is a 504 and a restart; each time the next request works', async () => {
    const page = await open('js-extra/runaway', '&timeout=3000&memory=128');
    assert.equal((await request(page, 'GET', '/ok')).body, 'ok');
    for (const path of ['/throw', '/reject', '/grow']) {
      const answer = await request(page, 'GET', path);
      assert.equal(answer.status, 500, `${path} is a 500`);
      assert.equal((await request(page, 'GET', '/ok')).body, 'ok', `the next request after ${path} works`);
    }
    assert.ok(!(await logLines(page)).some((line) => /engine restarted/.test(line)), 'no restart for errors the engine survives');
    const loop = await request(page, 'GET', '/loop');
    assert.equal(loop.status, 504);
    const restarted = await waitForLog(page, /^engine restarted in \d+ ms \(GET \/loop timed out/);
    console.log(`# restart after a busy loop (JS app, 12 MB component): ${restartMsOf(restarted)} ms`);
    assert.equal((await request(page, 'GET', '/ok')).body, 'ok');
    await page.context().close();
  });

  test('a guest that spins after it started streaming is cut off: the body ends in an error and the engine restarts', async () => {
    const page = await open('js-extra/runaway', '&timeout=2000');
    const frame = await runnerFrame(page);
    const streamed = await fetchThroughSw(frame, '/stream-then-loop');
    assert.equal(streamed.status, 200);
    assert.ok(streamed.bodyError, 'reading the body fails once the engine is replaced');
    await waitForLog(page, /the engine stopped answering for 2000 ms while streaming GET \/stream-then-loop/);
    await waitForLog(page, /^engine restarted in \d+ ms/);
    assert.equal((await fetchThroughSw(frame, '/ok')).body, 'ok');
    await page.context().close();
  });
});
