/**
 * Writing a Spin JS component in the page (docs/authoring.md), in Chromium: the build runs in a Worker,
 * the core module is served with the glue template through the engine's own `invoke()` and host
 * (KV on sql.js), script errors come back with line and column while the last good build keeps
 * serving, TypeScript is stripped, and "Export .wasm" gives a component whose imports and exports
 * are the j2w build's.
 *
 * Uses the authoring harness page (src/authoring/dev/harness.html) on Vite's dev server until the
 * playground UI has "New JS app" / "Run"; the timings it measures are written to
 * .cache/authoring/browser-timings.json.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from '../support/chromium.ts';
import { buildAuthoring } from '../../scripts/build-authoring.mjs';
import { readComponentWorld } from '../../src/engine/component-world.ts';

const root = new URL('../../', import.meta.url).pathname;
const PORT = Number(process.env.AUTHORING_TEST_PORT || 5198);
let browser: Browser;
let dev: ChildProcess;
let page: Page;
/** Cold numbers: the engine's download and compile (warm), and the first Run after it. */
const cold = { pageToReady_ms: 0, warm_ms: 0, firstRun_ms: 0 };

type RunResult =
  | { ok: true; buildMs: number; workerBuildMs: number; firstResponseMs: number; response: { status: number; headers: Array<[string, string]>; body: string } }
  | { ok: false; errors: Array<{ line: number; column: number; message: string }>; buildMs: number };

const run = (code: string, options: { language?: 'javascript' | 'typescript'; path?: string } = {}) =>
  page.evaluate(([c, o]) => (window as unknown as { authoring: { run(c: string, o: unknown): Promise<unknown> } }).authoring.run(c, o), [
    code,
    options,
  ] as const) as Promise<RunResult>;
const request = (p: string) =>
  page.evaluate((x) => (window as unknown as { authoring: { request(p: string): Promise<unknown> } }).authoring.request(x), p) as Promise<{
    status: number;
    body: string;
  }>;

const handler = (marker: string) => `import { Store } from 'fermyon:spin/key-value@2.0.0';
const decoder = new TextDecoder();
addEventListener('fetch', (event) => event.respondWith(handle(event.request)));
function handle(request) {
  const store = Store.open('default');
  const seen = store.get('runs');
  const runs = seen === undefined ? 1 : Number(decoder.decode(seen)) + 1;
  store.set('runs', new TextEncoder().encode(String(runs)));
  return new Response('${marker} runs=' + runs + ' ' + new URL(request.url).pathname);
}
`;

before(async () => {
  await buildAuthoring({ log: () => {} });
  dev = spawn(process.execPath, ['node_modules/vite/bin/vite.js', '--config', 'src/authoring/dev/vite.config.ts', '--port', String(PORT), '--strictPort'], {
    cwd: root,
    stdio: 'ignore',
  });
  for (let i = 0; i < 150; i++) {
    try {
      if ((await fetch(`http://127.0.0.1:${PORT}/__pg/authoring/manifest.json`)).ok) break;
    } catch {}
    await sleep(100);
  }
  browser = await launchChromium();
  page = await browser.newPage();
  const started = Date.now();
  await page.goto(`http://localhost:${PORT}/__pg/src/authoring/dev/harness.html`);
  await page.waitForSelector('body[data-ready=true]', { timeout: 120_000 });
  cold.pageToReady_ms = Date.now() - started;
  cold.warm_ms = Math.round(await page.evaluate(() => (window as unknown as { authoring: { warm(): Promise<number> } }).authoring.warm()));
});

after(async () => {
  await browser?.close();
  dev?.kill();
});

describe('authoring in Chromium', () => {
  test('Run builds a real component in a Worker and serves it: a unique string, with key-value across requests', async () => {
    const marker = `authored-${Date.now().toString(36)}`;
    const first = await run(handler(marker), { path: '/first' });
    assert.ok(first.ok, JSON.stringify(first));
    cold.firstRun_ms = Math.round(first.firstResponseMs);
    assert.equal(first.response.status, 200);
    assert.match(first.response.body, new RegExp(`^${marker} runs=\\d+ /first$`));
    const before = Number(/runs=(\d+)/.exec(first.response.body)![1]);
    const again = await request('/again');
    assert.equal(again.body, `${marker} runs=${before + 1} /again`);
  });

  test("after each edit, Run serves the new build's response (build_ms and firstResponse_ms recorded)", async () => {
    const samples: Array<{ buildMs: number; firstResponseMs: number }> = [];
    for (let i = 0; i < 4; i++) {
      const marker = `edit-${i}-${Date.now().toString(36)}`;
      const result = await run(handler(marker));
      assert.ok(result.ok, JSON.stringify(result));
      assert.match(result.response.body, new RegExp(`^${marker} `));
      samples.push({ buildMs: result.workerBuildMs, firstResponseMs: result.firstResponseMs });
    }
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
    const timings = {
      build_ms: Math.round(median(samples.map((s) => s.buildMs))),
      firstResponse_ms: Math.round(median(samples.map((s) => s.firstResponseMs))),
      samples,
      cold,
      when: new Date().toISOString(),
    };
    mkdirSync(path.join(root, '.cache/authoring'), { recursive: true });
    writeFileSync(path.join(root, '.cache/authoring/browser-timings.json'), `${JSON.stringify(timings, null, 2)}\n`);
    console.log(
      `authoring: build_ms=${timings.build_ms} firstResponse_ms=${timings.firstResponse_ms} (median of ${samples.length}); cold: ${JSON.stringify(cold)}`,
    );
    // Speed is judged by `npm run bench` (authoring.firstResponse_ms, with its target), not here:
    // a time budget in a test fails on a busy machine without saying anything about correctness.
  });

  test('a syntax error comes back with its line and column, and the last good build keeps serving', async () => {
    const good = await run(handler('still-good'));
    assert.ok(good.ok);
    const bad = await run("addEventListener('fetch', (e) => {\n  const x = ;\n});\n");
    assert.equal(bad.ok, false);
    assert.deepEqual(!bad.ok && bad.errors, [{ line: 2, column: 13, message: "SyntaxError: expected expression, got ';'" }]);
    assert.match((await request('/x')).body, /^still-good runs=\d+ \/x$/);
  });

  test('TypeScript is stripped in the page', async () => {
    const result = await run(
      "import { Store } from 'fermyon:spin/key-value@2.0.0';\ninterface Out { text: string }\nconst out = (s: Store): Out => ({ text: " +
        "`ts:${s.exists('runs')}` });\naddEventListener('fetch', (e: any) => e.respondWith(new Response(out(Store.open('default')).text)));\n",
      { language: 'typescript' },
    );
    assert.ok(result.ok, JSON.stringify(result));
    assert.equal(result.response.body, 'ts:true');
  });

  test('Export .wasm: the component made in the page has the imports and exports of the j2w build', async () => {
    assert.ok((await run(readFileSync(path.join(root, 'src/authoring/template/src/index.js'), 'utf8'))).ok);
    const exported = (await page.evaluate(() => (window as unknown as { authoring: { exportCurrent(): Promise<unknown> } }).authoring.exportCurrent())) as {
      ms: number;
      world: { imports: string[]; exports: string[] };
    };
    const native = readComponentWorld(new Uint8Array(readFileSync(path.join(root, '.cache/authoring/reference/template.wasm'))));
    assert.deepEqual(exported.world, native);
    console.log(`authoring: export (stubWasi + componentNew + metadata) ${Math.round(exported.ms)} ms`);
  });
});
