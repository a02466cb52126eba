/**
 * Request paths of one app opened with `?app=` (from the bench's static server):
 *   request  fetch() from the preview frame -> service worker -> MessagePort -> engine Worker
 *            -> fresh instance -> KV read/write -> IndexedDB journal flush -> back (sequential)
 *   rps      the same with `inFlight` requests outstanding
 *   direct   the engine's own handle(), timed inside the engine Worker (`time-direct`)
 * plus, for the JS app, the measurements that explain the gap (health path, bare platform hop,
 * headers, the engine's timing split, CPU per process, the UI's own work per request and an A/B
 * with the UI not reacting) and the engine Worker's memory at request 500 and request 5,000.
 *
 * A/B comparisons are interleaved in rounds (A, B, A, B, …) so that a change in the machine's
 * load during the run affects both sides alike.
 */
import type { Browser, BrowserContext, Frame, Page } from 'playwright-core';
import { openPlayground, previewFrame } from '../../test/support/playground.ts';
import type { WireRequest } from '../../src/protocol/messages';
import { attachToWorker, cpuDuring, processSamples, type CpuUse, type HeapSample, type ProcessSample } from '../lib/cdp.ts';
import { INSTRUMENT_UI, consoleRequests, loadFetches, timeDirect, timeFetches, uiTrace } from '../lib/page.ts';
import { mean, median, round, stats } from '../lib/stats.ts';

export interface Plan {
  warmup: number;
  samples: number;
  rpsTotal: number;
  inFlight: number;
}

const GET = (pathWithQuery: string, headers: Array<[string, string]> = []): WireRequest => ({ method: 'GET', pathWithQuery, headers, body: null });
const HEALTH = '/.well-known/spin/health';
const ROUND = 30;

/**
 * Added to every page of the bench's app contexts: in the top-level (UI) page, wrap
 * `MessagePort.prototype.onmessage` so that, while `window.__benchQuiet.on` is set, the engine's
 * `log`, `trace` and `kv-changed` messages are dropped before the UI sees them. The engine still
 * builds and posts them; only the UI's reaction (Trace panel, KV explorer, Logs) is switched off.
 * `dropped` proves the switch took effect.
 */
export const QUIET_SWITCH = `(() => {
  if (window.top !== window) return;
  const d = Object.getOwnPropertyDescriptor(MessagePort.prototype, 'onmessage');
  if (!d || !d.set) return;
  window.__benchQuiet = { on: false, dropped: 0 };
  Object.defineProperty(MessagePort.prototype, 'onmessage', {
    configurable: true,
    enumerable: d.enumerable,
    get() { return d.get.call(this); },
    set(fn) {
      d.set.call(this, typeof fn !== 'function' ? fn : function (event) {
        const q = window.__benchQuiet;
        const type = event && event.data && event.data.type;
        if (q.on && (type === 'trace' || type === 'kv-changed' || type === 'log')) { q.dropped++; return; }
        return fn.call(this, event);
      });
    },
  });
})();`;

async function open(context: BrowserContext, manifestUrl: string): Promise<{ page: Page; preview: Frame }> {
  const page = await openPlayground(context, `?app=${encodeURIComponent(manifestUrl)}`);
  const preview = await previewFrame(page);
  return { page, preview };
}

async function setQuiet(page: Page, on: boolean): Promise<number> {
  return page.evaluate((on) => {
    const q = (window as unknown as { __benchQuiet?: { on: boolean; dropped: number } }).__benchQuiet;
    if (!q) return -1;
    q.on = on;
    return q.dropped;
  }, on);
}

/** Alternate A and B in rounds of ROUND requests; returns both sides' durations. */
async function interleaved(rounds: number, a: () => Promise<number[]>, b: () => Promise<number[]>): Promise<[number[], number[]]> {
  const outA: number[] = [];
  const outB: number[] = [];
  for (let i = 0; i < rounds; i++) {
    outA.push(...(await a()));
    outB.push(...(await b()));
  }
  return [outA, outB];
}

/** The renderer process that burns CPU when `frame` runs a 300 ms busy loop: the process hosting it. */
async function rendererOf(browser: Browser, frame: Frame | Page): Promise<number | null> {
  const before = await processSamples(browser);
  await frame.evaluate(() => {
    const end = performance.now() + 300;
    let x = 0;
    while (performance.now() < end) x++;
    return x;
  });
  const after = await processSamples(browser);
  const deltas = after.map((p) => ({ pid: p.pid, d: p.cpuTime - (before.find((q) => q.pid === p.pid)?.cpuTime ?? p.cpuTime) }));
  deltas.sort((x, y) => y.d - x.d);
  return deltas[0] && deltas[0].d > 0.15 ? deltas[0].pid : null;
}

function label(cpu: CpuUse, pids: { ui: number | null; app: number | null }) {
  return {
    ...cpu,
    perRequest_ms: cpu.perRequest_ms.map((p) => ({
      ...p,
      role: p.pid === pids.ui ? 'UI page' : p.pid === pids.app ? 'app (preview frame, runner, service worker, engine Worker)' : p.type,
    })),
  };
}

/** Every engine log entry the instrumented UI received, plus the Logs panel's text. */
async function logLines(page: Page): Promise<string[]> {
  const received = (await uiTrace(page).catch(() => null))?.logs.map((l) => `${l.level} ${l.source}: ${l.message}`) ?? [];
  const panel = await page
    .locator('#log-lines li, #logs-panel li, [aria-label="Logs"] li')
    .allTextContents()
    .catch(() => []);
  return [...received, ...panel];
}

/**
 * engine.restart_ms: the engine client's `restart()` (the robustness work: a fresh engine Worker,
 * data reopened, app reloaded) where the page has it, timed by the host (its return value) and from
 * the UI until the preview's next request is answered. Null where it does not exist yet.
 */
async function measureRestart(page: Page, preview: Frame, times: number) {
  const has = await page.evaluate(
    () => typeof (window as unknown as { spinPlayground?: { engine?: { restart?: unknown } } }).spinPlayground?.engine?.restart === 'function',
  );
  if (!has) return null;
  const runs: Array<{ restartMs: number; untilNextResponseMs: number; status: number }> = [];
  for (let i = 0; i < times; i++) {
    const startedAt = Date.now();
    const restartMs = await page.evaluate(() =>
      (window as unknown as { spinPlayground: { engine: { restart(): Promise<number> } } }).spinPlayground.engine.restart(),
    );
    const status = await preview.evaluate(async () => (await fetch('/')).status);
    runs.push({ restartMs: round(restartMs, 1), untilNextResponseMs: Date.now() - startedAt, status });
  }
  return { restart_ms: round(median(runs.map((r) => r.restartMs)), 1), runs };
}

/** The tiny WAT app: latency, throughput, direct time, timing split, and the UI A/B. */
export async function measureTiny(context: BrowserContext, manifestUrl: string, plan: Plan) {
  await context.addInitScript(QUIET_SWITCH);
  await context.addInitScript(INSTRUMENT_UI);
  const { page, preview } = await open(context, manifestUrl);
  const seq = await timeFetches(preview, '/', plan.warmup, plan.samples);
  const load = await loadFetches(preview, '/', plan.rpsTotal, plan.inFlight);
  const direct = await timeDirect(page, GET('/'), plan.warmup, plan.samples);
  const consoleSamples = await consoleRequests(page, GET('/'), Math.min(100, plan.samples));
  const rounds = Math.max(1, Math.round(plan.samples / ROUND / 2));
  const [normal, quiet] = await interleaved(
    rounds,
    async () => (await setQuiet(page, false), (await timeFetches(preview, '/', 0, ROUND)).durations),
    async () => (await setQuiet(page, true), (await timeFetches(preview, '/', 0, ROUND)).durations),
  );
  const dropped = await setQuiet(page, false);
  const logs = await logLines(page);
  await page.close();
  return {
    request: { ...stats(seq.durations), rps: Math.round(load.rps), statuses: mergeStatuses(seq.statuses, load.statuses) },
    direct: stats(direct),
    engineTiming: splitTimings(consoleSamples.map((s) => s.timing)),
    uiAB: { normal: stats(normal), uiQuiet: stats(quiet), droppedMessages: dropped },
    logs,
  };
}

/** The JS app: every JS measurement BENCHMARKS.md lists, in one engine Worker, counting component requests for the memory samples. */
export async function measureJs(browser: Browser, context: BrowserContext, manifestUrl: string, plan: Plan, memory: { first: number; last: number }) {
  await context.addInitScript(QUIET_SWITCH);
  await context.addInitScript(INSTRUMENT_UI);
  const { page, preview } = await open(context, manifestUrl);
  const previewOrigin = new URL(preview.url()).origin;
  const pids = { ui: await rendererOf(browser, page), app: await rendererOf(browser, preview) };
  let served = 1; // the preview's own first request
  const component = async <T>(n: number, work: Promise<T>) => {
    const result = await work;
    served += n;
    return result;
  };
  const uiCdp = await page.context().newCDPSession(page);
  await uiCdp.send('Performance.enable');
  const uiMetrics = async () =>
    Object.fromEntries((await uiCdp.send('Performance.getMetrics')).metrics.map((m) => [m.name, m.value])) as Record<string, number>;

  // The browser's floor, then the measured path (sequential).
  const swFloor = await timeFetches(preview, '/__pg/sw-ping', plan.warmup, plan.samples);
  let uiBefore = await uiMetrics();
  const seqRun = await cpuDuring(browser, plan.warmup + plan.samples, () =>
    component(plan.warmup + plan.samples, timeFetches(preview, '/', plan.warmup, plan.samples)),
  );
  const seq = seqRun.result;
  const uiPerRequestSeq = uiDelta(uiBefore, await uiMetrics(), plan.warmup + plan.samples);

  // Memory at request `memory.first` (the rest of the way there with 8 in flight).
  const worker = await attachToWorker(browser, (t) => t.type === 'worker' && t.url.startsWith(previewOrigin));
  if (served < memory.first) await component(memory.first - served, loadFetches(preview, '/', memory.first - served, plan.inFlight));
  const heapFirst = await worker.heap();
  const series: Array<{ served: number; usedSize: number; embedderHeapUsedSize: number; backingStorageSize: number }> = [];
  const sample = async (heap?: HeapSample) => {
    const h = heap ?? (await worker.heap());
    series.push({ served, usedSize: h.usedSize, embedderHeapUsedSize: h.embedderHeapUsedSize ?? 0, backingStorageSize: h.backingStorageSize ?? 0 });
    return h;
  };
  await sample(heapFirst);
  const uiFirst = await uiMetrics();
  const procFirst = await processSamples(browser);
  const servedFirst = served;

  // Throughput.
  uiBefore = await uiMetrics();
  const loadRun = await cpuDuring(browser, plan.rpsTotal, () => component(plan.rpsTotal, loadFetches(preview, '/', plan.rpsTotal, plan.inFlight)));
  const load = loadRun.result;
  const uiPerRequestInFlight = uiDelta(uiBefore, await uiMetrics(), plan.rpsTotal);
  await sample();

  // The engine's own floor.
  const direct = await component(plan.warmup + plan.samples, timeDirect(page, GET('/'), plan.warmup, plan.samples));

  // Where the gap goes: the health path (engine answers with no component) and its CPU.
  uiBefore = await uiMetrics();
  const healthRun = await cpuDuring(browser, plan.warmup + plan.samples, () => timeFetches(preview, HEALTH, plan.warmup, plan.samples));
  const healthViaSw = healthRun.result;
  const uiPerRequestHealth = uiDelta(uiBefore, await uiMetrics(), plan.warmup + plan.samples);
  const healthDirect = await timeDirect(page, GET(HEALTH), plan.warmup, plan.samples);

  // Headers: time-direct with and without the exact client headers a preview fetch brings.
  const seen = await preview.evaluate(async () => (await fetch('/headers')).text());
  const browserHeaders = seen
    .split('\n')
    .filter(Boolean)
    .map((line): [string, string] => [line.slice(0, line.indexOf(':')), line.slice(line.indexOf(':') + 2)])
    .filter(([name]) => name !== 'host' && !name.startsWith('spin-'));
  const rounds = Math.max(1, Math.round(plan.samples / ROUND));
  const [directPlain, directHeaders] = await interleaved(
    rounds,
    () => component(ROUND, timeDirect(page, GET('/'), 0, ROUND)),
    () => component(ROUND, timeDirect(page, GET('/', browserHeaders), 0, ROUND)),
  );

  // The UI's share: the same fetches with the UI reacting to the engine's messages, and not.
  const [uiNormal, uiQuiet] = await interleaved(
    rounds,
    async () => (await setQuiet(page, false), (await component(ROUND, timeFetches(preview, '/', 0, ROUND))).durations),
    async () => (await setQuiet(page, true), (await component(ROUND, timeFetches(preview, '/', 0, ROUND))).durations),
  );
  const rpsAB: Record<'normal' | 'uiQuiet', number[]> = { normal: [], uiQuiet: [] };
  const half = Math.max(40, Math.round(plan.rpsTotal / 2));
  for (let i = 0; i < 2; i++) {
    for (const mode of ['normal', 'uiQuiet'] as const) {
      await setQuiet(page, mode === 'uiQuiet');
      rpsAB[mode].push((await component(half, loadFetches(preview, '/', half, plan.inFlight))).rps);
    }
  }
  const quietDropped = await setQuiet(page, false);
  await sample();

  // The engine's timing split, from the request console's path.
  const consoleSamples = await component(plan.samples, consoleRequests(page, GET('/'), plan.samples));

  // The rest of the way to request `memory.last`, sampling the heap on the way.
  await sample();
  while (served < memory.last) {
    const n = Math.min(1000, memory.last - served);
    await component(n, loadFetches(preview, '/', n, plan.inFlight));
    if (served < memory.last) await sample();
  }
  const heapLast = await sample();
  const uiLast = await uiMetrics();
  await uiCdp.detach();
  const procLast = await processSamples(browser);
  await worker.close();
  const counter = await preview.evaluate(async () => (await fetch('/')).text());
  const restart = await measureRestart(page, preview, 3).catch((error: unknown) => ({ error: String(error) }));
  const logs = await logLines(page);
  await page.close();

  const js = {
    request: { ...stats(seq.durations), rps: Math.round(load.rps), statuses: mergeStatuses(seq.statuses, load.statuses), underLoad: stats(load.durations) },
    direct: stats(direct),
  };
  const swFloorStats = stats(swFloor.durations);
  const healthSw = stats(healthViaSw.durations);
  const healthEngine = stats(healthDirect);
  const plain = stats(directPlain);
  const withHeaders = stats(directHeaders);
  const normal = stats(uiNormal);
  const quiet = stats(uiQuiet);
  return {
    js,
    swFloor: swFloorStats,
    breakdown: {
      note:
        'p50s in ms. healthViaSw: /.well-known/spin/health through the service worker, answered by the engine without any component; ' +
        'messageHop_ms = healthViaSw − swFloor − healthDirect is the service worker <-> engine round trip as the playground makes it. headersAB: ' +
        'time-direct without and with the exact client headers a preview fetch brings (read back from the component), interleaved. uiAB: the same ' +
        "sequential fetches with the UI page reacting to the engine's log/trace/kv-changed messages (normal) and with them dropped before the UI " +
        "sees them (uiQuiet), interleaved; rpsAB likewise at 8 in flight. engineTiming: the engine's own split of handle(), from the request " +
        'console path.',
      healthViaSw: healthSw,
      healthDirect: healthEngine,
      messageHop_ms: round(healthSw.p50_ms - swFloorStats.p50_ms - healthEngine.p50_ms),
      headersAB: { browserHeaders: browserHeaders.map(([n]) => n), without: plain, with: withHeaders, cost_ms: round(withHeaders.p50_ms - plain.p50_ms) },
      uiAB: { normal, uiQuiet: quiet, cost_ms: round(normal.p50_ms - quiet.p50_ms), droppedMessages: quietDropped },
      rpsAB: { normal: Math.round(mean(rpsAB.normal)), uiQuiet: Math.round(mean(rpsAB.uiQuiet)), rounds: rpsAB },
      engineTiming: splitTimings(consoleSamples.map((s) => s.timing)),
      consoleRoundTrip: stats(consoleSamples.map((s) => s.roundTripMs)),
      cpu: {
        note:
          'CPU time per request of each Chromium process (SystemInfo.getProcessInfo deltas), sequential and with 8 in flight; roles found by a ' +
          "300 ms busy loop in the UI page and in the preview frame. coresBusy = CPU time / wall time (2 cores). uiMainThread: the UI page's " +
          'main-thread work per request (CDP Performance.getMetrics deltas): what the UI does with the log, trace and kv-changed messages the ' +
          'engine posts to it.',
        pids,
        sequential: label(seqRun.cpu, pids),
        inFlight: label(loadRun.cpu, pids),
        healthSequential: label(healthRun.cpu, pids),
        uiMainThread: { sequential: uiPerRequestSeq, inFlight: uiPerRequestInFlight, health: uiPerRequestHealth },
      },
    },
    memory: {
      ...memoryResult(heapFirst, heapLast, procFirst, procLast, servedFirst, served, pids.app),
      series: series.map((p) => ({
        served: p.served,
        usedKb: Math.round(p.usedSize / 1024),
        embedderKb: Math.round(p.embedderHeapUsedSize / 1024),
        backingKb: Math.round(p.backingStorageSize / 1024),
      })),
      usedSlopeBytesPerRequest: slope(series.map((p) => [p.served, p.usedSize])),
      usedSlopeSecondHalfBytesPerRequest: slope(series.filter((p) => p.served >= (servedFirst + served) / 2).map((p) => [p.served, p.usedSize])),
      uiPage: {
        note: 'The UI page (main frame renderer) at the same two points: JS heap and DOM node count (CDP Performance.getMetrics).',
        jsHeapMb: [round((uiFirst.JSHeapUsedSize ?? 0) / MB, 2), round((uiLast.JSHeapUsedSize ?? 0) / MB, 2)],
        domNodes: [uiFirst.Nodes, uiLast.Nodes],
      },
    },
    finalCounter: counter.trim(),
    restart,
    logs,
  };
}

/** The UI page's main-thread work per request between two Performance.getMetrics samples (ms, and DOM nodes added). */
function uiDelta(a: Record<string, number>, b: Record<string, number>, requests: number) {
  const ms = (k: string) => round((((b[k] ?? 0) - (a[k] ?? 0)) * 1000) / requests);
  return {
    taskMs: ms('TaskDuration'),
    scriptMs: ms('ScriptDuration'),
    layoutMs: ms('LayoutDuration'),
    recalcStyleMs: ms('RecalcStyleDuration'),
    layoutsPerRequest: round(((b.LayoutCount ?? 0) - (a.LayoutCount ?? 0)) / requests, 2),
    domNodesAddedPerRequest: round(((b.Nodes ?? 0) - (a.Nodes ?? 0)) / requests, 2),
  };
}

function mergeStatuses(...all: Array<Record<number, number>>): Record<number, number> {
  const out: Record<number, number> = {};
  for (const s of all) for (const [k, v] of Object.entries(s)) out[Number(k)] = (out[Number(k)] ?? 0) + v;
  return out;
}

function splitTimings(timings: Array<Record<string, number | string> | null>) {
  const present = timings.filter((t): t is Record<string, number | string> => t !== null);
  if (present.length === 0) return null;
  const keys = [...new Set(present.flatMap((t) => Object.keys(t)))].filter((k) => present.every((t) => typeof t[k] === 'number' || t[k] === undefined));
  return Object.fromEntries(
    keys.map((k) => {
      const values = present.map((t) => t[k]).filter((v): v is number => typeof v === 'number');
      return [k, { p50_ms: round(median(values)), mean_ms: round(mean(values)) }];
    }),
  );
}

const MB = 1024 * 1024;
const heapBytes = (h: HeapSample) => h.usedSize + (h.embedderHeapUsedSize ?? 0) + (h.backingStorageSize ?? 0);

function memoryResult(
  first: HeapSample,
  last: HeapSample,
  procFirst: ProcessSample[],
  procLast: ProcessSample[],
  servedFirst: number,
  servedLast: number,
  appPid: number | null,
) {
  const a = procFirst.find((p) => p.pid === appPid);
  const b = procLast.find((p) => p.pid === appPid);
  const growth = (x: number, y: number) => round(((y - x) / x) * 100, 1);
  return {
    mb: round(heapBytes(last) / MB, 2),
    growthPct: growth(heapBytes(first), heapBytes(last)),
    note:
      'Engine Worker heap after two forced GCs (CDP HeapProfiler.collectGarbage + Runtime.getHeapUsage: usedSize + embedderHeapUsedSize + ' +
      'backingStorageSize), at component requests servedFirst and servedLast; series: the same at points in between, usedSlope*: least-squares ' +
      'growth of the JS heap in bytes per request (over all points, and over the second half only: a leak keeps growing there, warm-up does not). ' +
      'rendererRss: VmRSS of the renderer process hosting the preview frame, runner, service worker and engine Worker; WebAssembly memories and ' +
      'compiled code live there, not in the JS heap.',
    servedFirst,
    servedLast,
    first: { ...first, mb: round(heapBytes(first) / MB, 2) },
    last: { ...last, mb: round(heapBytes(last) / MB, 2) },
    rendererRss:
      a?.rssBytes && b?.rssBytes
        ? { pid: appPid, firstMb: round(a.rssBytes / MB, 1), lastMb: round(b.rssBytes / MB, 1), growthPct: growth(a.rssBytes, b.rssBytes) }
        : null,
  };
}

/** Least-squares slope of y over x (bytes per request), rounded. */
function slope(points: Array<[number, number]>): number | null {
  if (points.length < 2) return null;
  const mx = mean(points.map((p) => p[0]));
  const my = mean(points.map((p) => p[1]));
  const num = points.reduce((s, [x, y]) => s + (x - mx) * (y - my), 0);
  const den = points.reduce((s, [x]) => s + (x - mx) ** 2, 0);
  return den === 0 ? null : round(num / den, 1);
}
