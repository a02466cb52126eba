/**
 * Measurements made inside the browser. Each function body runs in the page or frame (it is
 * serialised by Playwright), so none of them declares a named inner function: tsx would wrap it
 * in a helper the page does not have. Timers there are clamped to 0.1 ms (not cross-origin isolated).
 */
import type { Frame, Page } from 'playwright-core';
import type { WireRequest } from '../../src/protocol/messages';

/** Sequential fetches of `path` from inside `frame` (through its service worker), after a warm-up. */
export async function timeFetches(
  frame: Frame,
  path: string,
  warmup: number,
  samples: number,
): Promise<{ durations: number[]; statuses: Record<number, number> }> {
  return frame.evaluate(
    async ({ path, warmup, samples }) => {
      const durations: number[] = [];
      const statuses: Record<number, number> = {};
      for (let i = 0; i < warmup + samples; i++) {
        const started = performance.now();
        const response = await fetch(path);
        await response.arrayBuffer();
        const elapsed = performance.now() - started;
        if (i >= warmup) {
          durations.push(elapsed);
          statuses[response.status] = (statuses[response.status] ?? 0) + 1;
        }
      }
      return { durations, statuses };
    },
    { path, warmup, samples },
  );
}

/** `total` fetches with `inFlight` outstanding at all times: requests per second, and their latencies. */
export async function loadFetches(
  frame: Frame,
  path: string,
  total: number,
  inFlight: number,
): Promise<{ rps: number; durations: number[]; statuses: Record<number, number> }> {
  return frame.evaluate(
    async ({ path, total, inFlight }) => {
      let next = 0;
      const durations: number[] = [];
      const statuses: Record<number, number> = {};
      const started = performance.now();
      await Promise.all(
        Array.from({ length: inFlight }, async () => {
          while (next < total) {
            next++;
            const t = performance.now();
            const response = await fetch(path);
            await response.arrayBuffer();
            durations.push(performance.now() - t);
            statuses[response.status] = (statuses[response.status] ?? 0) + 1;
          }
        }),
      );
      return { rps: total / ((performance.now() - started) / 1000), durations, statuses };
    },
    { path, total, inFlight },
  );
}

/** The engine's own `handle()` timed inside the engine Worker (`time-direct`): no service worker, no message hop. */
export async function timeDirect(page: Page, request: WireRequest, warmup: number, count: number): Promise<number[]> {
  return page.evaluate(
    async ({ request, warmup, count }) => {
      const { engine } = (window as unknown as { spinPlayground: { engine: { timeDirect(r: unknown, n: number): Promise<number[]> } } }).spinPlayground;
      if (warmup > 0) await engine.timeDirect(request, warmup);
      return engine.timeDirect(request, count);
    },
    { request, warmup, count },
  );
}

export interface ConsoleSample {
  roundTripMs: number;
  status: number;
  timing: Record<string, number | string> | null;
}

/** Requests through the UI's port to the engine (the request console's path), with the engine's timing split. */
export async function consoleRequests(page: Page, request: WireRequest, count: number): Promise<ConsoleSample[]> {
  return page.evaluate(
    async ({ request, count }) => {
      const { engine } = (
        window as unknown as { spinPlayground: { engine: { request(r: unknown): Promise<{ status: number; timing?: Record<string, number | string> }> } } }
      ).spinPlayground;
      const out: Array<{ roundTripMs: number; status: number; timing: Record<string, number | string> | null }> = [];
      for (let i = 0; i < count; i++) {
        const started = performance.now();
        const response = await engine.request({ ...request });
        out.push({ roundTripMs: performance.now() - started, status: response.status, timing: response.timing ?? null });
      }
      return out;
    },
    { request, count },
  );
}

/**
 * Instrumentation added before the UI page's own scripts run (page.addInitScript): when main.ts
 * publishes `window.spinPlayground = { engine }`, note the time, listen to every engine log entry,
 * and time each `engine.load()` round trip. Nothing in the page changes behaviour.
 */
export const INSTRUMENT_UI =
  `(() => {
  if (window.top !== window) return;
  const bench = { logs: [], loads: [], engineAt: null };
  window.__bench = bench;
  let value;
  Object.defineProperty(window, 'spinPlayground', {
    configurable: true,
    get() { return value; },
    set(v) {
      value = v;
      bench.engineAt = performance.now();
      try {
        v.engine.onLog((entry) => bench.logs.push({ at: performance.now(), time: entry.time, level: entry.level, ` +
  `source: entry.source, message: entry.message }));
        const load = v.engine.load.bind(v.engine);
        v.engine.load = async (bundle) => {
          const started = performance.now();
          const result = await load(bundle);
          bench.loads.push({ start: started, end: performance.now(), ok: !!(result && result.ok) });
          return result;
        };
      } catch (error) { bench.error = String(error); }
    },
  });
})();`;

/**
 * Instrumentation for the runner frame (the hidden page on the preview origin): epoch times of
 * its start, of `navigator.serviceWorker.register()` and `navigator.locks.request()` (engine
 * election) being called and settling. Read back with
 * runnerTrace(); nothing in the runner changes behaviour.
 */
export const RUNNER_PROBE = `(() => {
  if (!location.pathname.endsWith('/__pg/runner.html')) return;
  const now = () => performance.timeOrigin + performance.now();
  const probe = { start: performance.timeOrigin, events: [] };
  window.__runnerProbe = probe;
  const note = (what) => probe.events.push({ at: now(), what });
  document.addEventListener('DOMContentLoaded', () => note('DOMContentLoaded'));
  const sw = navigator.serviceWorker;
  if (sw && sw.register) {
    const register = sw.register.bind(sw);
    sw.register = (...args) => {
      note('sw.register called');
      const p = register(...args);
      p.then(() => note('sw.register resolved'), () => note('sw.register failed'));
      return p;
    };
  }
  if (navigator.locks && navigator.locks.request) {
    const request = navigator.locks.request.bind(navigator.locks);
    navigator.locks.request = (name, options, callback) => {
      const cb = typeof options === 'function' ? options : callback;
      const opts = typeof options === 'function' ? {} : options;
      const tag = opts && opts.ifAvailable ? 'locks.request(ifAvailable)' : 'locks.request(wait)';
      note(tag + ' called');
      return request(name, opts, (lock) => { note(tag + (lock ? ' granted' : ' not granted')); return cb(lock); });
    };
  }
})();`;

export async function runnerTrace(page: Page, uiTimeOrigin: number): Promise<Array<{ atMs: number; what: string }> | null> {
  const frame = page.frames().find((f) => f.url().includes('/__pg/runner.html'));
  if (!frame) return null;
  const probe = await frame
    .evaluate(() => (window as unknown as { __runnerProbe?: { start: number; events: Array<{ at: number; what: string }> } }).__runnerProbe ?? null)
    .catch(() => null);
  if (!probe) return null;
  return [
    { atMs: Math.round((probe.start - uiTimeOrigin) * 10) / 10, what: 'runner navigation start' },
    ...probe.events.map((e) => ({ atMs: Math.round((e.at - uiTimeOrigin) * 10) / 10, what: e.what })),
  ];
}

export interface UiTrace {
  timeOrigin: number;
  domContentLoaded: number;
  appWasm: { start: number; end: number; bytes: number } | null;
  engineAt: number | null;
  loads: Array<{ start: number; end: number; ok: boolean }>;
  logs: Array<{ at: number; time: number; level: string; source: string; message: string }>;
}

export async function uiTrace(page: Page): Promise<UiTrace> {
  return page.evaluate(() => {
    const w = window as unknown as { __bench?: { logs: UiTrace['logs']; loads: UiTrace['loads']; engineAt: number | null } };
    const nav = performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming | undefined;
    const wasm = (performance.getEntriesByType('resource') as PerformanceResourceTiming[]).find((e) => /\.wasm(\?|$)/.test(e.name));
    return {
      timeOrigin: performance.timeOrigin,
      domContentLoaded: nav?.domContentLoadedEventEnd ?? NaN,
      appWasm: wasm ? { start: wasm.startTime, end: wasm.responseEnd, bytes: wasm.encodedBodySize } : null,
      engineAt: w.__bench?.engineAt ?? null,
      loads: w.__bench?.loads ?? [],
      logs: w.__bench?.logs ?? [],
    };
  });
}

/** When the preview frame's document arrived, on the epoch clock (timeOrigin + responseEnd). */
export async function previewResponseEnd(frame: Frame): Promise<{ epoch: number; start: number; status: number }> {
  return frame.evaluate(() => {
    const nav = performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming;
    return { epoch: performance.timeOrigin + nav.responseEnd, start: performance.timeOrigin + nav.startTime, status: nav.responseStatus };
  });
}

/** Read every entry of the transpile cache (IndexedDB `spin-playground-components`) as getTranspiled does, timed. */
export async function timeTranspileCacheReads(
  frame: Frame,
  repeats: number,
): Promise<{ readsMs: number[]; bytes: number; entries: number } | { error: string }> {
  return frame.evaluate(async (repeats) => {
    try {
      const db = await new Promise<IDBDatabase>((resolve, reject) => {
        const request = indexedDB.open('spin-playground-components');
        request.onsuccess = () => resolve(request.result);
        request.onerror = () => reject(request.error);
      });
      if (!db.objectStoreNames.contains('transpiled')) return { error: 'no transpiled store' };
      const keys = await new Promise<IDBValidKey[]>((resolve, reject) => {
        const request = db.transaction('transpiled').objectStore('transpiled').getAllKeys();
        request.onsuccess = () => resolve(request.result);
        request.onerror = () => reject(request.error);
      });
      const readsMs: number[] = [];
      let bytes = 0;
      for (let r = 0; r < repeats; r++) {
        const started = performance.now();
        let total = 0;
        for (const key of keys) {
          const value = await new Promise<{ files?: Array<[string, Uint8Array]> }>((resolve, reject) => {
            const request = db.transaction('transpiled').objectStore('transpiled').get(key);
            request.onsuccess = () => resolve(request.result);
            request.onerror = () => reject(request.error);
          });
          for (const [, data] of value.files ?? []) total += data.byteLength;
        }
        readsMs.push(performance.now() - started);
        bytes = total;
      }
      db.close();
      return { readsMs, bytes, entries: keys.length };
    } catch (error) {
      return { error: String(error) };
    }
  }, repeats);
}
