/**
 * One more warm visit of the default app, recorded with Chromium's tracing, to say where the
 * engine Worker's and the UI main thread's time goes during a warm start (no hooks in src/).
 * The engine Worker is the dedicated-worker thread that does the most lazy wasm compilation;
 * the UI main thread is the CrRendererMain thread of the process that evaluated main-*.js.
 */
import type { Browser, BrowserContext } from 'playwright-core';
import { previewFrame, waitForStatus } from '../../test/support/playground.ts';
import { round } from '../lib/stats.ts';

interface TraceEvent {
  name: string;
  ph: string;
  ts: number;
  dur?: number;
  pid: number;
  tid: number;
  args?: Record<string, any>;
}

const CATEGORIES = ['devtools.timeline', 'v8', 'v8.wasm', 'blink', 'toplevel', 'disabled-by-default-devtools.timeline', 'disabled-by-default-v8.compile'];

export async function traceWarmVisit(browser: Browser, context: BrowserContext, pgUrl: string) {
  const page = await context.newPage();
  await browser.startTracing(undefined, { categories: CATEGORIES });
  const started = Date.now();
  await page.goto(`${pgUrl}/`);
  await waitForStatus(page, 'Running');
  await previewFrame(page);
  const wallMs = Date.now() - started;
  const buffer = await browser.stopTracing();
  await page.close();
  const parsed = JSON.parse(buffer.toString('utf8')) as { traceEvents: TraceEvent[] } | TraceEvent[];
  return { wallMs, ...summarise(Array.isArray(parsed) ? parsed : parsed.traceEvents) };
}

function summarise(events: TraceEvent[]) {
  const threadNames = new Map<string, string>();
  for (const e of events) if (e.ph === 'M' && e.name === 'thread_name') threadNames.set(`${e.pid}:${e.tid}`, e.args?.name);
  const complete = events.filter((e) => e.ph === 'X' && typeof e.dur === 'number');
  const byThread = new Map<string, TraceEvent[]>();
  for (const e of complete) {
    const key = `${e.pid}:${e.tid}`;
    let list = byThread.get(key);
    if (!list) byThread.set(key, (list = []));
    list.push(e);
  }
  const sum = (list: TraceEvent[], names: string[]) => round(list.filter((e) => names.includes(e.name)).reduce((s, e) => s + e.dur!, 0) / 1000, 1);
  const topLevel = (list: TraceEvent[]) => {
    const sorted = [...list].sort((a, b) => a.ts - b.ts || b.dur! - a.dur!);
    const out: TraceEvent[] = [];
    let end = -Infinity;
    for (const e of sorted) if (e.ts >= end) out.push(e), (end = e.ts + e.dur!);
    return out;
  };
  const workers = [...byThread.entries()].filter(([key]) => threadNames.get(key) === 'DedicatedWorker thread');
  const engine = workers.sort((a, b) => sum(b[1], ['wasm.CompileLazy']) - sum(a[1], ['wasm.CompileLazy']))[0];
  const uiKey =
    [...byThread.entries()].find(
      ([key, list]) =>
        threadNames.get(key) === 'CrRendererMain' &&
        list.some((e) => e.name === 'v8.compileModule' && String(e.args?.data?.url ?? e.args?.url ?? '').includes('/assets/main')),
    )?.[0] ??
    [...byThread.entries()].find(
      ([key, list]) => threadNames.get(key) === 'CrRendererMain' && list.some((e) => JSON.stringify(e.args ?? {}).includes('/assets/main')),
    )?.[0];
  /** Self time (duration minus direct children) per event name, top `n`. */
  const selfTimes = (list: TraceEvent[], n: number) => {
    const sorted = [...list].sort((a, b) => a.ts - b.ts || b.dur! - a.dur!);
    const self = new Map<string, number>();
    const stack: TraceEvent[] = [];
    const childSum = new Map<TraceEvent, number>();
    for (const e of sorted) {
      while (stack.length && stack.at(-1)!.ts + stack.at(-1)!.dur! <= e.ts) stack.pop();
      const parent = stack.at(-1);
      if (parent && e.ts + e.dur! <= parent.ts + parent.dur!) childSum.set(parent, (childSum.get(parent) ?? 0) + e.dur!);
      stack.push(e);
    }
    for (const e of sorted) self.set(e.name, (self.get(e.name) ?? 0) + Math.max(0, e.dur! - (childSum.get(e) ?? 0)));
    return Object.fromEntries(
      [...self.entries()]
        .sort((a, b) => b[1] - a[1])
        .slice(0, n)
        .map(([k, v]) => [k, round(v / 1000, 1)]),
    );
  };
  const engineList = engine?.[1] ?? [];
  const engineTop = topLevel(engineList);
  const longest = [...engineTop].sort((a, b) => b.dur! - a.dur!)[0];
  const uiList = uiKey ? byThread.get(uiKey)! : [];
  return {
    note:
      'ms of thread time in one traced warm visit. engineWorker: busy = sum of its top-level tasks; wasmLazyCompile = wasm.CompileLazy (V8 ' +
      'compiling StarlingMonkey functions on their first call); jsCompile = V8.CompileCode + V8.CompileScript (glue and worker JS); gc = MajorGC + ' +
      'MinorGC; sha256 = DoDigest; deserialize = structured-clone reads of posted messages; instantiate = wasm.SyncInstantiate; longestTask = the ' +
      'longest single task (the first request). uiMainThread: the UI page main thread, same categories plus layout/style.',
    engineWorker: engine
      ? {
          busy: round(engineTop.reduce((s, e) => s + e.dur!, 0) / 1000, 1),
          wasmLazyCompile: sum(engineList, ['wasm.CompileLazy']),
          jsCompile: sum(engineList, ['V8.CompileCode', 'V8.CompileScript']),
          gc: sum(engineList, ['MajorGC', 'MinorGC']),
          sha256: sum(engineList, ['DoDigest']),
          deserialize: sum(engineList, ['SerializedScriptValueFactory::deserialize']),
          instantiate: sum(engineList, ['wasm.SyncInstantiate']),
          longestTask: longest ? round(longest.dur! / 1000, 1) : null,
          longestTaskWasmLazyCompile: longest
            ? sum(
                engineList.filter((e) => e.ts >= longest.ts && e.ts + e.dur! <= longest.ts + longest.dur!),
                ['wasm.CompileLazy'],
              )
            : null,
          topSelfTime: selfTimes(engineList, 10),
        }
      : null,
    uiMainThread: uiKey
      ? {
          busy: round(topLevel(uiList).reduce((s, e) => s + e.dur!, 0) / 1000, 1),
          jsCompile: sum(uiList, ['V8.CompileCode', 'V8.CompileScript']),
          scriptEvaluate: sum(uiList, ['v8.evaluateModule', 'EvaluateScript']),
          layoutAndStyle: sum(uiList, ['Layout', 'UpdateLayoutTree']),
          paint: sum(uiList, ['Paint', 'PrePaint']),
          gc: sum(uiList, ['MajorGC', 'MinorGC']),
          topSelfTime: selfTimes(uiList, 12),
        }
      : null,
  };
}
