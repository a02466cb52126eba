/**
 * Spin 4 (WASI 0.3) edge cases in Chromium, with hand-written p3 components
 * (test/fixtures/wat-p3/p3-stream.wat, p3-outbound.wat): a body written in several chunks reaches
 * the client as it is written; an endless loop hits the safety timeout and a restarted engine
 * serves on; a trap after the head poisons the instance; a p3 app survives a share link and
 * "Export app" (and importing that zip).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { unzipSync } from 'fflate';
import type { Browser, Frame, Page } from 'playwright-core';
import type { StaticServer } from '../support/static-server.ts';
import { fixtureAppQuery, withChromiumAndFixtureApps } from '../support/fixture-apps.ts';
import { newContext, openPlayground, waitForStatus } from '../support/playground.ts';
import { connectEnginePort, request, runnerFrame, waitForLog } from '../support/engine-port.ts';

let browser: Browser;
let apps: StaticServer;

withChromiumAndFixtureApps((b, a) => {
  browser = b;
  apps = a;
});

const appQuery = (app: string, extra = '') => fixtureAppQuery(apps, app, extra);
const fiveChunks = (n: number) => [1, 2, 3, 4, 5].map((k) => `request ${n} chunk ${k}\n`).join('');

/**
 * A fetch from a page on the preview origin (the hidden runner frame, so no preview page load
 * counts as a request), through the service worker, read chunk by chunk until it ends or breaks.
 */
function readThroughSw(frame: Frame, path: string) {
  return frame.evaluate(async (path) => {
    const response = await fetch(path, { cache: 'no-store' });
    const reader = response.body!.getReader();
    const decoder = new TextDecoder();
    const reads: string[] = [];
    let error = '';
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        reads.push(decoder.decode(value, { stream: true }));
      }
    } catch (e) {
      error = String(e);
    }
    return { status: response.status, stream: response.headers.get('x-stream'), reads, text: reads.join(''), error };
  }, path);
}

/** A request through the engine with headers (the console's path): [status, body text]. */
function engineRequest(page: Page, path: string, headers: Array<[string, string]> = []): Promise<[number, string]> {
  return page.evaluate(
    async ({ path, headers }) => {
      type Engine = { request(r: unknown): Promise<{ status: number; body: ArrayBuffer | ReadableStream | null }> };
      const { engine } = (window as unknown as { spinPlayground: { engine: Engine } }).spinPlayground;
      const r = await engine.request({ method: 'GET', pathWithQuery: path, headers, body: null });
      return [r.status, r.body ? await new Response(r.body).text() : ''] as [number, string];
    },
    { path, headers },
  );
}

test('a body written in five chunks reaches the client through the service worker as it is written, in several reads', async () => {
  const context = await newContext(browser);
  const page = await openPlayground(context, appQuery('p3-stream', '&preview=off'));
  const frame = await runnerFrame(page);
  const result = await readThroughSw(frame, '/chunks');
  const { status, stream, text, error } = result;
  assert.deepEqual({ status, stream, text, error }, { status: 200, stream: 'p3', text: fiveChunks(1), error: '' });
  // The guest waits 100 ms on the clock between writes, so the body cannot arrive in one read
  // unless it was buffered (a slow reader may still get several chunks at once).
  assert.ok(result.reads.length > 1, JSON.stringify(result.reads));
  assert.match(result.reads[0]!, /^request 1 chunk 1\n/, JSON.stringify(result.reads));
  await context.close();
});

test('an endless loop in a p3 handler gets 504 at the safety timeout, and the restarted engine serves the app again', async () => {
  const context = await newContext(browser);
  const page = await openPlayground(context, appQuery('p3-stream', '&preview=off&timeout=1500'));
  await connectEnginePort(page);
  assert.equal((await request(page, 'GET', '/chunks')).body, fiveChunks(1));
  const spun = await request(page, 'GET', '/loop');
  assert.equal(spun.status, 504);
  assert.match(spun.body, /route "\/\.\.\." of component "stream" did not respond within 1500 ms/);
  await waitForLog(page, /^engine restarted in \d+ ms \(GET \/loop timed out after 1500 ms\)$/);
  const after = await request(page, 'GET', '/chunks');
  assert.equal(after.status, 200);
  assert.equal(after.body, fiveChunks(1), 'a fresh engine made a fresh instance');
  await context.close();
});

test('a trap after the head: the client gets the head and the bytes written so far, and the trapped instance is dropped', async () => {
  const context = await newContext(browser);
  const page = await openPlayground(context, appQuery('p3-stream', '&preview=off'));
  await connectEnginePort(page);
  const frame = await runnerFrame(page);
  // The guest traps once the host has taken its first chunk. jco's glue reports such a trap to no
  // one (the task has returned); without the engine's hook this read would wait for ever.
  const trapped = await readThroughSw(frame, '/trap');
  assert.equal(trapped.status, 200);
  assert.equal(trapped.stream, 'p3');
  // The bytes the guest wrote before the trap, then the end of the body (or, if the trap came after
  // the engine had started streaming, an error: a browser gives no reason).
  assert.equal(trapped.text, 'request 1 chunk 1\n', JSON.stringify(trapped));
  const dropped = await waitForLog(page, /^GET \/trap: Error processing request: the component instance \(#1\) was dropped after a trap/);
  assert.match(dropped, /in a request on it: wasm trap: wasm `unreachable` instruction executed$/);
  // A new instance serves the next request: it counts from 1 again.
  const next = await readThroughSw(frame, '/chunks');
  assert.deepEqual({ status: next.status, text: next.text, error: next.error }, { status: 200, text: fiveChunks(1), error: '' });
  await context.close();
});

/** Through the proxy to the app itself, then through it to a chained component: the outbound path works. */
async function checkOutboundApp(page: Page) {
  assert.deepEqual(await engineRequest(page, '/stream/chunks'), [200, fiveChunks(1)]);
  const [status, text] = await engineRequest(page, '/proxy/x', [
    ['x-scheme', 'http'],
    ['x-authority', 'stream.spin.internal'],
    ['x-path', '/stream/chunks'],
  ]);
  assert.equal(status, 200, text);
  // The same instance, or a new one if the first sat idle for Spin 4's 1 s.
  assert.match(text, /^request ([12]) chunk 1\nrequest \1 chunk 2\nrequest \1 chunk 3\nrequest \1 chunk 4\nrequest \1 chunk 5\n$/);
}

test('a p3 app survives a share link: the link opens in a fresh browser and the app answers the same', async () => {
  const context = await newContext(browser);
  const page = await openPlayground(context, appQuery('p3-outbound', '&preview=off'));
  await checkOutboundApp(page);
  await page.getByRole('button', { name: 'Share' }).click();
  const field = page.getByRole('dialog', { name: 'Share' }).getByLabel('Share link');
  await field.waitFor();
  const link = await field.inputValue();
  assert.match(link, /#v1\./);
  await context.close();

  const fresh = await newContext(browser);
  const reader = await fresh.newPage();
  await reader.goto(link);
  await waitForStatus(reader, 'Running');
  assert.match(reader.url(), /\?project=p-/, 'opened as a new project');
  await checkOutboundApp(reader);
  await fresh.close();
});

test('Export app of a p3 app gives a zip with its spin.toml and every component, and importing it runs the app', async () => {
  const context = await newContext(browser);
  const page = await openPlayground(context, appQuery('p3-outbound', '&preview=off'));
  const downloadPromise = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Export app' }).click();
  const download = await downloadPromise;
  const zipPath = `/tmp/spin4-edge-${process.pid}.zip`;
  await download.saveAs(zipPath);
  await context.close();

  const zip = readFileSync(zipPath);
  const entries = unzipSync(new Uint8Array(zip));
  const names = Object.keys(entries);
  const manifestName = names.find((n) => n.endsWith('spin.toml'));
  assert.ok(manifestName, names.join(', '));
  const manifest = new TextDecoder().decode(entries[manifestName]);
  assert.match(manifest, /source = "p3-outbound\.wasm"/);
  const hosts = '["http://self", "http://echo.spin.internal", "http://stream.spin.internal", "http://127.0.0.1:*"]';
  assert.ok(manifest.includes(`allowed_outbound_hosts = ${hosts}`), manifest);
  const dir = manifestName.slice(0, -'spin.toml'.length);
  for (const wasm of ['p3-outbound.wasm', 'p3-echo.wasm', 'p3-stream.wasm']) {
    const built = readFileSync(new URL(`../fixtures/dist/apps/p3-outbound/${wasm}`, import.meta.url));
    assert.ok(entries[`${dir}${wasm}`], `${wasm} is in the zip (${names.join(', ')})`);
    assert.ok(Buffer.from(entries[`${dir}${wasm}`]!).equals(built), `${wasm} is byte for byte the component`);
  }

  const fresh = await newContext(browser);
  const reader = await openPlayground(fresh, '?example=static-files&preview=off');
  // The example already says "Running": clear it, so the wait below is for the imported app's run.
  await reader.locator('#status').evaluate((el) => {
    el.textContent = '';
  });
  await reader.getByRole('region', { name: 'Files' }).getByLabel('Add files').setInputFiles({ name: 'p3.zip', mimeType: 'application/zip', buffer: zip });
  await reader
    .getByRole('region', { name: 'Logs' })
    .getByText(/imported p3\.zip/)
    .waitFor({ timeout: 30_000 });
  await waitForStatus(reader, 'Running');
  await checkOutboundApp(reader);
  await fresh.close();
});
