/**
 * `spin:sqlite/sqlite@3.1.0` from a WASI 0.3 component (test/fixtures/wat-p3/spin4-sqlite.wat):
 * the synchronous `execute` and `execute-async`'s row stream reach the same database, rows
 * round-trip and survive a reload, errors are the ones Spin gives (a failing statement reports
 * through the result future; a database not in `sqlite_databases` is access-denied), and the
 * Trace lists the calls as it does for the older versions.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import type { StaticServer } from '../support/static-server.ts';
import { fixtureAppQuery, withChromiumAndFixtureApps } from '../support/fixture-apps.ts';
import { newContext, openPlayground, sendFromConsole, waitForStatus } from '../support/playground.ts';
import { panel } from './ui-helpers.ts';

let browser: Browser;
let apps: StaticServer;

withChromiumAndFixtureApps((b, a) => {
  browser = b;
  apps = a;
});

/** Sends requests one after another through the engine; answers `<status> <body>`. */
async function send(page: Page, requests: Array<[string, string]>): Promise<string[]> {
  // A string, so the test runner's transform adds no helper the page lacks.
  return (await page.evaluate(`(async (list) => {
    const { engine } = window.spinPlayground;
    const out = [];
    for (const [method, pathWithQuery] of list) {
      const r = await engine.request({ method, pathWithQuery, headers: [], body: null });
      out.push(r.status + ' ' + (r.body ? await new Response(r.body).text() : ''));
    }
    return out;
  })(${JSON.stringify(requests)})`)) as string[];
}

const rows = (n: number) => ['id,name', ...Array.from({ length: n }, (_, i) => `${i + 1},${['apple', 'banana', 'cherry'][i % 3]}`), 'end ok', ''].join('\n');

test("rows written with execute come back through execute-async's row stream, several reads long, and survive a reload", async () => {
  const context = await newContext(browser);
  const page = await openPlayground(context, fixtureAppQuery(apps, 'spin4-sqlite', '&preview=off'));
  assert.deepEqual(
    await send(page, [
      ['GET', '/'],
      ['POST', '/'],
      ['GET', '/'],
    ]),
    [`200 ${rows(0)}`, '200 changes 3, last id 3\n', `200 ${rows(3)}`],
  );
  // The guest reads at most eight rows at a time: eleven or more rows take several reads.
  assert.deepEqual(
    await send(page, [
      ['POST', '/'],
      ['POST', '/'],
      ['POST', '/'],
      ['GET', '/'],
    ]),
    ['200 changes 3, last id 6\n', '200 changes 3, last id 9\n', '200 changes 3, last id 12\n', `200 ${rows(12)}`],
  );
  await page.reload();
  await waitForStatus(page, 'Running');
  assert.deepEqual(await send(page, [['GET', '/']]), [`200 ${rows(12)}`]);
  await context.close();
});

test('a failing statement is ok with no columns and io(...) in the result future; a database not granted is access-denied', async () => {
  const context = await newContext(browser);
  const page = await openPlayground(context, fixtureAppQuery(apps, 'spin4-sqlite', '&preview=off'));
  assert.deepEqual(
    await send(page, [
      ['GET', '/missing'],
      ['GET', '/forbidden'],
    ]),
    ['200 \nend err io: no such table: missing\n', '200 open err access-denied\n'],
  );
  await context.close();
});

test('the Trace lists open-async, execute and execute-async with their outcomes, as for the older sqlite versions', async () => {
  const context = await newContext(browser);
  const page = await openPlayground(context, fixtureAppQuery(apps, 'spin4-sqlite', '&preview=off'));
  await sendFromConsole(page, 'GET', '/');
  const trace = panel(page, 'Trace');
  await trace.getByRole('option', { name: /console GET \/ → 200/ }).waitFor();
  const items = await trace.getByRole('list', { name: 'Host calls' }).getByRole('listitem').allTextContents();
  const calls = items.map((c) => c.replace(/^(<0\.1 ms|\+[\d.]+ (ms|s))/, '').trim());
  assert.deepEqual(calls, [
    'connection.open-async("default") → ok("connection(default)")',
    'execute("CREATE TABLE IF NOT EXISTS items (id INTEGER PRIMARY KEY, name TEXT)", []) → ok({"columns":[],"rows":[]})',
    'execute-async("SELECT id, name FROM items ORDER BY id", []) → ok({"columns":["id","name"],"rows":[]})',
  ]);
  await context.close();
});
