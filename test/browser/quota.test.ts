/**
 * A full storage quota (docs/spin-behaviour.md has the durability rule): "When the IndexedDB quota is exceeded, give a clear error; the data already stored
 * stays intact." With a real quota, not a fake: Chromium runs with its profile on a small tmpfs
 * (96 MiB), so its storage quota is small and a large write really fails with
 * `QuotaExceededError`. The `kv-body` fixture stores each request body under the key its path
 * names. Expected: the write that did not fit fails (5xx) with a log line naming the cause, the
 * engine comes back, and everything acknowledged before is still there, also after a reload.
 *
 * Mounting a tmpfs needs root (CAP_SYS_ADMIN), as `npm test` has when it may install Chromium.
 * Without it the test is reported as skipped with that reason (never silently).
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import type { BrowserContext, Page } from 'playwright-core';
import { launchPersistentChromium } from '../support/chromium.ts';
import { serveStatic, type StaticServer } from '../support/static-server.ts';
import { openPlayground, waitForStatus } from '../support/playground.ts';
import { connectEnginePort, engineEvents, request } from '../support/engine-port.ts';

const MOUNT_MIB = 96;
/** More than the profile's whole disk can hold: the journal write of this value cannot commit. */
const TOO_BIG = 110 * 1024 * 1024;

let fixtures: StaticServer;
let mountDir = '';
let mountError = '';

before(async () => {
  fixtures = await serveStatic(new URL('../fixtures/dist/', import.meta.url).pathname);
  mountDir = mkdtempSync('/tmp/pg-quota-');
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${MOUNT_MIB}m`, 'tmpfs', mountDir], { stdio: 'pipe' });
  } catch (error) {
    mountError = error instanceof Error ? error.message.split('\n')[0]! : String(error);
  }
});

after(async () => {
  await fixtures?.close();
  if (mountDir && !mountError) execFileSync('umount', [mountDir]);
  if (mountDir) rmSync(mountDir, { recursive: true, force: true });
});

/** PUT a body of `size` random bytes (incompressible, so it really takes the space) through the console's path. */
function putRandom(page: Page, path: string, size: number): Promise<{ status: number; body: string }> {
  return page.evaluate(
    async ({ path, size }) => {
      const bytes = new Uint8Array(size);
      for (let i = 0; i < size; i += 65_536) crypto.getRandomValues(bytes.subarray(i, Math.min(size, i + 65_536)));
      const port = (
        window as unknown as {
          __pgPort: { call(m: unknown, t?: Transferable[]): Promise<{ response: { status: number; body: ArrayBuffer | ReadableStream | null } }> };
        }
      ).__pgPort;
      const reply = await port.call({ type: 'request', request: { method: 'PUT', pathWithQuery: path, headers: [], body: bytes.buffer } }, [bytes.buffer]);
      return { status: reply.response.status, body: reply.response.body ? await new Response(reply.response.body).text() : '' };
    },
    { path, size },
  );
}

/** The same through the key-value explorer's path: a `set` admin operation. */
function setRandom(page: Page, key: string, size: number): Promise<{ op: string; message?: string }> {
  return page.evaluate(
    async ({ key, size }) => {
      const bytes = new Uint8Array(size);
      for (let i = 0; i < size; i += 65_536) crypto.getRandomValues(bytes.subarray(i, Math.min(size, i + 65_536)));
      const port = (window as unknown as { __pgPort: { call(m: unknown, t?: Transferable[]): Promise<{ result: { op: string; message?: string } }> } })
        .__pgPort;
      const reply = await port.call({ type: 'kv', op: { op: 'set', store: 'default', key, value: bytes.buffer } }, [bytes.buffer]);
      return reply.result;
    },
    { key, size },
  );
}

async function open(context: BrowserContext): Promise<Page> {
  const page = await openPlayground(context, `?app=${encodeURIComponent(`${fixtures.url}/apps/kv-body/spin.toml`)}&preview=off`);
  await connectEnginePort(page);
  return page;
}

test('a write past the storage quota fails with a clear error, and the data stored before survives', async (t) => {
  if (mountError) {
    t.skip(`needs a small tmpfs for the browser profile (run as root): ${mountError}`);
    return;
  }
  const context = await launchPersistentChromium(`${mountDir}/profile`);
  try {
    const page = await open(context);
    const kept = `stored before the quota ran out ${Date.now()}`;
    assert.deepEqual(await request(page, 'PUT', '/kept', kept).then((a) => [a.status, a.body.trim()]), [200, 'stored']);

    // The write that does not fit: not acknowledged, and the log names the cause.
    const big = await putRandom(page, '/big', TOO_BIG);
    assert.ok(big.status >= 500 && big.status <= 599, `the write that did not fit is a 5xx, got ${big.status}: ${big.body.slice(0, 200)}`);
    assert.match(big.body, /could not save key-value changes to IndexedDB \(QuotaExceededError/);
    const logs = page.getByRole('region', { name: 'Logs' });
    const line =
      (await logs
        .getByText(/could not save key-value changes to IndexedDB/)
        .first()
        .textContent({ timeout: 30_000 })) ?? '';
    assert.match(line, /QuotaExceededError/);
    assert.match(line, /storage for this site may be full or blocked; everything saved before is intact/);

    // The engine is consistent again (a fresh one reopened the durable state): what was
    // acknowledged is there, what was refused is not.
    await logs
      .getByText(/restarted in \d+ ms/)
      .first()
      .waitFor({ timeout: 30_000 });
    const read = await request(page, 'GET', '/kept');
    assert.deepEqual([read.status, read.body], [200, kept]);
    assert.equal((await request(page, 'GET', '/big')).status, 404);

    // The key-value explorer's path (an admin operation) fails the same way, and only once: it
    // is answered, not sent again to the fresh engine (which would fail and restart again).
    const restartsBefore = (await engineEvents(page)).filter((e) => e.kind === 'restarted').length;
    const viaExplorer = await setRandom(page, 'big-explorer', TOO_BIG);
    assert.equal(viaExplorer.op, 'error');
    assert.match(viaExplorer.message ?? '', /QuotaExceededError/);
    assert.match(viaExplorer.message ?? '', /not applied/);
    // A write that fits works again right away, and the failed one restarted the engine once.
    assert.deepEqual(await request(page, 'PUT', '/small', 'fits').then((a) => [a.status, a.body.trim()]), [200, 'stored']);
    const restarts = (await engineEvents(page)).filter((e) => e.kind === 'restarted').length - restartsBefore;
    assert.equal(restarts, 1, `one restart for one failed write, not a loop (saw ${restarts})`);
    assert.equal((await request(page, 'GET', '/big-explorer')).status, 404);

    // And durable: a reload (a new engine, reading IndexedDB) finds it too.
    await page.reload();
    await waitForStatus(page, 'Running');
    await connectEnginePort(page);
    const again = await request(page, 'GET', '/kept');
    assert.deepEqual([again.status, again.body], [200, kept]);
  } finally {
    await context.close();
  }
});
