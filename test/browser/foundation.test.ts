/**
 * The foundation, end to end in Chromium against the production build: manifest -> service
 * worker -> engine Worker -> component -> key-value on sql.js + IndexedDB.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, mkdirSync, copyFileSync, readFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { launchChromium } from '../support/chromium.ts';
import { serveStatic, type StaticServer } from '../support/static-server.ts';
import { newContext, openPlayground, previewFrame, sendFromConsole, waitForStatus } from '../support/playground.ts';

const KV_BASICS_BODY =
  'set test-key = test-value\nexists(test-key) = true\nkeys = ["test-key"]\nget(test-key) = test-value\ndelete test-key\nexists(test-key) = false\n';

let browser: Browser;
let apps: StaticServer;
let appsOther: StaticServer;

before(async () => {
  browser = await launchChromium();
  // Apps served from other origins, as `?app=` would find them on the web.
  const dir = mkdtempSync(join(tmpdir(), 'spin-apps-'));
  const dist = new URL('../fixtures/dist/', import.meta.url).pathname;
  for (const app of ['kv-tiny', 'trap']) {
    mkdirSync(join(dir, app));
    copyFileSync(join(dist, 'apps', app, 'spin.toml'), join(dir, app, 'spin.toml'));
    copyFileSync(join(dist, 'apps', app, `${app}.wasm`), join(dir, app, `${app}.wasm`));
  }
  mkdirSync(join(dir, 'bad'));
  writeFileSync(
    join(dir, 'bad', 'spin.toml'),
    'spin_manifest_version = 2\n\n[application]\nname = "bad"\n\n[[trigger.http]]\nroute = "/..."\ncomponent = ' +
      '"bad_id"\n\n[component.bad_id]\nsource = "x.wasm"\n',
  );
  mkdirSync(join(dir, 'static'));
  writeFileSync(
    join(dir, 'static', 'spin.toml'),
    'spin_manifest_version = 2\n\n[application]\nname = "static"\n\n[[trigger.http]]\nroute = "/hello"\nstatic_response = { status_code = 201, ' +
      'headers = { x-from = "static" }, body = "hi" }\n',
  );
  mkdirSync(join(dir, 'not-wasm'));
  writeFileSync(
    join(dir, 'not-wasm', 'spin.toml'),
    'spin_manifest_version = 2\n\n[application]\nname = "nw"\n\n[[trigger.http]]\nroute = "/..."\ncomponent = "nw"\n\n[component.nw]\nsource = "index.html"\n',
  );
  writeFileSync(join(dir, 'not-wasm', 'index.html'), '<!doctype html><p>not wasm</p>');
  apps = await serveStatic(dir);
  appsOther = await serveStatic(dir);
  // `source = { url, digest }`: one with the right sha256, one with a wrong one.
  const tinyUrl = `${appsOther.url}/kv-tiny/kv-tiny.wasm`;
  const digest = createHash('sha256')
    .update(readFileSync(join(dir, 'kv-tiny', 'kv-tiny.wasm')))
    .digest('hex');
  const urlManifest = (d: string) =>
    `spin_manifest_version = 2\n\n[application]\nname = "by-url"\n\n[[trigger.http]]\nroute = "/..."\ncomponent = ` +
    `"tiny"\n\n[component.tiny]\nsource = { url = "${tinyUrl}", digest = "sha256:${d}" }\nkey_value_stores = ["default"]\n`;
  mkdirSync(join(dir, 'digest-ok'));
  writeFileSync(join(dir, 'digest-ok', 'spin.toml'), urlManifest(digest));
  mkdirSync(join(dir, 'digest-bad'));
  writeFileSync(join(dir, 'digest-bad', 'spin.toml'), urlManifest('0'.repeat(64)));
});

after(async () => {
  await browser?.close();
  await apps?.close();
  await appsOther?.close();
});

describe('the default app', () => {
  test('kv-basics answers in the preview and in the request console', async () => {
    const context = await newContext(browser);
    const page = await openPlayground(context);
    for (const name of ['Manifest', 'Request', 'Preview', 'Logs']) {
      const box = await page.getByRole('region', { name }).boundingBox();
      assert.ok(box && box.width > 100 && box.height > 100 && box.x + box.width <= 1440 && box.y + box.height <= 900, `${name} is visible at 1440x900`);
    }
    const preview = await previewFrame(page);
    assert.equal(await preview.evaluate(() => document.body.textContent), KV_BASICS_BODY);
    const response = await sendFromConsole(page, 'GET', '/');
    assert.match(response.status, /^200\b/);
    assert.equal(response.body, KV_BASICS_BODY);
    assert.match(response.headers, /^content-type: text\/plain/m);
    assert.match(response.headers, new RegExp(`^content-length: ${KV_BASICS_BODY.length}$`, 'm'));
    const manifest = await page.getByRole('region', { name: 'Manifest' }).textContent();
    assert.match(manifest ?? '', /key_value_stores/);
    await context.close();
  });

  test("reserved /.well-known/spin paths are answered before the app's own routes", async () => {
    const context = await newContext(browser);
    const page = await openPlayground(context, '?example=guestbook');
    const response = await sendFromConsole(page, 'GET', '/.well-known/spin/health');
    assert.match(response.status, /^200\b/);
    assert.equal(response.body, 'OK');
    const info = await sendFromConsole(page, 'GET', '/.well-known/spin/info');
    assert.deepEqual(JSON.parse(info.body), { name: 'guestbook', version: '0.1.0' });
    const other = await sendFromConsole(page, 'GET', '/.well-known/spin/other');
    assert.match(other.status, /^404\b/);
    await context.close();
  });

  test('a path no route matches is a 404 with an empty body, and the log says why', async () => {
    const context = await newContext(browser);
    const page = await openPlayground(context, `?app=${encodeURIComponent(`${apps.url}/static/spin.toml`)}`);
    const hello = await sendFromConsole(page, 'GET', '/hello/');
    assert.match(hello.status, /^201\b/);
    assert.equal(hello.body, 'hi');
    assert.match(hello.headers, /^x-from: static$/m);
    const missing = await sendFromConsole(page, 'GET', '/nope');
    assert.match(missing.status, /^404\b/);
    assert.equal(missing.body, '');
    await page
      .getByRole('region', { name: 'Logs' })
      .getByText('Request to /nope matched no pattern, and received a generic 404 response.', { exact: false })
      .waitFor();
    await context.close();
  });
});

describe('an HTML app through the service worker', () => {
  test('a link, a form post and a page-script fetch all reach the component, and the data survives a reload', async () => {
    const context = await newContext(browser);
    const page = await openPlayground(context, '?example=guestbook');
    let preview = await previewFrame(page);
    const before = Number(await preview.locator('#server-count').textContent());
    // Page script: fetch('/api/entries') fills #live-count.
    await preview.waitForFunction(() => document.getElementById('live-count')?.textContent !== '?');
    assert.equal(Number(await preview.locator('#live-count').textContent()), before);
    // Link navigation.
    await preview.locator('a[href="/about"]').click();
    await preview.waitForURL(/\/about$/);
    assert.match(await preview.evaluate(() => document.body.innerText), /about/i);
    await preview.locator('a[href="/"]').first().click();
    await preview.waitForURL(/\/$/);
    // Form post -> 303 -> GET /.
    const unique = `hello ${Date.now()}`;
    await preview.locator('input[name="name"]').fill('Tester');
    await preview.locator('[name="message"]').fill(unique);
    await Promise.all([preview.waitForNavigation(), preview.locator('form button, form [type="submit"]').first().click()]);
    assert.match(await preview.evaluate(() => document.body.innerText), new RegExp(unique));
    assert.equal(Number(await preview.locator('#server-count').textContent()), before + 1);
    // Reload the whole playground: the acknowledged write is still there.
    await page.reload();
    await waitForStatus(page, 'Running');
    preview = await previewFrame(page);
    assert.match(await preview.evaluate(() => document.body.innerText), new RegExp(unique));
    const api = await sendFromConsole(page, 'GET', '/api/entries');
    assert.ok((JSON.parse(api.body) as Array<{ message: string }>).some((e) => e.message === unique));
    await context.close();
  });
});

describe('opening an app by URL', () => {
  test('?app= loads an app from another origin, resolving its source relative to the manifest', async () => {
    const context = await newContext(browser);
    const page = await openPlayground(context, `?app=${encodeURIComponent(`${apps.url}/kv-tiny/spin.toml`)}`);
    const first = await sendFromConsole(page, 'GET', '/');
    assert.match(first.status, /^200\b/);
    const second = await sendFromConsole(page, 'GET', '/');
    assert.equal(second.body, `${first.body}x`);
    await context.close();
  });

  test('?app= also takes a URL relative to the page', async () => {
    const context = await newContext(browser);
    const page = await openPlayground(context, `?app=${encodeURIComponent('__pg/examples/kv-basics/spin.toml')}`);
    const response = await sendFromConsole(page, 'GET', '/');
    assert.equal(response.body, KV_BASICS_BODY);
    assert.match((await page.locator('#app-source').textContent()) ?? '', /^http:\/\/localhost:\d+\/__pg\/examples\/kv-basics\/spin\.toml$/);
    await context.close();
  });

  test('a { url, digest } source is fetched and verified', async () => {
    const context = await newContext(browser);
    const page = await openPlayground(context, `?app=${encodeURIComponent(`${apps.url}/digest-ok/spin.toml`)}`);
    assert.match((await sendFromConsole(page, 'GET', '/')).status, /^200\b/);
    await context.close();
  });

  test('a { url, digest } source whose bytes do not match is refused, naming both digests', async () => {
    const context = await newContext(browser);
    const page = await openPlayground(context, `?app=${encodeURIComponent(`${apps.url}/digest-bad/spin.toml`)}`, 'error');
    const problems = (await page.getByRole('list', { name: 'Problems' }).textContent()) ?? '';
    assert.match(
      problems,
      new RegExp(
        /component "tiny": the digest of http:\/\/127\.0\.0\.1:\d+\/kv-tiny\/kv-tiny\.wasm does not match: /.source +
          /the manifest expects sha256:0{64}, the downloaded file is sha256:[0-9a-f]{64}/.source,
      ),
    );
    assert.match(problems, /spin\.toml line 10, column 1/);
    await context.close();
  });

  test("two projects side by side cannot read each other's key-value data", async () => {
    const context = await newContext(browser);
    // Each preview frame's first load of `/` is itself one write ('x').
    const a = await openPlayground(context, `?app=${encodeURIComponent(`${apps.url}/kv-tiny/spin.toml`)}`);
    await previewFrame(a);
    assert.equal((await sendFromConsole(a, 'GET', '/')).body, 'xx');
    assert.equal((await sendFromConsole(a, 'GET', '/')).body, 'xxx');
    const b = await openPlayground(context, `?app=${encodeURIComponent(`${appsOther.url}/kv-tiny/spin.toml`)}`);
    await previewFrame(b);
    assert.equal((await sendFromConsole(b, 'GET', '/')).body, 'xx', 'project b counts from its own empty store');
    assert.equal((await sendFromConsole(a, 'GET', '/')).body, 'xxxx', 'project a is untouched by b');
    // Project a's preview cannot reach the playground page or its storage.
    const previewA = await previewFrame(a);
    const escaped = await previewA.evaluate(() => {
      const results: string[] = [];
      try {
        results.push(String(window.parent.document.title));
      } catch (error) {
        results.push((error as Error).name);
      }
      try {
        results.push(String(window.parent.localStorage.length));
      } catch (error) {
        results.push((error as Error).name);
      }
      return results;
    });
    assert.deepEqual(escaped, ['SecurityError', 'SecurityError']);
    assert.notEqual(new URL(previewA.url()).origin, new URL((await previewFrame(b)).url()).origin);
    await context.close();
  });

  test('a component that traps gives 500 with an empty body, and the error is logged', async () => {
    const context = await newContext(browser);
    const page = await openPlayground(context, `?app=${encodeURIComponent(`${apps.url}/trap/spin.toml`)}`);
    const response = await sendFromConsole(page, 'GET', '/anything');
    assert.match(response.status, /^500\b/);
    assert.equal(response.body, '');
    await page
      .getByRole('region', { name: 'Logs' })
      .getByText(/GET \/anything: Error processing request: wasm trap/)
      .waitFor();
    await context.close();
  });
});

describe('bad input', () => {
  test('a bad manifest shows "line L, column C" and the offending id', async () => {
    const context = await newContext(browser);
    const page = await openPlayground(context, `?app=${encodeURIComponent(`${apps.url}/bad/spin.toml`)}`, 'error');
    const problems = await page.getByRole('list', { name: 'Problems' }).textContent();
    assert.match(problems ?? '', /spin\.toml line 8, column 13: words must be separated with '-', not '_'/);
    assert.match(problems ?? '', /spin\.toml line 10, column 12: words must be separated with '-', not '_'/);
    await context.close();
  });

  test('a source that is not wasm is refused with the file named', async () => {
    const context = await newContext(browser);
    const page = await openPlayground(context, `?app=${encodeURIComponent(`${apps.url}/not-wasm/spin.toml`)}`, 'error');
    const problems = await page.getByRole('list', { name: 'Problems' }).textContent();
    assert.match(problems ?? '', /index\.html is not a WebAssembly file/);
    await context.close();
  });

  test('an app URL that cannot be fetched names the URL and the CORS hint', async () => {
    const context = await newContext(browser);
    const page = await openPlayground(context, `?app=${encodeURIComponent(`${apps.url}/missing/spin.toml`)}`, 'error');
    const problems = await page.getByRole('list', { name: 'Problems' }).textContent();
    assert.match(problems ?? '', new RegExp(`could not fetch ${apps.url}/missing/spin.toml: the server answered 404`));
    await context.close();
  });
});
