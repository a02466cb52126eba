/**
 * Spin 4 (WASI 0.3) components, opened with `?app=` like the other request phases:
 *   p3.echo1MiB  POST of 1 MiB from the preview frame to the p3-echo fixture, through the service
 *                worker, timed until the whole echoed body has arrived (sequential)
 *   p3.tiny      the p3 twin of kv-tiny (`p3-kv-tiny`: get `count`, append `x`, set, over
 *                spin:key-value@3.0.0), measured exactly as tiny.request is
 * An app that is not built, or does not load, gives null with the reason instead of failing the
 * whole bench.
 */
import type { BrowserContext, Frame } from 'playwright-core';
import { openPlayground, previewFrame } from '../../test/support/playground.ts';
import { timeFetches } from '../lib/page.ts';
import { stats, type Stats } from '../lib/stats.ts';
import type { Plan } from './requests.ts';

const MIB = 1 << 20;

export type Measured = { request: Stats & { statuses: Record<number, number> }; reason?: undefined } | { request: null; reason: string };

/** Open `app` (a folder under the fixtures' apps/) and run `measure` on its preview, or say why not. */
async function withApp(context: BrowserContext, appsUrl: string, app: string, measure: (preview: Frame) => Promise<Measured>) {
  const manifestUrl = `${appsUrl}/${app}/spin.toml`;
  const found = await fetch(manifestUrl)
    .then((r) => r.status)
    .catch((error: unknown) => String(error));
  if (found !== 200) return { request: null, reason: `app ${app} is not built (GET ${manifestUrl}: ${found})` } satisfies Measured;
  try {
    const page = await openPlayground(context, `?app=${encodeURIComponent(manifestUrl)}`);
    const result = await measure(await previewFrame(page));
    await page.close();
    return result;
  } catch (error) {
    return { request: null, reason: `app ${app} did not run: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}` } satisfies Measured;
  }
}

/**
 * `p3.echo1MiB`: a 1 MiB POST echoed by the p3-echo fixture; every response is checked byte for
 * byte. The body is sent as a Uint8Array, or as a Blob (`blob`): Chromium's upload of a typed-array
 * body to a service worker is far slower than a Blob's (BENCHMARKS.md).
 */
export async function measureP3Echo(context: BrowserContext, appsUrl: string, plan: Plan, blob = false): Promise<Measured & { bytes: number }> {
  const warmup = Math.max(3, Math.round(plan.warmup / 6));
  const samples = Math.max(10, Math.round(plan.samples / 10));
  const result = await withApp(context, appsUrl, 'p3-echo', async (preview) => {
    const run = await preview.evaluate(
      async ({ size, warmup, samples, blob }) => {
        const body = new Uint8Array(size);
        for (let i = 0; i < size; i++) body[i] = (i * 2654435761) >>> 24;
        const sent = blob ? new Blob([body]) : body;
        const durations: number[] = [];
        const statuses: Record<number, number> = {};
        let wrong = 0;
        for (let i = 0; i < warmup + samples; i++) {
          const started = performance.now();
          const response = await fetch('/echo', { method: 'POST', body: sent });
          const echoed = new Uint8Array(await response.arrayBuffer());
          const elapsed = performance.now() - started;
          if (echoed.length !== size || echoed.some((b, j) => b !== body[j])) wrong++;
          if (i >= warmup) {
            durations.push(elapsed);
            statuses[response.status] = (statuses[response.status] ?? 0) + 1;
          }
        }
        return { durations, statuses, wrong };
      },
      { size: MIB, warmup, samples, blob },
    );
    if (run.wrong > 0) return { request: null, reason: `${run.wrong} of ${warmup + samples} echoes did not return the bytes sent` };
    return { request: { ...stats(run.durations), statuses: run.statuses } };
  });
  return { ...result, bytes: MIB };
}

/** `p3.tiny.request`: the p3 twin of kv-tiny, sequential fetches as tiny.request. */
export async function measureP3Tiny(context: BrowserContext, appsUrl: string, plan: Plan, app = 'p3-kv-tiny'): Promise<Measured & { app: string }> {
  const result = await withApp(context, appsUrl, app, async (preview) => {
    const run = await timeFetches(preview, '/', plan.warmup, plan.samples);
    return { request: { ...stats(run.durations), statuses: run.statuses } };
  });
  return { ...result, app };
}
