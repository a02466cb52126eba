/**
 * `npm run bench` (BENCHMARKS.md): every number in one run, against the production build (PG_URL,
 * served by `vite preview`) in headless Chromium, plus the Node-side numbers. Writes
 * bench/results.json (its nested fields are described in BENCHMARKS.md) and prints a table with the targets.
 * BENCHMARKS.md explains each number and every miss.
 *
 * Environment: PG_URL (required), CHROMIUM_PATH, BENCH_QUICK=1 (small counts, for trying it out).
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, release, totalmem } from 'node:os';
import { launchChromium } from '../test/support/chromium.ts';
import { processSamples } from './lib/cdp.ts';
import { serveStatic } from '../test/support/static-server.ts';
import { round } from './lib/stats.ts';
import { measureStarts } from './phases/start.ts';
import { measureJs, measureTiny } from './phases/requests.ts';
import { measurePersistence } from './phases/persist.ts';
import { measureBareHop, measureBodyHop } from './phases/hop.ts';
import { measureLoadSteps } from './phases/load.ts';
import { measureKvOps, measureNodeBaseline } from './phases/node.ts';
import { measureAuthoring } from './phases/authoring.ts';
import { targets, type Target } from './lib/targets.ts';
import { measureP3Echo, measureP3Tiny } from './phases/p3.ts';

const PG_URL = process.env.PG_URL;
if (!PG_URL) throw new Error('PG_URL is not set (run `npm run bench`)');
const quick = process.env.BENCH_QUICK === '1';
const plan = quick ? { warmup: 10, samples: 60, rpsTotal: 120, inFlight: 8 } : { warmup: 30, samples: 300, rpsTotal: 800, inFlight: 8 };
const memory = quick ? { first: 500, last: 1000 } : { first: 500, last: 5000 };
const starts = quick ? { cold: 1, warm: 1 } : { cold: 3, warm: 3 };
const root = new URL('..', import.meta.url).pathname;
const jsWasm = `${root}test/fixtures/dist/conformance/bench-kv-rw/app.wasm`;

const began = performance.now();
const loadAtStart = loadavg().map((v) => round(v, 2));
const cpuAtStart = systemCpu();
const ownCpuAtStart = process.cpuUsage();
const step = (name: string) => console.log(`[bench ${((performance.now() - began) / 1000).toFixed(0).padStart(3)} s] ${name}`);

// Node first, while the browser is not running.
step('kv ops on sql.js (Node)');
const kvOps = await measureKvOps();
step('Node baseline (jco + preview2-shim, fresh instance per request)');
const node = await measureNodeBaseline(jsWasm, { warmup: 20, samples: quick ? 40 : 100, rpsTotal: quick ? 80 : 300, inFlight: plan.inFlight });

const files = await serveStatic({ fixtures: `${root}test/fixtures/dist`, pages: `${root}bench/.build/pages`, examples: `${root}public/examples` });
const browser = await launchChromium();
// CPU time of every Chromium process, kept at its highest (processes of closed contexts vanish).
const chromiumCpu = new Map<number, number>();
const trackChromium = async () => {
  for (const p of await processSamples(browser).catch(() => [])) chromiumCpu.set(p.pid, Math.max(chromiumCpu.get(p.pid) ?? 0, p.cpuTime));
};
const tracker = setInterval(() => void trackChromium(), 2000);
try {
  step(`cold start ×${starts.cold}, warm start ×${starts.warm} (default app)`);
  const start = await measureStarts(browser, PG_URL, starts.cold, starts.warm);

  step(`JS app: latency, rps, direct, breakdown, memory to request ${memory.last}`);
  let context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  const js = await measureJs(browser, context, `${files.url}/fixtures/conformance/bench-kv-rw/spin.toml`, plan, memory);
  await context.close();

  step('tiny WAT app (kv-tiny)');
  context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  const tiny = await measureTiny(context, `${files.url}/fixtures/apps/kv-tiny/spin.toml`, plan);
  await context.close();

  step('Spin 4 (WASI 0.3): 1 MiB echo (p3-echo), p3 twin of kv-tiny (p3-kv-tiny)');
  context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  const p3Echo = await measureP3Echo(context, `${files.url}/fixtures/apps`, plan);
  const p3EchoBlob = await measureP3Echo(context, `${files.url}/fixtures/apps`, plan, true);
  const p3Tiny = await measureP3Tiny(context, `${files.url}/fixtures/apps`, plan);
  await context.close();

  step('bare service worker + Worker hop (no playground code)');
  const bareHop = await measureBareHop(browser, `${files.url}/pages`, plan.warmup, plan.samples);
  step('bare service worker + Worker echo of a 1 MiB body, as Uint8Array and as Blob (the floor of p3.echo1MiB)');
  const echoWarmup = Math.max(3, Math.round(plan.warmup / 6));
  const echoSamples = Math.max(10, Math.round(plan.samples / 10));
  const bodyHop = await measureBodyHop(browser, `${files.url}/pages`, 1 << 20, echoWarmup, echoSamples);
  const bodyHopBlob = await measureBodyHop(browser, `${files.url}/pages`, 1 << 20, echoWarmup, echoSamples, true);

  step('component load steps (kv-basics), cold and cached');
  const loadSteps = await measureLoadSteps(browser, `${files.url}/pages`, `${files.url}/examples/kv-basics/app.wasm`).catch((error: unknown) => ({
    error: String(error),
  }));

  step('in-page authoring: New JS app, then edit and Run');
  const authoring = await measureAuthoring(browser, PG_URL, quick ? 2 : 3).catch((error: unknown) => ({
    build_ms: null,
    firstResponse_ms: null,
    error: String(error),
  }));

  step('key-value persistence at 100 KB, 10 MB, 50 MB');
  const persist = await measurePersistence(browser, `${root}bench/.build/pages`, quick ? 60 : 240, 100);

  clearInterval(tracker);
  await trackChromium();
  const wallMs = performance.now() - began;
  const own = process.cpuUsage(ownCpuAtStart);
  const ownMs = (own.user + own.system) / 1000 + (node.serverCpuTotal_ms ?? 0) + [...chromiumCpu.values()].reduce((a, b) => a + b, 0) * 1000;
  const cpuAtEnd = systemCpu();
  const allBusyMs = cpuAtStart && cpuAtEnd ? (cpuAtEnd.busy - cpuAtStart.busy) * 10 : null;
  const allLogs = [...start.allLogs, ...js.logs, ...tiny.logs];
  const restartLine = allLogs.map((l) => /engine restarted in (\d+(?:\.\d+)?) ms/.exec(l)).find(Boolean);
  const restartMeasured = js.restart && 'restart_ms' in js.restart ? js.restart : null;
  const plumbing = round(js.js.request.p50_ms - js.js.direct.p50_ms);
  const results = {
    date: new Date().toISOString(),
    machine: {
      cpus: cpus().length,
      cpu: cpus()[0]?.model ?? 'unknown',
      memoryGb: round(totalmem() / 2 ** 30, 1),
      os: `Linux ${release()}`,
      browser:
        `Chromium ${browser.version()} (headless, playwright-core ` +
        `${JSON.parse(readFileSync(`${root}node_modules/playwright-core/package.json`, 'utf8')).version})`,
      node: process.version,
      loadAverage: { atStart: loadAtStart, atEnd: loadavg().map((v) => round(v, 2)) },
      busyCoresDuringRun: busyCores(cpuAtStart, cpuAtEnd),
      benchCores: round(ownMs / wallMs, 2),
      otherCores: allBusyMs === null ? null : round(Math.max(0, allBusyMs - ownMs) / wallMs, 2),
      note:
        "loadAverage (1, 5, 15 min); busyCoresDuringRun: all processes, from /proc/stat; benchCores: the bench's own CPU (its Node process, " +
        'the Node baseline server, every Chromium process); otherCores: the rest, i.e. other work on the machine, which inflates every number here.',
    },
    config: { ...plan, memory, starts, quick },
    js: {
      app: 'bench-kv-rw (Spin JS SDK v3 component, j2w; one KV get + one KV set per request), opened with ?app= from a loopback static server',
      request: js.js.request,
      direct: js.js.direct,
      breakdown: { ...js.breakdown, bareHop, playgroundHopOverBare_ms: round(js.breakdown.messageHop_ms - bareHop.hop_ms) },
      instantiate: {
        cost_ms: js.breakdown.engineTiming?.instanceMs?.p50_ms ?? null,
        waited_ms: js.breakdown.engineTiming?.instantiateMs?.p50_ms ?? null,
        note:
          "cost_ms: p50 of what making the instance that served each request took (the engine's instanceMs; made ahead while the engine is idle, " +
          'so it is the thread time of one instantiation); waited_ms: p50 of how long the request waited for its instance. From the request console path.',
      },
      ceilings: {
        note:
          'Upper bounds on js.request.rps from this run: the engine Worker is one thread (1000 / js.direct.mean_ms); all Chromium processes ' +
          'share the cores (cores × 1000 / CPU ms per request at 8 in flight, with the UI reacting and, from the A/B, without). node: its server ' +
          'spends serverCpuPerRequest_ms per request.',
        engineThreadRps: Math.round(1000 / js.js.direct.mean_ms),
        cpuRps: Math.round((cpus().length * 1000) / js.breakdown.cpu.inFlight.totalPerRequest_ms),
        nodeServerCpuRps: node.serverCpuPerRequest_ms ? Math.round(1000 / node.serverCpuPerRequest_ms) : null,
      },
    },
    swFloor: js.swFloor,
    plumbing: {
      js_ms: plumbing,
      tiny_ms: round(tiny.request.p50_ms - tiny.direct.p50_ms),
      target_ms: round(bareHop.echo.p50_ms + 0.5),
      note: 'request p50 − direct p50; target: the bare service worker → Worker echo (js.breakdown.bareHop.echo) + 0.5 ms',
    },
    tiny: {
      app: 'kv-tiny (WAT component; reads key count, appends x, writes it back)',
      request: tiny.request,
      direct: tiny.direct,
      engineTiming: tiny.engineTiming,
      uiAB: tiny.uiAB,
    },
    p3: {
      echo1MiB: {
        app: 'p3-echo (WAT, WASI 0.3): POST of 1 MiB echoed, timed to the last byte',
        ...(p3Echo.request ?? { p50_ms: null }),
        reason: p3Echo.reason ?? null,
        floor_ms: bodyHop.echo.p50_ms,
        floorNote: 'the bare service worker -> Worker echo of the same 1 MiB Uint8Array body, no playground code (bench/pages/hop.ts)',
        bareHop: bodyHop,
        blobBody: {
          note: 'the same echo with the body sent as a Blob, through the playground and through the bare service worker',
          p50_ms: p3EchoBlob.request?.p50_ms ?? null,
          request: p3EchoBlob.request,
          reason: p3EchoBlob.reason ?? null,
          floor_ms: bodyHopBlob.echo.p50_ms,
          bareHop: bodyHopBlob,
        },
      },
      tiny: { app: `${p3Tiny.app} (WASI 0.3 twin of kv-tiny)`, request: p3Tiny.request, reason: p3Tiny.reason ?? null },
    },
    coldStart: start.coldStart,
    warmStart: { ...start.warmStart, firstRequests: start.firstRequestsAfterWarmStart, traced: start.tracedWarmVisit },
    transpile: { ...start.transpile, loadSteps },
    kv: { opsPerSec: kvOps, persistPerWrite_ms: persist.persistPerWrite_ms, persistFlatRatio: persist.persistFlatRatio, persist: persist.persist },
    memory: js.memory,
    node,
    engine: {
      restart_ms: restartMeasured ? restartMeasured.restart_ms : restartLine ? Number(restartLine[1]) : null,
      note: restartMeasured
        ? "median of 3 calls of the engine client's restart() on the JS app (fresh engine Worker, data reopened, app reloaded), as the host " +
          "reports it; untilNextResponseMs adds the preview's next request"
        : restartLine
          ? 'from the "engine restarted in N ms" log line'
          : 'comes with the robustness work (engine restart); neither restart() nor an "engine restarted in N ms" log line exists in this build',
      logLine: restartLine ? restartLine[0] : null,
      detail: js.restart,
    },
    authoring,
    targets: [] as Target[],
  };
  results.targets = targets(results);

  mkdirSync(new URL('.', import.meta.url), { recursive: true });
  writeFileSync(new URL('./results.json', import.meta.url), `${JSON.stringify(results, null, 2)}\n`);
  printTable(results);
} finally {
  await browser.close();
  await files.close();
}
step('done');

function printTable(r: any) {
  const rows: Array<[string, string, string]> = [
    ['swFloor.p50_ms', `${r.swFloor.p50_ms}`, 'fetch answered by the service worker itself'],
    ['js.request.p50_ms / p99_ms', `${r.js.request.p50_ms} / ${r.js.request.p99_ms}`, `through the service worker, sequential, n=${r.js.request.n}`],
    ['js.request.rps', `${r.js.request.rps}`, `${r.config.inFlight} in flight`],
    ['js.direct.p50_ms', `${r.js.direct.p50_ms}`, 'engine handle() inside the engine Worker'],
    [
      '  health via SW / direct',
      `${r.js.breakdown.healthViaSw.p50_ms} / ${r.js.breakdown.healthDirect.p50_ms}`,
      `message hop ≈ ${r.js.breakdown.messageHop_ms} ms`,
    ],
    [
      '  bare SW ping / →Worker / via page',
      `${r.js.breakdown.bareHop.ping.p50_ms} / ${r.js.breakdown.bareHop.echo.p50_ms} / ${r.js.breakdown.bareHop.relayAck.p50_ms}`,
      `platform hop ≈ ${r.js.breakdown.bareHop.hop_ms} ms; relaying via a page + ack adds ` +
        `${round(r.js.breakdown.bareHop.relayExtra_ms + r.js.breakdown.bareHop.ackExtra_ms)} ms (no playground code)`,
    ],
    [
      '  direct without / with browser headers',
      `${r.js.breakdown.headersAB.without.p50_ms} / ${r.js.breakdown.headersAB.with.p50_ms}`,
      `headers cost ≈ ${r.js.breakdown.headersAB.cost_ms} ms (interleaved)`,
    ],
    [
      '  request with UI reacting / UI quiet',
      `${r.js.breakdown.uiAB.normal.p50_ms} / ${r.js.breakdown.uiAB.uiQuiet.p50_ms}`,
      `UI costs ≈ ${r.js.breakdown.uiAB.cost_ms} ms p50; rps ${r.js.breakdown.rpsAB.normal} vs ${r.js.breakdown.rpsAB.uiQuiet} (interleaved)`,
    ],
    ['js.instantiate.cost_ms / waited_ms', `${r.js.instantiate.cost_ms} / ${r.js.instantiate.waited_ms}`, 'p50 ms: making one instance / waiting for it'],
    [
      '  engine split: instantiate / handler / persist',
      `${r.js.breakdown.engineTiming?.instantiateMs?.p50_ms} / ${r.js.breakdown.engineTiming?.handlerMs?.p50_ms} / ` +
        `${r.js.breakdown.engineTiming?.persistMs?.p50_ms}`,
      "p50 ms, from the engine's own timing",
    ],
    [
      'tiny.request.p50_ms / rps',
      `${r.tiny.request.p50_ms} / ${r.tiny.request.rps}`,
      `kv-tiny WAT; direct p50 ${r.tiny.direct.p50_ms}; with UI quiet p50 ${r.tiny.uiAB.uiQuiet.p50_ms}`,
    ],
    ['p3.echo1MiB.p50_ms', `${r.p3.echo1MiB.p50_ms}`, r.p3.echo1MiB.reason ?? `1 MiB POST echoed by p3-echo, n=${r.p3.echo1MiB.n}`],
    [
      '  bare SW → Worker echo of 1 MiB (floor)',
      `${r.p3.echo1MiB.floor_ms}`,
      `Uint8Array body, no playground code; as a Blob: playground ${r.p3.echo1MiB.blobBody.p50_ms}, bare ${r.p3.echo1MiB.blobBody.floor_ms}`,
    ],
    ['p3.tiny.request.p50_ms', `${r.p3.tiny.request?.p50_ms ?? null}`, r.p3.tiny.reason ?? `${r.p3.tiny.app}, n=${r.p3.tiny.request.n}`],
    ['coldStart.ms / warmStart.ms', `${r.coldStart.ms} / ${r.warmStart.ms}`, 'navigation → preview first response (median)'],
    [
      '  cold runs / warm runs',
      `${r.coldStart.runs.map((v: any) => v.ms).join(', ')} / ${r.warmStart.runs.map((v: any) => v.ms).join(', ')}`,
      `SW register() took ${r.warmStart.runs.map((v: any) => v.breakdown.runnerSwRegisterMs).join(', ')} ms in the warm runs (the runner waits for it)`,
    ],
    [
      'transpile.ms / cached_ms',
      `${r.transpile.ms} / ${r.transpile.cached_ms}`,
      `compile ${r.transpile.compileCold_ms} ms cold, ${r.transpile.compileWarm_ms} ms warm`,
    ],
    ['kv.opsPerSec get / set', `${r.kv.opsPerSec.get} / ${r.kv.opsPerSec.set}`, 'SqliteKvStore, Node'],
    [
      'kv.persistPerWrite_ms',
      Object.entries(r.kv.persistPerWrite_ms)
        .map(([k, v]) => `${k} ${v}`)
        .join(', '),
      `checkpoint ${Object.entries(r.kv.persist.bySize)
        .map(([k, v]: [string, any]) => `${k} ${v.checkpointMs}`)
        .join(', ')} ms`,
    ],
    [
      'memory.mb / growthPct',
      `${r.memory.mb} / ${r.memory.growthPct}%`,
      `engine Worker heap, requests ${r.memory.servedFirst} → ${r.memory.servedLast}; JS heap slope ${r.memory.usedSlopeBytesPerRequest} B/request ` +
        `(2nd half ` +
        `${r.memory.usedSlopeSecondHalfBytesPerRequest})` +
        `${r.memory.rendererRss ? `; app renderer RSS ${r.memory.rendererRss.firstMb} → ${r.memory.rendererRss.lastMb} MB` : ''}; ` +
        `UI DOM nodes ${r.memory.uiPage.domNodes.join(' → ')}`,
    ],
    [
      '  UI main thread per request',
      `${r.js.breakdown.cpu.uiMainThread.sequential.taskMs}`,
      `ms of UI-page tasks per JS request (script ${r.js.breakdown.cpu.uiMainThread.sequential.scriptMs}, layout ` +
        `${r.js.breakdown.cpu.uiMainThread.sequential.layoutMs}, style ${r.js.breakdown.cpu.uiMainThread.sequential.recalcStyleMs})`,
    ],
    [
      '  CPU per request (8 in flight)',
      `${r.js.breakdown.cpu.inFlight.totalPerRequest_ms}`,
      `ms, all Chromium processes; ${r.js.breakdown.cpu.inFlight.coresBusy} cores busy`,
    ],
    ['node.rps', `${r.node.rps}`, `p50 ${r.node.request.p50_ms} ms sequential; server CPU ${r.node.serverCpuPerRequest_ms} ms/request`],
    ['engine.restart_ms', `${r.engine.restart_ms}`, r.engine.note],
    [
      'authoring.build_ms / firstResponse_ms',
      `${r.authoring.build_ms} / ${r.authoring.firstResponse_ms}`,
      r.authoring.error ?? `median of edits; first build on open ${r.authoring.onOpen?.build_ms} / ${r.authoring.onOpen?.firstResponse_ms} ms`,
    ],
  ];
  console.log(`\nSpin Playground benchmark — ${r.machine.browser}, ${r.machine.cpus} × ${r.machine.cpu}, Node ${r.machine.node}`);
  console.log(
    `load average ${r.machine.loadAverage.atStart.join(' ')} at start, ${r.machine.loadAverage.atEnd.join(' ')} at end; on average ` +
      `${r.machine.busyCoresDuringRun} of ${r.machine.cpus} cores busy: ${r.machine.benchCores} by the bench, ${r.machine.otherCores} by other ` +
      `work\n`,
  );
  const w0 = Math.max(...rows.map((x) => x[0].length));
  const w1 = Math.max(...rows.map((x) => x[1].length));
  for (const [a, b, c] of rows) console.log(`${a.padEnd(w0)}  ${b.padStart(w1)}  ${c}`);
  console.log('\nTargets (BENCHMARKS.md)');
  const v0 = Math.max(...r.targets.map((x: any) => x.name.length));
  for (const x of r.targets) {
    const floor = x.floor ? `  (floor ${x.floor.value}: ${x.floor.what})` : '';
    console.log(`${x.met === null ? 'N/A ' : x.met ? 'MET ' : 'MISS'}  ${x.name.padEnd(v0)}  ${String(x.value).padStart(8)}  ${x.target}${floor}`);
  }
  console.log('\nwrote bench/results.json');
}

/** Busy and total jiffies of all CPUs (/proc/stat). */
function systemCpu(): { busy: number; total: number } | null {
  try {
    const fields = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
    const idle = (fields[3] ?? 0) + (fields[4] ?? 0);
    const total = fields.reduce((a, b) => a + b, 0);
    return { busy: total - idle, total };
  } catch {
    return null;
  }
}

function busyCores(a: ReturnType<typeof systemCpu>, b: ReturnType<typeof systemCpu>): number | null {
  if (!a || !b || b.total === a.total) return null;
  return round(((b.busy - a.busy) / (b.total - a.total)) * cpus().length, 2);
}
