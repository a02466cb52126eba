/**
 * Bad input, generated, must give a clear error and never a crash: property-based tests with fast-check over the manifest parser
 * and the router, and a corpus of broken WebAssembly through the loader's binary readers. Each
 * must answer with a result or its own error, never an exception it did not mean, and quickly.
 *
 * Runs: FUZZ_RUNS (default 300 per property; raise it for a longer hunt). A failure prints the
 * seed and the shrunk counterexample.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import fc from 'fast-check';
import { parseManifest } from '../../src/manifest/parse.ts';
import { Router } from '../../src/engine/router.ts';
import type { HttpTrigger } from '../../src/manifest/types.ts';
import { describeNonComponent, wasmKind } from '../../src/engine/wasm-kind.ts';
import { readComponentWorld } from '../../src/engine/component-world.ts';
import { WasmFormatError } from '../../src/wasm/leb128.ts';

const RUNS = Number(process.env.FUZZ_RUNS ?? 300);
const fixtures = new URL('../fixtures/', import.meta.url);
const validManifests = readdirSync(new URL('manifest/valid/', fixtures))
  .filter((f) => f.endsWith('.toml'))
  .map((f) => readFileSync(new URL(`manifest/valid/${f}`, fixtures), 'utf8'));

// ---------------------------------------------------------------------------------------------
// The manifest parser

/** Every error and warning points inside the text: 1-based line and column. */
function assertPositionsInside(text: string, problems: Array<{ line: number; column: number; message: string }>): void {
  const lines = text.split('\n');
  for (const p of problems) {
    assert.ok(typeof p.message === 'string' && p.message.length > 0, 'a message');
    assert.ok(Number.isInteger(p.line) && p.line >= 1 && p.line <= lines.length, `line ${p.line} of ${lines.length} (${p.message})`);
    const lineLength = [...(lines[p.line - 1] ?? '')].length;
    assert.ok(Number.isInteger(p.column) && p.column >= 1 && p.column <= lineLength + 1, `column ${p.column} on a line of ${lineLength} (${p.message})`);
  }
}

function checkManifest(text: string): void {
  const result = parseManifest(text);
  if (result.ok) assertPositionsInside(text, result.app.warnings);
  else {
    assert.ok(result.errors.length > 0, 'a failed parse says why');
    assertPositionsInside(text, result.errors);
  }
}

/** Spin's own vocabulary, so generated documents get past the TOML parser and into validation. */
const key = fc.constantFrom(
  'spin_manifest_version',
  'spin_version',
  'name',
  'version',
  'description',
  'authors',
  'route',
  'component',
  'source',
  'key_value_stores',
  'sqlite_databases',
  'allowed_outbound_hosts',
  'allowed_http_hosts',
  'files',
  'variables',
  'default',
  'required',
  'secret',
  'url',
  'digest',
  'executor',
  'static_response',
  'status_code',
  'body',
  'headers',
  'id',
  'trigger',
  'base',
  'type',
  'config',
  'exclude_files',
  'environment',
  'build',
  'command',
  'watch',
  'private',
  'x',
  'bad_id',
  'Bad-Id',
);
const scalar = fc.oneof(
  fc.string({ maxLength: 12 }).map((s) => JSON.stringify(s)),
  fc.constantFrom('"1"', '2', '1', '"2"', '2.0', 'true', 'false', '"/..."', '"/"', '"app.wasm"', '"default"', '"x"', '"sha256:00"', '1979-05-27', '"{{ x }}"'),
  fc.integer({ min: -5, max: 1000 }).map(String),
);
const value: fc.Arbitrary<string> = fc.letrec((tie) => ({
  value: fc.oneof({ depthSize: 'small', withCrossShrink: true }, scalar, tie('array'), tie('inline')),
  array: fc.array(tie('value'), { maxLength: 3 }).map((items) => `[${items.join(', ')}]`),
  inline: fc.array(fc.tuple(key, tie('value')), { maxLength: 3 }).map((pairs) => `{ ${pairs.map(([k, v]) => `${k} = ${v}`).join(', ')} }`),
})).value as fc.Arbitrary<string>;
const header = fc.oneof(
  fc.constantFrom(
    '[application]',
    '[[trigger.http]]',
    '[variables]',
    '[application.trigger.http]',
    '[[component]]',
    '[component.x]',
    '[component.x.build]',
    '[component.bad_id]',
    '[component."a b"]',
    '[trigger]',
  ),
  key.map((k) => `[component.${k}]`),
);
const line = fc.oneof(
  { weight: 4, arbitrary: fc.tuple(key, value).map(([k, v]) => `${k} = ${v}`) },
  { weight: 1, arbitrary: header },
  { weight: 1, arbitrary: fc.constantFrom('', '# comment', '  ', 'x =', '= 1', '[', ']]') },
);
const document = fc.array(line, { maxLength: 25 }).map((lines) => lines.join('\n'));

/** Random edits of a valid manifest: deletions, insertions, duplicated and swapped lines. */
const mutated = fc
  .tuple(fc.constantFrom(...validManifests), fc.array(fc.tuple(fc.nat(), fc.nat({ max: 4 }), fc.string({ maxLength: 6 })), { minLength: 1, maxLength: 6 }))
  .map(([text, edits]) => {
    let out = text;
    for (const [at, kind, piece] of edits) {
      const i = out.length === 0 ? 0 : at % out.length;
      const lines = out.split('\n');
      const l = at % lines.length;
      if (kind === 0) out = out.slice(0, i) + out.slice(i + 1 + (at % 5));
      else if (kind === 1) out = out.slice(0, i) + piece + out.slice(i);
      else if (kind === 2) out = [...lines.slice(0, l + 1), lines[l]!, ...lines.slice(l + 1)].join('\n');
      else if (kind === 3) out = [...lines.slice(0, l), ...lines.slice(l + 1)].join('\n');
      else out = [lines[l]!, ...lines.slice(0, l), ...lines.slice(l + 1)].join('\n');
    }
    return out;
  });

test('the manifest parser never throws on arbitrary text, and every error has a line and column inside it', () => {
  fc.assert(fc.property(fc.string({ maxLength: 300 }), checkManifest), { numRuns: RUNS });
  fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 200 }), checkManifest), { numRuns: RUNS });
});

test("the manifest parser never throws on TOML documents in Spin's vocabulary, and positions its errors", () => {
  fc.assert(fc.property(document, checkManifest), { numRuns: RUNS * 3 });
});

test('the manifest parser never throws on randomly edited valid manifests, and positions its errors', () => {
  assert.ok(validManifests.length > 0);
  fc.assert(fc.property(mutated, checkManifest), { numRuns: RUNS * 3 });
});

// ---------------------------------------------------------------------------------------------
// The router

type RouteSeg = { kind: 'exact'; text: string } | { kind: 'param'; name: string };
interface RouteShape {
  segments: RouteSeg[];
  wildcard: boolean;
  trailingSlash: boolean;
}

const literal = fc.stringMatching(/^[a-z0-9][a-z0-9_-]{0,3}$/);
const segment: fc.Arbitrary<RouteSeg> = fc.oneof(
  { weight: 3, arbitrary: literal.map((text): RouteSeg => ({ kind: 'exact', text })) },
  { weight: 1, arbitrary: fc.stringMatching(/^[a-z][a-z0-9_]{0,3}$/).map((name): RouteSeg => ({ kind: 'param', name })) },
);
const routeShape: fc.Arbitrary<RouteShape> = fc.record({ segments: fc.array(segment, { maxLength: 4 }), wildcard: fc.boolean(), trailingSlash: fc.boolean() });

function routeText(shape: RouteShape): string {
  const body = shape.segments.map((s) => (s.kind === 'exact' ? s.text : `:${s.name}`)).join('/');
  if (shape.wildcard) return body ? `/${body}/...` : '/...';
  return `/${body}${shape.trailingSlash && body ? '/' : ''}`;
}

function trigger(shape: RouteShape, i: number): HttpTrigger {
  return { id: `t${i}`, route: { kind: 'path', route: routeText(shape) }, component: `c${i}`, executor: { type: 'http' }, line: i + 1 };
}

/**
 * An independent matcher for these slash-only routes: leading and trailing slashes ignored, whole
 * segments compared; a parameter takes any segment, even the empty one between two slashes
 * (routefinder 0.5.4 captures `""` there: `/a//b` matches `/a/:x/b`).
 */
function matchesAlone(shape: RouteShape, path: string): boolean {
  const trimmed = path.replace(/^\/+/, '').replace(/\/+$/, '');
  const parts = trimmed === '' ? [] : trimmed.split('/');
  if (shape.wildcard ? parts.length < shape.segments.length : parts.length !== shape.segments.length) return false;
  return shape.segments.every((s, i) => s.kind === 'param' || parts[i] === s.text);
}

/**
 * Spin's precedence for these routes, stated independently: compare position by position
 * (literal 3 > parameter 2 > the wildcard 1); the higher rank wins at the first difference; if one
 * route's ranks are a prefix of the other's, the shorter route wins.
 */
function ranks(shape: RouteShape): number[] {
  return [...shape.segments.map((s) => (s.kind === 'exact' ? 3 : 2)), ...(shape.wildcard ? [1] : [])];
}
function beats(a: number[], b: number[]): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return b.length - a.length;
}

/** Paths built from the routes' own literals (so they match often), plus arbitrary strings. */
const pathFor = (shapes: RouteShape[]) => {
  const words = [...new Set(shapes.flatMap((s) => s.segments.flatMap((g) => (g.kind === 'exact' ? [g.text] : []))))];
  const word = words.length ? fc.oneof(fc.constantFrom(...words), literal, fc.constant('')) : literal;
  return fc.oneof(
    { weight: 3, arbitrary: fc.tuple(fc.array(word, { maxLength: 6 }), fc.boolean()).map(([parts, slash]) => `/${parts.join('/')}${slash ? '/' : ''}`) },
    { weight: 1, arbitrary: fc.string({ maxLength: 30 }) },
    { weight: 1, arbitrary: fc.webPath() },
  );
};

test("the router never throws building a valid route set or routing any path, and its match obeys Spin's precedence", () => {
  const scenario = fc
    .array(routeShape, { minLength: 1, maxLength: 8 })
    .chain((shapes) => fc.tuple(fc.constant(shapes), fc.array(pathFor(shapes), { minLength: 1, maxLength: 10 })));
  fc.assert(
    fc.property(scenario, ([shapes, paths]) => {
      const router = Router.build(shapes.map(trigger));
      // Identical route strings: the last trigger wins, so only those shapes are live.
      const live = new Map<string, { shape: RouteShape; index: number }>();
      shapes.forEach((shape, index) => live.set(routeText(shape), { shape, index }));
      for (const path of paths) {
        const match = router.route(path);
        const candidates = [...live.values()].filter(({ shape }) => matchesAlone(shape, path));
        if (candidates.length === 0) {
          assert.equal(match, null, `${path}: nothing matches on its own, so no match`);
          continue;
        }
        assert.ok(match, `${path}: ${candidates.map((c) => routeText(c.shape)).join(', ')} match on their own`);
        const chosen = [...live.values()].find(({ index }) => `c${index}` === match.trigger.component);
        assert.ok(chosen && candidates.includes(chosen), `${path}: the match ${match.rawRoute} matches on its own`);
        for (const other of candidates) {
          assert.ok(beats(ranks(chosen.shape), ranks(other.shape)) >= 0, `${path}: ${match.rawRoute} is chosen over ${routeText(other.shape)}`);
        }
        if (match.trigger.route.kind === 'path' && match.rawRoute.endsWith('/...')) {
          assert.ok(typeof match.pathInfo === 'string' && (match.pathInfo === '' || match.pathInfo.startsWith('/')), 'path info is empty or absolute');
        }
      }
    }),
    { numRuns: RUNS * 3 },
  );
});

test("the router never throws on arbitrary route strings either: it builds, or fails with Spin's message", () => {
  fc.assert(
    fc.property(
      fc.array(fc.string({ maxLength: 16 }), { minLength: 1, maxLength: 5 }),
      fc.array(fc.string({ maxLength: 24 }), { maxLength: 5 }),
      (routes, paths) => {
        let router: Router;
        try {
          router = Router.build(
            routes.map((route, i) => ({ id: `t${i}`, route: { kind: 'path', route }, component: `c${i}`, executor: { type: 'http' }, line: i + 1 })),
          );
        } catch (error) {
          assert.match((error as Error).message, /^Error parsing route /);
          return;
        }
        for (const path of paths) {
          try {
            router.route(path);
          } catch (error) {
            // routefinder panics on a mid-route wildcard; Spin's request fails the same way.
            assert.match((error as Error).message, /wildcard must currently be the terminal segment/);
          }
        }
      },
    ),
    { numRuns: RUNS * 3 },
  );
});

// ---------------------------------------------------------------------------------------------
// Broken WebAssembly through the loader's binary readers

const wasm = (name: string) => new Uint8Array(readFileSync(new URL(`dist/${name}`, fixtures)));
const COMPONENT = [0x00, 0x61, 0x73, 0x6d, 0x0d, 0x00, 0x01, 0x00];
const CORE = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00];

/** What the loader does with bytes before it transpiles them: it must decide, quickly, without crashing. */
function checkBytes(bytes: Uint8Array): void {
  const started = performance.now();
  const kind = wasmKind(bytes);
  assert.ok(['component', 'core-module', 'not-wasm', 'unknown-version'].includes(kind));
  const described = describeNonComponent(bytes, 'app.wasm');
  assert.ok(described === null || (typeof described === 'string' && described.includes('app.wasm')));
  assert.equal(described === null, kind === 'component', 'only components go on to be read');
  if (kind === 'component') {
    try {
      const world = readComponentWorld(bytes);
      assert.ok(Array.isArray(world.imports) && Array.isArray(world.exports));
    } catch (error) {
      assert.ok(error instanceof WasmFormatError, `a format error, not ${(error as Error)?.constructor?.name}: ${String(error)}`);
    }
  }
  assert.ok(performance.now() - started < 1000, 'decided within a second');
}

const leb = (n: bigint) => {
  const out: number[] = [];
  do {
    let b = Number(n & 0x7fn);
    n >>= 7n;
    if (n) b |= 0x80;
    out.push(b);
  } while (n);
  return out;
};

test('a corpus of bad wasm: truncated, core modules, not wasm, huge length prefixes — each gets a verdict, never a crash', () => {
  const corpus: Uint8Array[] = [
    new Uint8Array(),
    new Uint8Array([0]),
    new Uint8Array(COMPONENT.slice(0, 4)),
    new Uint8Array(COMPONENT),
    new Uint8Array(CORE),
    new Uint8Array([0x00, 0x61, 0x73, 0x6d, 0x02, 0x00, 0x00, 0x00]),
    new TextEncoder().encode('<!doctype html><p>not wasm'),
    new TextEncoder().encode('{"error":"not found"}'),
    new Uint8Array(1 << 20),
    // Sections claiming gigantic sizes, and names with gigantic lengths.
    new Uint8Array([...COMPONENT, 0x0a, ...leb(0xffffffffn)]),
    new Uint8Array([...COMPONENT, 0x0b, ...leb(2n ** 63n)]),
    new Uint8Array([...COMPONENT, 0x0a, 0x05, ...leb(0xfffffffn), 0x00]),
    new Uint8Array([...COMPONENT, 0x0b, 0x06, 0x01, 0x00, ...leb(0x7fffffffn)]),
    new Uint8Array([...COMPONENT, 0x0a, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01]),
    new Uint8Array([...COMPONENT, 0xff, 0x00]),
  ];
  for (const name of ['kv-tiny.wasm', 'trap.wasm', 'multi.wasm', 'spin1-core.wasm', 'kv-path.wasm']) {
    const bytes = wasm(name);
    corpus.push(bytes);
    for (let cut = 0; cut < bytes.length; cut += Math.max(1, Math.floor(bytes.length / 400))) corpus.push(bytes.subarray(0, cut));
  }
  for (const bytes of corpus) checkBytes(bytes);
});

test('random bytes, and real components with random bytes flipped, get a verdict too', () => {
  const component = wasm('kv-tiny.wasm');
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 512 }), (bytes) => checkBytes(bytes)),
    { numRuns: RUNS },
  );
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 256 }), (bytes) => checkBytes(new Uint8Array([...COMPONENT, ...bytes]))),
    { numRuns: RUNS * 3 },
  );
  fc.assert(
    fc.property(fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 8 }), (flips) => {
      const bytes = component.slice();
      for (const [at, value] of flips) bytes[8 + (at % (bytes.length - 8))] = value;
      checkBytes(bytes);
    }),
    { numRuns: RUNS * 3 },
  );
});
