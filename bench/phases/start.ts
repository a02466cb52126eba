/**
 * Cold and warm start of the default app (kv-basics), and the transpile times of its component.
 *
 * coldStart: a fresh browser context (empty HTTP cache, no service worker, empty IndexedDB, so
 * no transpile cache), from the UI page's navigation start (its performance.timeOrigin) to the
 * moment the preview frame's first document, served by the app through the service worker, has
 * arrived (the frame's timeOrigin + responseEnd). Both clocks are epoch-based.
 * warmStart: the same, on a second visit in the same context after the first tab was closed.
 */
import type { Browser, BrowserContext } from 'playwright-core';
import { previewFrame, waitForStatus } from '../../test/support/playground.ts';
import { INSTRUMENT_UI, RUNNER_PROBE, consoleRequests, previewResponseEnd, runnerTrace, timeTranspileCacheReads, uiTrace } from '../lib/page.ts';
import { median, round } from '../lib/stats.ts';
import { traceWarmVisit } from './trace.ts';

export interface Visit {
  ms: number;
  wallMs: number;
  breakdown: Record<string, number | null>;
  transpileMs: number | null;
  compileMs: number | null;
  fromCache: boolean | null;
  loadLine: string | null;
  cacheRead?: unknown;
  runner: Array<{ atMs: number; what: string }> | null;
  logs: string[];
}

async function visit(context: BrowserContext, pgUrl: string, cacheReads: boolean): Promise<Visit> {
  const page = await context.newPage();
  await page.addInitScript(INSTRUMENT_UI);
  await page.addInitScript(RUNNER_PROBE);
  const wallStart = Date.now();
  await page.goto(`${pgUrl}/`);
  await waitForStatus(page, 'Running');
  const preview = await previewFrame(page);
  const wallMs = Date.now() - wallStart;
  const pv = await previewResponseEnd(preview);
  const ui = await uiTrace(page);
  const worker = page.workers().find((w) => w.url().includes('/__pg/assets/worker'));
  const engine = worker
    ? await worker.evaluate(() => ({
        timeOrigin: performance.timeOrigin,
        resources: (performance.getEntriesByType('resource') as PerformanceResourceTiming[]).map((e) => ({
          name: e.name,
          end: e.responseEnd,
          bytes: e.encodedBodySize,
        })),
      }))
    : null;
  const runner = await runnerTrace(page, ui.timeOrigin);
  const cacheRead = cacheReads ? await timeTranspileCacheReads(preview, 3) : undefined;
  await page.close();

  const line = ui.logs.find((l) => /^loaded .*\.wasm/.test(l.message))?.message ?? null;
  const cold = line ? /transpiled in (\d+) ms/.exec(line) : null;
  const compile = line ? /compiled in (\d+) ms/.exec(line) : null;
  const rel = (epoch: number | undefined | null) => (epoch == null || Number.isNaN(epoch) ? null : round(epoch - ui.timeOrigin, 1));
  const load = ui.loads[0];
  const jcoWasm = engine?.resources.find((r) => /\.wasm/.test(r.name) && !/sql-wasm/.test(r.name));
  return {
    ms: round(pv.epoch - ui.timeOrigin, 1),
    wallMs,
    transpileMs: cold ? Number(cold[1]) : null,
    compileMs: compile ? Number(compile[1]) : null,
    fromCache: line ? /from cache/.test(line) : null,
    loadLine: line,
    breakdown: {
      uiDomContentLoaded: round(ui.domContentLoaded, 1),
      appWasmFetched: ui.appWasm ? round(ui.appWasm.end, 1) : null,
      engineWorkerStarted: engine ? rel(engine.timeOrigin) : null,
      jcoWasmFetched: engine && jcoWasm ? rel(engine.timeOrigin + jcoWasm.end) : null,
      engineConnected: ui.engineAt !== null ? round(ui.engineAt, 1) : null,
      loadStart: load ? round(load.start, 1) : null,
      loadEnd: load ? round(load.end, 1) : null,
      previewRequestStart: rel(pv.start),
      previewResponseEnd: rel(pv.epoch),
      runnerSwRegisterMs: registerMs(runner),
    },
    ...(cacheRead ? { cacheRead } : {}),
    runner,
    logs: ui.logs.map((l) => `${l.level} ${l.source}: ${l.message}`),
  };
}

export async function measureStarts(browser: Browser, pgUrl: string, coldRuns: number, warmRuns: number) {
  const cold: Visit[] = [];
  const warm: Visit[] = [];
  let context: BrowserContext | null = null;
  for (let i = 0; i < coldRuns; i++) {
    await context?.close();
    context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
    cold.push(await visit(context, pgUrl, false));
  }
  for (let i = 0; i < warmRuns; i++) warm.push(await visit(context!, pgUrl, i === warmRuns - 1));
  // The first requests after a warm start, through the request console (no service worker), with
  // the engine's own timing split: what the preview's first response pays beyond steady state.
  const page = await context!.newPage();
  await page.goto(`${pgUrl}/?preview=off`);
  await waitForStatus(page, 'Running');
  const first = await consoleRequests(page, { method: 'GET', pathWithQuery: '/', headers: [], body: null }, 5);
  await page.close();
  const traced = await traceWarmVisit(browser, context!, pgUrl).catch((error: unknown) => ({ error: String(error) }));
  await context?.close();
  const cacheRead = warm.at(-1)?.cacheRead as { readsMs?: number[]; bytes?: number; entries?: number; error?: string } | undefined;
  const transpileCold = cold.map((v) => v.transpileMs).filter((v): v is number => v !== null);
  return {
    coldStart: { ms: round(median(cold.map((v) => v.ms)), 1), runs: cold.map(strip) },
    warmStart: { ms: round(median(warm.map((v) => v.ms)), 1), runs: warm.map(strip) },
    transpile: {
      ms: transpileCold.length ? round(median(transpileCold), 1) : null,
      cached_ms: cacheRead?.readsMs?.length ? round(cacheRead.readsMs[0]!, 1) : null,
      note:
        'ms: in-browser jco transpile of kv-basics app.wasm on a cold start, from the engine\'s "transpiled in N ms" log line (median of the cold ' +
        'runs; includes loading the jco transpiler wasm). ' +
        'cached_ms: reading the cached transpile output back from IndexedDB (spin-playground-components/transpiled, the get that getTranspiled ' +
        'makes) in the preview origin after a warm start; the log says only "from cache".',
      cacheRead: cacheRead ?? null,
      compileCold_ms: median(cold.map((v) => v.compileMs ?? NaN)),
      compileWarm_ms: median(warm.map((v) => v.compileMs ?? NaN)),
    },
    tracedWarmVisit: traced,
    firstRequestsAfterWarmStart: first.map((r) => ({ roundTripMs: round(r.roundTripMs, 1), ...(r.timing ?? {}) })),
    allLogs: [...cold, ...warm].flatMap((v) => v.logs),
  };
}

function strip(v: Visit) {
  const { logs: _logs, ...rest } = v;
  return rest;
}

/** How long the runner's `navigator.serviceWorker.register()` took to settle (from the runner probe). */
function registerMs(runner: Array<{ atMs: number; what: string }> | null): number | null {
  const called = runner?.find((e) => e.what === 'sw.register called');
  const settled = runner?.find((e) => e.what === 'sw.register resolved' || e.what === 'sw.register failed');
  return called && settled ? round(settled.atMs - called.atMs, 1) : null;
}
