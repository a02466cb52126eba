/**
 * The "Fermyon Cloud limits" switch (docs/spin-behaviour.md §5), with a real component: the `kv-body` fixture stores
 * each request body under the key named by the path and answers a key-value error with its text.
 * Off (the default, as `spin up`): a 300-byte key and a 1.1 MB value are stored and the Logs warn
 * once per kind, naming the documented limit. On (the checkbox, remembered per project, or
 * `?limits=cloud`): the same writes fail with the limit in the error the app shows and in the
 * log, and nothing is stored; an app naming six stores does not load. The Limits section shows
 * the numbers. Against the production build, in Chromium.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { launchChromium } from '../support/chromium.ts';
import { serveStatic, type StaticServer } from '../support/static-server.ts';
import { newContext, openPlayground, sendFromConsole, waitForStatus } from '../support/playground.ts';
import { connectEnginePort, logLines, request, waitForLog } from '../support/engine-port.ts';
import { panel, replaceManifest, runManifest } from './ui-helpers.ts';

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

const KEY_300 = 'k'.repeat(300);
/** 1.1 MB of text whose content shows a torn or truncated value. */
const BIG = Array.from({ length: 110_000 }, (_, i) => String(i % 10_000).padStart(10, '.')).join('');
const NOTE = 'Fermyon Cloud limits (switch off in the playground to match spin up)';

async function open(context: BrowserContext, query = ''): Promise<Page> {
  const page = await openPlayground(context, `?app=${encodeURIComponent(`${fixtures.url}/apps/kv-body/spin.toml`)}&preview=off${query}`);
  await connectEnginePort(page);
  return page;
}

const limitsSection = (page: Page): Locator => page.locator('details#limits');

/** Open the Limits section (a person clicks its summary) and return it. */
async function openLimits(page: Page): Promise<Locator> {
  const section = limitsSection(page);
  if (!(await section.evaluate((el) => (el as HTMLDetailsElement).open))) await section.locator('summary').click();
  return section;
}

/** The switch, in the opened section. */
const cloudSwitch = async (page: Page): Promise<Locator> => (await openLimits(page)).getByRole('checkbox', { name: 'Fermyon Cloud limits' });

/** The Limits table as { row name: [here, spin up, Fermyon Cloud] }. */
async function limitsTable(page: Page): Promise<Record<string, string[]>> {
  const section = await openLimits(page);
  return section
    .getByRole('table', { name: 'Limits' })
    .evaluate((table) =>
      Object.fromEntries(
        [...table.querySelectorAll('tbody tr')].map((row) => [
          row.querySelector('th')!.textContent!,
          [...row.querySelectorAll('td')].map((td) => td.textContent!),
        ]),
      ),
    );
}

/** Flip the switch and wait until the app has run again. */
async function flip(page: Page): Promise<void> {
  await page.locator('#status').evaluate((el) => (el.textContent = ''));
  await (await cloudSwitch(page)).click();
  await waitForStatus(page, 'Running');
}

const countMatching = async (page: Page, pattern: RegExp) => (await logLines(page)).filter((line) => pattern.test(line)).length;

describe('Fermyon Cloud limits off (the default, as spin up)', () => {
  test('a 300-byte key and a 1.1 MB value are stored, each kind warned once, and the Limits section shows the numbers', async () => {
    const context = await newContext(browser);
    const page = await open(context, '&timeout=7000&memory=128');

    const stored = await sendFromConsole(page, 'PUT', `/${KEY_300}`, 'small');
    assert.match(stored.status, /^200\b/);
    assert.equal(stored.body, 'stored');
    assert.equal((await request(page, 'GET', `/${KEY_300}`)).body, 'small');
    const keyWarning = await waitForLog(
      page,
      /key is 300 bytes \(UTF-8\), over the documented key size limit of 255 bytes \(Fermyon Cloud FAQ: 255 bytes; spin-docs/,
    );
    assert.match(keyWarning, /^component "kv-body", store "default", key "k{40}"…: /);
    assert.match(keyWarning, /spin up enforces none, so it was stored/);

    const big = await request(page, 'PUT', '/big', BIG);
    assert.equal(big.status, 200);
    assert.equal(big.body, 'stored');
    const readBack = await request(page, 'GET', '/big');
    assert.equal(readBack.body.length, 1_100_000);
    assert.equal(readBack.body, BIG);
    await waitForLog(page, /value is 1100000 bytes, over the documented value size limit of 1000000 bytes \(1 MB\) \(Fermyon Cloud FAQ: 1 MB/);

    // Once per load and kind: a second long key does not warn again.
    assert.equal((await request(page, 'PUT', `/${KEY_300}-2`, 'again')).status, 200);
    assert.equal(await countMatching(page, /over the documented key size limit/), 1);
    assert.equal(await countMatching(page, /write refused|Fermyon Cloud limits are on/), 0);

    assert.equal(await (await cloudSwitch(page)).isChecked(), false);
    assert.match((await limitsSection(page).locator('summary').textContent()) ?? '', /^Limits \(spin up\)$/);
    const table = await limitsTable(page);
    assert.deepEqual(table['Request timeout'], ['7,000 ms (?timeout=)', 'none', '10 s (handler duration)']);
    assert.deepEqual(table['Guest memory'], ['128 MiB per memory (?memory=)', '4 GiB per memory', 'not documented']);
    assert.deepEqual(table['Request body'], ['none (held in memory)', 'none', 'not documented']);
    assert.deepEqual(table['Response body'], ['none (streamed)', 'none', 'not documented']);
    assert.deepEqual(table['Key size'], ['none (warns over 255 B)', 'none', '255 B']);
    assert.deepEqual(table['Value size'], ['none (warns over 1 MB)', 'none', '1 MB']);
    assert.deepEqual(table['Keys per store'], ['none (warns over 1,024)', 'none', '1,024']);
    assert.deepEqual(table['Key-value stores'], ['none (warns over 5)', 'none', '5 (Starter plan)']);
    await context.close();
  });
});

describe('Fermyon Cloud limits on', () => {
  test('the switch reruns the app; the same writes fail with the limit named, nothing is stored; it is remembered per project', async () => {
    const context = await newContext(browser);
    const page = await open(context);
    await flip(page);
    await waitForLog(page, /^Fermyon Cloud limits are on: keys up to 255 bytes, values up to 1000000 bytes, 1024 keys per store, 5 stores/);
    await panel(page, 'Logs')
      .getByText(/Fermyon Cloud limits are on/)
      .first()
      .waitFor();
    assert.match((await limitsSection(page).locator('summary').textContent()) ?? '', /^Limits \(Fermyon Cloud\)$/);
    const table = await limitsTable(page);
    assert.deepEqual(table['Key size'], ['255 B', 'none', '255 B']);
    assert.deepEqual(table['Value size'], ['1,000,000 B', 'none', '1 MB']);
    assert.deepEqual(table['Keys per store'], ['1,024', 'none', '1,024']);
    assert.deepEqual(table['Key-value stores'], ['5', 'none', '5 (Starter plan)']);
    assert.deepEqual(table['Request timeout'], ['10,000 ms (?timeout=)', 'none', '10 s (handler duration)']);

    const refused = await sendFromConsole(page, 'PUT', `/${KEY_300}`, 'small');
    assert.match(refused.status, /^500\b/);
    assert.equal(refused.body, `key is 300 bytes (UTF-8), over the key size limit of 255 bytes; ${NOTE}`);
    assert.equal((await request(page, 'GET', `/${KEY_300}`)).status, 404);
    const logged = await waitForLog(page, /^key-value write refused \(component "kv-body", store "default", key "k{40}"…\): key is 300 bytes/);
    assert.ok(logged.endsWith(NOTE), logged);

    const big = await request(page, 'PUT', '/big', BIG);
    assert.equal(big.status, 500);
    assert.equal(big.body, `value is 1100000 bytes, over the value size limit of 1000000 bytes (1 MB); ${NOTE}`);
    assert.equal((await request(page, 'GET', '/big')).status, 404);
    await waitForLog(page, /^key-value write refused \(component "kv-body", store "default", key "big"\): value is 1100000 bytes/);

    // Within the limits, writes work as usual: a 255-byte key and a 1,000,000-byte value.
    const atLimit = await request(page, 'PUT', `/${'k'.repeat(255)}`, BIG.slice(0, 1_000_000));
    assert.equal(atLimit.status, 200);
    assert.equal((await request(page, 'GET', `/${'k'.repeat(255)}`)).body.length, 1_000_000);

    // Remembered for this project: a reload keeps it on.
    await page.reload();
    await waitForStatus(page, 'Running');
    await connectEnginePort(page);
    assert.equal(await (await cloudSwitch(page)).isChecked(), true);
    assert.equal((await request(page, 'PUT', `/${KEY_300}`, 'small')).status, 500);

    // Off again: the same write is stored, as with spin up.
    await flip(page);
    assert.equal(await (await cloudSwitch(page)).isChecked(), false);
    assert.equal((await request(page, 'PUT', `/${KEY_300}`, 'small')).status, 200);
    assert.equal((await request(page, 'GET', `/${KEY_300}`)).body, 'small');
    await context.close();
  });

  test('?limits=cloud turns it on from the URL; an app naming six stores fails to load, and loads with a warning when it is off', async () => {
    const context = await newContext(browser);
    const page = await open(context, '&limits=cloud');
    assert.equal(await (await cloudSwitch(page)).isChecked(), true);
    await waitForLog(page, /^Fermyon Cloud limits are on/);
    const refused = await request(page, 'PUT', `/${KEY_300}`, 'x');
    assert.equal(refused.status, 500);
    assert.match(refused.body, /over the key size limit of 255 bytes/);

    await replaceManifest(
      page,
      `spin_manifest_version = 2

[application]
name = "kv-body"

[[trigger.http]]
route = "/..."
component = "kv-body"

[[trigger.http]]
route = "/other/..."
component = "other"

[component.kv-body]
source = "kv-body.wasm"
key_value_stores = ["default", "a", "b"]

[component.other]
source = "kv-body.wasm"
key_value_stores = ["default", "c", "d", "e", "a"]
`,
    );
    await runManifest(page, 'error');
    const problems = (await page.locator('#problems').textContent()) ?? '';
    assert.match(problems, /the app's components name 6 distinct key-value stores \("a", "b", "c", "d", "default", "e"\), over the limit of 5 stores per app/);
    assert.match(problems, /Fermyon Cloud limits \(switch off in the playground to match spin up\)/);

    await flip(page);
    await waitForLog(page, /6 distinct key-value stores .*over the documented limit of 5 stores per app \(Fermyon Cloud FAQ: 5 stores on the Starter plan/);
    // It runs as spin up would: the second component (it stores into "default" too) answers.
    assert.equal((await request(page, 'PUT', '/other/x', 'y')).status, 200);
    assert.equal((await request(page, 'GET', '/other/x')).body, 'y');
    await context.close();
  });
});
