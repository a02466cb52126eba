/**
 * The benchmark, in headless Chromium against the production build (PG_URL). Each latency is
 * measured inside the page that makes the request, over sequential requests after a warm-up.
 * Timers are clamped to 0.1 ms in a page that is not cross-origin isolated.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import type { Frame, Page } from 'playwright-core';
import { launchChromium } from '../test/support/chromium.ts';
import { openPlayground, previewFrame } from '../test/support/playground.ts';

const WARMUP = 30;
const SAMPLES = 300;

interface Stats { p50_ms: number; p99_ms: number; mean_ms: number; n: number }

function stats(durations: number[]): Stats {
  const sorted = [...durations].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
  const round = (n: number) => Math.round(n * 1000) / 1000;
  return { p50_ms: round(at(0.5)), p99_ms: round(at(0.99)), mean_ms: round(sorted.reduce((s, d) => s + d, 0) / sorted.length), n: sorted.length };
}

/** Sequential fetches of `path` from inside `frame`, after a warm-up. */
async function timeFetches(frame: Frame, path: string, warmup: number, samples: number): Promise<number[]> {
  return frame.evaluate(
    async ({ path, warmup, samples }) => {
      const durations: number[] = [];
      for (let i = 0; i < warmup + samples; i++) {
        const started = performance.now();
        const response = await fetch(path);
        await response.arrayBuffer();
        if (i >= warmup) durations.push(performance.now() - started);
      }
      return durations;
    },
    { path, warmup, samples },
  );
}

/** Requests per second with `inFlight` requests outstanding at all times. */
async function requestsPerSecond(frame: Frame, path: string, total: number, inFlight: number): Promise<number> {
  return frame.evaluate(
    async ({ path, total, inFlight }) => {
      let next = 0;
      const started = performance.now();
      // No named inner functions: tsx would wrap them in a helper the page does not have.
      await Promise.all(
        Array.from({ length: inFlight }, async () => {
          while (next < total) {
            next++;
            await (await fetch(path)).arrayBuffer();
          }
        }),
      );
      return total / ((performance.now() - started) / 1000);
    },
    { path, total, inFlight },
  );
}

async function timeDirect(page: Page, count: number): Promise<number[]> {
  return page.evaluate(async (count) => {
    const { engine } = (window as unknown as { spinPlayground: { engine: { timeDirect(r: unknown, n: number): Promise<number[]> } } }).spinPlayground;
    const request = { method: 'GET', pathWithQuery: '/', headers: [], body: null };
    await engine.timeDirect(request, 30);
    return engine.timeDirect(request, count);
  }, count);
}

const browser = await launchChromium();
const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
const page = await openPlayground(context);
const preview = await previewFrame(page);

const swFloor = stats(await timeFetches(preview, '/__pg/sw-ping', WARMUP, SAMPLES));
const jsRequest = stats(await timeFetches(preview, '/', WARMUP, SAMPLES));
const jsRps = await requestsPerSecond(preview, '/', 400, 8);
const jsDirect = stats(await timeDirect(page, SAMPLES));

const results = {
  date: new Date().toISOString(),
  machine: { cpus: cpus().length, cpu: cpus()[0]?.model ?? 'unknown', browser: `Chromium ${browser.version()}`, node: process.version },
  app: 'kv-basics (Spin JS SDK component; open, set, exists, get-keys, get, delete per request)',
  swFloor,
  js: { request: { ...jsRequest, rps: Math.round(jsRps) }, direct: jsDirect },
  plumbing_ms: Math.round((jsRequest.p50_ms - jsDirect.p50_ms) * 1000) / 1000,
};
await browser.close();

mkdirSync(new URL('.', import.meta.url), { recursive: true });
writeFileSync(new URL('./results.json', import.meta.url), `${JSON.stringify(results, null, 2)}\n`);
const row = (name: string, s: Stats, extra = '') => console.log(`${name.padEnd(22)} ${String(s.p50_ms).padStart(8)} ${String(s.p99_ms).padStart(8)} ${String(s.n).padStart(6)}  ${extra}`);
console.log(`\nSpin Playground benchmark — ${results.machine.browser}, ${results.machine.cpus} cores\n`);
console.log(`${'measurement'.padEnd(22)} ${'p50 ms'.padStart(8)} ${'p99 ms'.padStart(8)} ${'n'.padStart(6)}`);
row('swFloor', swFloor, 'fetch answered by the service worker itself');
row('js.request', jsRequest, `through the service worker; ${results.js.request.rps} req/s with 8 in flight`);
row('js.direct', jsDirect, 'engine.handle() inside the engine Worker');
console.log(`\nplumbing over direct: ${results.plumbing_ms} ms (target: <= swFloor + 0.5 = ${(swFloor.p50_ms + 0.5).toFixed(2)} ms)`);
console.log('wrote bench/results.json');
