/**
 * The bench's targets block (BENCHMARKS.md, "Targets"): exactly these entries, each read from
 * results.json by its field name. A target that is not met shows the floor measured in the same
 * run: the part of the number this run showed the playground cannot remove (or, for throughput,
 * the ceiling), so a miss says how far it is from what is possible here.
 */
import { round } from './stats.ts';

export interface Target {
  name: string;
  value: number | null;
  target: string;
  met: boolean | null;
  floor?: { value: number | null; what: string };
}

/** The value at a dotted path of `results`, or null when this run did not measure it. */
export function field(results: unknown, path: string): number | null {
  let at: unknown = results;
  for (const key of path.split('.')) {
    if (at === null || typeof at !== 'object' || !(key in at)) return null;
    at = (at as Record<string, unknown>)[key];
  }
  return typeof at === 'number' && Number.isFinite(at) ? at : null;
}

export function targets(results: unknown): Target[] {
  const f = (path: string) => field(results, path);
  const out: Target[] = [];
  const add = (name: string, value: number | null, limit: number | null, target: string, floorPath: string | null, what: string, atLeast = false) => {
    const met = value === null || limit === null ? null : atLeast ? value >= limit : value <= limit;
    const floor = floorPath ? { value: f(floorPath), what: `${floorPath}: ${what}` } : { value: null, what };
    out.push({ name, value: value === null ? null : round(value), target, met, ...(met === false ? { floor } : {}) });
  };
  const minus = (a: number | null, b: number | null) => (a === null || b === null ? null : a - b);
  const hop = f('js.breakdown.bareHop.echo.p50_ms');
  const hopLimit = hop === null ? null : round(hop + 0.5);
  const hopTarget = `≤ js.breakdown.bareHop.echo.p50_ms + 0.5 = ${hopLimit ?? '?'}`;
  const nodeRps = f('node.rps');
  const tiny = f('tiny.request.p50_ms');
  const ui = 'js.breakdown.cpu.uiMainThread';

  add(`${ui}.sequential.taskMs`, f(`${ui}.sequential.taskMs`), 2, '≤ 2', `${ui}.health.taskMs`, "the UI page's work per request that runs no component");
  const noFloor = 'not measured by the bench (BENCHMARKS.md has a one-off A/B of the core instance alone)';
  add('js.instantiate.cost_ms', f('js.instantiate.cost_ms'), 2, '≤ 2', null, noFloor);
  add(
    'js.request.rps',
    f('js.request.rps'),
    nodeRps === null ? null : 4 * nodeRps,
    `≥ 4 × node.rps = ${nodeRps === null ? '?' : 4 * nodeRps}`,
    'js.ceilings.engineThreadRps',
    "the engine thread's ceiling, 1000 / js.direct.mean_ms (a ceiling, not a floor)",
    true,
  );
  const hopWhat = "the playground's service worker ↔ engine round trip with no component";
  add('js.request.p50 − js.direct.p50', minus(f('js.request.p50_ms'), f('js.direct.p50_ms')), hopLimit, hopTarget, 'js.breakdown.messageHop_ms', hopWhat);
  add('tiny.request.p50 − tiny.direct.p50', minus(tiny, f('tiny.direct.p50_ms')), hopLimit, hopTarget, 'js.breakdown.messageHop_ms', hopWhat);
  add('warmStart.ms', f('warmStart.ms'), 800, '≤ 800', 'warmStart.traced.engineWorker.busy', "the engine Worker's busy time in one traced warm visit");
  // The bundled examples are transpiled at build time, so a cold start transpiles nothing; what every
  // start still waits for is compiling the component's 12 MB core module in the engine.
  add('coldStart.ms', f('coldStart.ms'), 2500, '≤ 2500', 'transpile.compileCold_ms', "compiling the component's core modules on a cold start");
  add('authoring.onOpen.firstResponse_ms', f('authoring.onOpen.firstResponse_ms'), 2500, '≤ 2500', 'authoring.onOpen.build_ms', 'the first build alone');
  add('authoring.firstResponse_ms', f('authoring.firstResponse_ms'), 1000, '≤ 1000', 'authoring.build_ms', 'the build alone');
  add(
    'p3.echo1MiB.p50_ms',
    f('p3.echo1MiB.p50_ms'),
    50,
    '≤ 50',
    'p3.echo1MiB.floor_ms',
    'the same 1 MiB POST echoed by a bare service worker → Worker, no playground code',
  );
  const p3Limit = tiny === null ? null : round(1.5 * tiny);
  const p3Target = `≤ 1.5 × tiny.request.p50_ms = ${p3Limit ?? '?'}`;
  add('p3.tiny.request.p50_ms', f('p3.tiny.request.p50_ms'), p3Limit, p3Target, 'tiny.request.p50_ms', 'the same work as a WASI 0.2 component');
  return out;
}
