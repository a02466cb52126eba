/**
 * Spin 4's async key-value and variables interfaces (`spin:key-value@3.0.0`,
 * `spin:variables@3.0.0`, and `wasi:config/store` from a WASI 0.3 component) in Chromium, with
 * hand-written components in wit-bindgen's shape (test/fixtures/wat-p3/): the same responses,
 * stored data and trace as the WASI 0.2 apps that do the same work, durability across a reload,
 * Spin's error cases, and a `get-keys` stream longer than one read.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import type { StaticServer } from '../support/static-server.ts';
import { fixtureAppQuery, withChromiumAndFixtureApps } from '../support/fixture-apps.ts';
import { newContext, openPlayground, waitForStatus } from '../support/playground.ts';
import { kvEntries, panel } from './ui-helpers.ts';

let browser: Browser;
let apps: StaticServer;

withChromiumAndFixtureApps((b, a) => {
  browser = b;
  apps = a;
});

const appQuery = (app: string, extra = '') => fixtureAppQuery(apps, app, extra);

type Answer = { status: number; contentType: string | null; body: string };

/** GET requests one after another through the page's engine client. */
const requests = (page: Page, paths: string[]): Promise<Answer[]> =>
  page.evaluate(async (list) => {
    type Reply = { status: number; headers: Array<[string, string]>; body: ArrayBuffer | ReadableStream | null };
    const { engine } = (window as unknown as { spinPlayground: { engine: { request(r: unknown): Promise<Reply> } } }).spinPlayground;
    const out: Array<{ status: number; contentType: string | null; body: string }> = [];
    for (const path of list) {
      const r = await engine.request({ method: 'GET', pathWithQuery: path, headers: [], body: null });
      const body = r.body ? await new Response(r.body).text() : '';
      out.push({ status: r.status, contentType: r.headers.find(([n]) => n.toLowerCase() === 'content-type')?.[1] ?? null, body });
    }
    return out;
  }, paths);

/** The host calls of the newest trace; each line's time (`+a → +b` for async calls) apart. */
async function traceCalls(page: Page, path: string): Promise<Array<{ time: string; call: string }>> {
  const trace = panel(page, 'Trace');
  // A trace that arrives after the click (traces are delivered in batches) must not take the
  // selection away from the request asked for.
  await trace.getByRole('checkbox', { name: 'Follow latest' }).uncheck();
  await trace
    .getByRole('option', { name: new RegExp(`GET ${path.replace(/[/]/g, '\\/')} → \\d+`) })
    .first()
    .click();
  const items = await trace.getByRole('list', { name: 'Host calls' }).getByRole('listitem').allTextContents();
  const time = /^((?:<0\.1 ms|\+[\d.]+ m?s)(?: → (?:<0\.1 ms|\+[\d.]+ m?s))?)/;
  return items.map((text) => ({ time: time.exec(text)?.[1] ?? '', call: text.replace(time, '').trim() }));
}

const KV_BASICS_BODY = [
  'set test-key = test-value',
  'exists(test-key) = true',
  'keys = ["test-key"]',
  'get(test-key) = test-value',
  'delete test-key',
  'exists(test-key) = false',
  '',
].join('\n');

test('the kv-basics walk-through on spin:key-value@3.0.0 answers like the WASI 0.2 example and traces the same calls, each with start and end', async () => {
  const p2Context = await newContext(browser);
  const p2 = await openPlayground(p2Context, '?example=kv-basics&preview=off');
  const [fromP2] = await requests(p2, ['/']);
  const p2Calls = (await traceCalls(p2, '/')).map((c) => c.call);
  await p2Context.close();
  const context = await newContext(browser);
  const page = await openPlayground(context, appQuery('p3-kv', '&preview=off'));
  const [fromP3] = await requests(page, ['/']);
  assert.deepEqual(fromP3, { status: 200, contentType: 'text/plain', body: KV_BASICS_BODY });
  assert.deepEqual(fromP3, fromP2, 'the WASI 0.2 kv-basics example gives the same answer');
  assert.deepEqual(await kvEntries(page), {}, 'test-key was deleted again');
  const calls = await traceCalls(page, '/');
  assert.deepEqual(
    calls.map((c) => c.call),
    p2Calls,
  );
  assert.deepEqual(p2Calls, [
    'store.open("default") → ok("store(default)")',
    'set("test-key", "test-value") → ok(none)',
    'exists("test-key") → ok(true)',
    'get-keys() → ok(["test-key"])',
    'get("test-key") → ok("test-value")',
    'delete("test-key") → ok(none)',
    'exists("test-key") → ok(false)',
  ]);
  for (const { time, call } of calls) assert.match(time, / → /, `${call} shows where it started and where it ended`);
  await context.close();
});

test('get-keys streams more keys than one read takes, in the order Spin lists them, then settles its future', async () => {
  const context = await newContext(browser);
  const page = await openPlayground(context, appQuery('p3-kv', '&preview=off'));
  const [answer] = await requests(page, ['/many']);
  const many = Array.from({ length: 100 }, (_, i) => `key-${String(i).padStart(3, '0')}`);
  const listed = /^keys = \[(.*)\]$/m.exec(answer!.body)?.[1];
  assert.equal(answer!.status, 200, answer!.body);
  // The guest reads 16 keys at a time: 101 keys take seven reads.
  assert.deepEqual(JSON.parse(`[${listed}]`), [...many, 'test-key']);
  assert.equal(answer!.body.replace(/^keys = .*$/m, 'keys = …'), KV_BASICS_BODY.replace('keys = ["test-key"]', 'keys = …'));
  const stored = await kvEntries(page);
  assert.deepEqual(Object.keys(stored), many);
  assert.ok(Object.values(stored).every((v) => v === 'v'));
  const keysCall = (await traceCalls(page, '/many')).find((c) => c.call.startsWith('get-keys()'));
  assert.match(keysCall?.call ?? '', /^get-keys\(\) → ok\(\["key-000","key-001",.*"key-099","test-key"\]\)$/);
  await context.close();
});

test('a store label not in key_value_stores is access-denied, as Spin answers it', async () => {
  const context = await newContext(browser);
  const page = await openPlayground(context, appQuery('p3-kv', '&preview=off'));
  const [answer] = await requests(page, ['/denied']);
  assert.deepEqual(answer, { status: 500, contentType: 'text/plain', body: 'error: access-denied\n' });
  const calls = await traceCalls(page, '/denied');
  assert.deepEqual(
    calls.map((c) => c.call),
    ['store.open("forbidden") → err(access-denied)'],
  );
  await context.close();
});

test("p3-kv-tiny does kv-tiny's work with the same answers and data; acknowledged writes survive a reload and the explorer follows them", async () => {
  const p2Context = await newContext(browser);
  const p2 = await openPlayground(p2Context, appQuery('kv-tiny', '&preview=off'));
  const fromP2 = await requests(p2, ['/', '/', '/']);
  const p2Data = await kvEntries(p2);
  await p2Context.close();
  const context = await newContext(browser);
  const page = await openPlayground(context, appQuery('p3-kv-tiny', '&preview=off'));
  const fromP3 = await requests(page, ['/', '/', '/']);
  assert.deepEqual(
    fromP3.map((a) => `${a.status} ${a.contentType} ${a.body}`),
    ['200 text/plain x', '200 text/plain xx', '200 text/plain xxx'],
  );
  assert.deepEqual(fromP3, fromP2);
  assert.deepEqual(await kvEntries(page), { count: 'xxx' });
  assert.deepEqual(p2Data, { count: 'xxx' });
  // The explorer refreshed after the component's writes, without being asked.
  const explorer = panel(page, 'Key-value explorer');
  await explorer.getByRole('listbox', { name: 'Keys' }).getByRole('option', { name: 'count' }).waitFor();

  await page.reload();
  await waitForStatus(page, 'Running');
  assert.deepEqual(await kvEntries(page), { count: 'xxx' }, 'the acknowledged writes survived the reload');
  const [next] = await requests(page, ['/']);
  assert.equal(next!.body, 'xxxx');
  await context.close();
});

test("spin:variables@3.0.0 and wasi:config/store from a WASI 0.3 component give Spin's values and errors", async () => {
  const context = await newContext(browser);
  const page = await openPlayground(context, appQuery('p3-variables', '&preview=off'));
  const answers = await requests(page, ['/message', '/nope', '/Bad', '/']);
  assert.deepEqual(
    answers.map((a) => a.body),
    [
      'variables: ok(hello, world)\nconfig: ok(hello, world)\n',
      'variables: err(undefined: no variable for "p3-variables"."nope")\nconfig: ok(none)\n',
      'variables: err(invalid-name: "Bad": invalid character \'B\'. Variable names may contain only lower-case letters, numbers, and underscores.)\n' +
        'config: ok(none)\n',
      'variables: err(invalid-name: "": must not be empty)\nconfig: ok(none)\n',
    ],
  );
  assert.ok(answers.every((a) => a.status === 200));
  const calls = await traceCalls(page, '/message');
  assert.deepEqual(
    calls.map((c) => c.call),
    ['variables.get("message") → ok("hello, world")', 'store.get("message") → ok("hello, world")'],
  );
  assert.match(calls[0]!.time, / → /, 'the async call shows its start and end');
  assert.doesNotMatch(calls[1]!.time, / → /, 'the synchronous wasi:config call shows when it returned');
  await context.close();
});
