/**
 * The transpile-time edits to jco's WASI 0.3 stream runtime (src/engine/glue-rewrites.ts): real
 * jco-transpile output for the built p3-echo fixture gets every edit, and the edited glue echoes
 * arbitrary bytes exactly, through the engine's own p3 host and executor. Glue without the stream
 * runtime is left alone, and glue of another shape is left as jco made it, with the reason.
 *
 * Node 20 has no JSPI. The echo fixture never suspends inside a host call (its host calls are
 * synchronous; it waits by returning WAIT to the glue's event loop), so `WebAssembly.promising`
 * can stand in as a plain async wrapper; the `Suspending` stand-in fails the test if any import
 * it wraps returns a Promise, which only real JSPI could wait for.
 */
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { register } from 'node:module';
import { pathToFileURL } from 'node:url';
import { $init, generate } from '@bytecodealliance/jco-transpile/component';
import { EDITS, rewriteGlue, TRAP_AFTER_RETURN_IMPORT } from '../../src/engine/glue-rewrites.ts';
import { GLUE_NAME, transpileOptions } from '../../src/engine/transpile-options.ts';

// The p3 host imports wasi-http.ts, which runs on preview2-shim's browser `io` build, as in the engine.
register('../support/browser-io-shim.mjs', import.meta.url);
const { createWasiHttpTypesP3 } = await import('../../src/host/wasi-http-p3.ts');
const { findP3Handler, startP3Handler } = await import('../../src/engine/executors/wasi-http-p3.ts');

const fixtures = new URL('../fixtures/dist/', import.meta.url).pathname;
const wasm = WebAssembly as unknown as { Suspending?: unknown; promising?: unknown };
wasm.Suspending ??= class {
  // The stand-in is called with `new`, as JSPI's Suspending is, and must give back a plain function.
  constructor(fn: (...args: unknown[]) => unknown) {
    // biome-ignore lint/correctness/noConstructorReturn: see above
    return (...args: unknown[]) => {
      const result = fn(...args);
      if (result && typeof (result as { then?: unknown }).then === 'function') throw new Error('a host call suspended, which needs real JSPI');
      return result;
    };
  }
};
wasm.promising ??=
  (fn: (...args: unknown[]) => unknown) =>
  async (...args: unknown[]) =>
    fn(...args);

interface Transpiled {
  glue: string;
  modules: Map<string, WebAssembly.Module>;
}
let echo: Transpiled;

function transpile(file: string): Transpiled {
  const { files } = generate(readFileSync(join(fixtures, file)), transpileOptions('jspi'));
  const glue = files.find(([name]) => name === `${GLUE_NAME}.js`);
  assert.ok(glue, 'jco produced glue');
  const cores = files.filter(([name]) => name.endsWith('.wasm'));
  const modules = new Map(cores.map(([name, data]) => [name, new WebAssembly.Module(data as Uint8Array<ArrayBuffer>)]));
  return { glue: new TextDecoder().decode(glue[1]), modules };
}

before(async () => {
  await $init;
  echo = transpile('p3-echo.wasm');
});

/** Import `glue` as a module and make one instance of the echo component with the engine's p3 host. */
async function instantiate(glue: string, modules: Map<string, WebAssembly.Module>, extra: Record<string, unknown> = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'glue-rewrites-'));
  try {
    writeFileSync(join(dir, 'glue.mjs'), glue);
    const module = (await import(pathToFileURL(join(dir, 'glue.mjs')).href)) as {
      instantiate(get: (path: string) => WebAssembly.Module, imports: Record<string, unknown>): Promise<Record<string, unknown>>;
    };
    return await module.instantiate((path) => modules.get(path)!, {
      'wasi:http/types': createWasiHttpTypesP3(),
      'wasi:cli/environment': { getEnvironment: () => [] },
      ...extra,
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** POST `body` to the instance and collect the streamed response body. */
async function post(exports: Record<string, unknown>, body: Uint8Array) {
  const init = { method: 'POST', pathWithQuery: '/echo', scheme: 'http' as const, authority: 'localhost', headers: [], body };
  const run = startP3Handler(findP3Handler(exports), init);
  const head = await run.head;
  assert.ok(head, 'the echo answered with a head');
  const chunks: Uint8Array[] = [];
  if (head.body) {
    chunks.push(...head.body.chunks);
    head.body.onChunk = (chunk) => chunks.push(chunk);
  }
  const outcome = await run.done;
  return { status: head.status, headers: head.headers.map(([n, v]) => `${n}: ${new TextDecoder().decode(v)}`), outcome, bytes: Buffer.concat(chunks) };
}

/** Arbitrary bytes (xorshift32), every value 0..255 many times over. */
function arbitraryBytes(length: number, seed: number): Uint8Array {
  const out = new Uint8Array(length);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
}

test('real jco output for a WASI 0.3 component gets every stream edit', () => {
  // p3-kv has every optional part: it reads a host stream and calls async host functions.
  const kv = transpile('p3-kv.wasm');
  const all = rewriteGlue(kv.glue);
  assert.equal(all.problem, null);
  assert.deepEqual(
    all.applied,
    EDITS.map((e) => e.name),
  );
  assert.match(kv.glue, /resolve\(res\);\s*\} catch \(err\) \{\s*reject\(err\);\s*\}\s*\}, 0\);/, "jco hands an async import's result back on a timer");
  assert.doesNotMatch(all.source, /resolve\(res\);\s*\} catch \(err\) \{\s*reject\(err\);\s*\}\s*\}, 0\);/);
  // The echo's host calls are all synchronous: jco lowers no async import with a timer there.
  const result = rewriteGlue(echo.glue);
  assert.equal(result.problem, null);
  assert.deepEqual(
    result.applied,
    EDITS.map((e) => e.name).filter((name) => name !== 'import result on the next task'),
  );
  assert.notEqual(result.source, echo.glue);
  // jco's element-by-element copies and polling timers are gone from the stream runtime.
  assert.doesNotMatch(result.source, /Array\.from\(new Uint8Array\(this\.#memory\.buffer/);
  assert.doesNotMatch(result.source, /this\.#hostOnlyData\.concat\(values\)/);
  assert.doesNotMatch(result.source, /setTimeout\(resolve, delay\)/);
  assert.doesNotMatch(result.source, /let waitInterval = setInterval/);
  assert.match(result.source, /added by Spin Playground \(src\/engine\/glue-rewrites\.ts\)/);
});

test('glue without the host-to-guest stream writer (the Spin 4 template shape) gets every other edit', () => {
  // The template's handler never reads a stream the host writes, so jco leaves that part out. The
  // whole rewrite used to be abandoned then, and such apps waited on jco's 10 ms scheduler tick.
  const template = transpile('spin4-template.wasm');
  assert.doesNotMatch(template.glue, /class PendingValueQueue \{/);
  const result = rewriteGlue(template.glue);
  assert.equal(result.problem, null);
  const expected = ['import result on the next task', 'queue takes bytes', 'inject collects bytes', 'inject drains bytes', 'cancel drains bytes'];
  assert.deepEqual(
    result.applied,
    EDITS.map((e) => e.name).filter((name) => !expected.includes(name)),
  );
  assert.match(template.glue, /this\.#tickLoop = null;\s*\}, 10\);/, "jco's own scheduler starts after 10 ms");
  assert.doesNotMatch(result.source, /this\.#tickLoop = null;\s*\}, 10\);/);
  assert.doesNotMatch(result.source, /let waitInterval = setInterval/);
});

test('an edit of a part the glue lacks must not match either', () => {
  const glue = `class ManagedBuffer {}\nexport function instantiate() {}\n drainInto(target, maxCount) {`;
  const edit = EDITS.find((e) => e.name === 'queue takes bytes');
  assert.ok(edit?.part, 'the queue edit belongs to the host writer part');
  const result = rewriteGlue(glue, [edit]);
  assert.equal(result.source, glue);
  assert.match(String(result.problem), /"queue takes bytes" expects \(0 matches, found 1\)/);
});

test('the rewritten glue echoes 1 MiB of arbitrary bytes exactly, in byte chunks, and again on the same instance', async () => {
  const exports = await instantiate(rewriteGlue(echo.glue).source, echo.modules);
  for (const [size, seed] of [
    [1 << 20, 7],
    [1, 3],
    [0, 1],
    [65_537, 11],
  ] as const) {
    const body = arbitraryBytes(size, seed);
    const response = await post(exports, body);
    assert.deepEqual(response.outcome, {}, `POST of ${size} bytes ends cleanly`);
    assert.equal(response.status, 200);
    assert.deepEqual(response.headers, ['x-echo: p3']);
    assert.equal(response.bytes.length, size, `POST of ${size} bytes: length`);
    assert.ok(response.bytes.equals(body), `POST of ${size} bytes: the same bytes`);
  }
});

test("the rewritten glue answers exactly as jco's own glue does", async () => {
  const body = arbitraryBytes(70_000, 5);
  const mine = await post(await instantiate(rewriteGlue(echo.glue).source, echo.modules), body);
  const jcos = await post(await instantiate(echo.glue, echo.modules), body);
  assert.deepEqual({ ...mine, bytes: mine.bytes.toString('base64') }, { ...jcos, bytes: jcos.bytes.toString('base64') });
  assert.ok(jcos.bytes.equals(body));
});

test('a trap in a callback after task.return reaches the host through the trap hook', async () => {
  const stream = transpile('p3-stream.wasm');
  const run = async (glue: string) => {
    const heard: unknown[] = [];
    const exports = await instantiate(glue, stream.modules, {
      // /trap never waits on the clock; a call would fail the Suspending stand-in.
      'wasi:clocks/monotonic-clock': { waitFor: () => Promise.reject(new Error('not called')) },
      [TRAP_AFTER_RETURN_IMPORT]: (error: unknown) => heard.push(error),
    });
    const init = { method: 'GET', pathWithQuery: '/trap', scheme: 'http' as const, authority: 'localhost', headers: [], body: new Uint8Array() };
    const handler = startP3Handler(findP3Handler(exports), init);
    const head = await handler.head;
    assert.ok(head?.body, 'a head with a body');
    const first = await new Promise<Uint8Array>((resolve) => {
      if (head.body!.chunks.length) resolve(head.body!.chunks[0]!);
      else head.body!.onChunk = resolve;
    });
    // The guest traps once its first chunk is taken; give its callback a few turns to run.
    for (let i = 0; i < 20 && heard.length === 0; i++) await new Promise((resolve) => setTimeout(resolve, 10));
    return { status: head.status, first: new TextDecoder().decode(first), heard };
  };
  const mine = await run(rewriteGlue(stream.glue).source);
  assert.equal(mine.status, 200);
  assert.equal(mine.first, 'request 1 chunk 1\n');
  assert.equal(mine.heard.length, 1);
  assert.ok(mine.heard[0] instanceof WebAssembly.RuntimeError, String(mine.heard[0]));
  assert.match(String(mine.heard[0]), /unreachable/);
  // (jco's own glue would hear nothing, and its host read would poll with setInterval for ever,
  // which keeps Node from exiting: that half is shown in the browser, test/browser/spin4-edge.)
});

test('glue without the WASI 0.3 stream runtime (a WASI 0.2 component) is left alone, without a complaint', () => {
  const { glue } = transpile('kv-tiny.wasm');
  const result = rewriteGlue(glue);
  assert.deepEqual(result, { source: glue, applied: [], problem: null });
});

test('glue of another shape is left as jco made it, and the reason names the edit and the count', () => {
  const changed = echo.glue.replace('this.#pendingEventFn = fn;', 'this.#pendingEventFn = fn ;;');
  assert.notEqual(changed, echo.glue, 'the test changed the glue');
  const result = rewriteGlue(changed);
  assert.equal(result.source, changed);
  assert.deepEqual(result.applied, []);
  assert.match(result.problem ?? '', /stream rewrite "notify on event" expects \(1 matches, found 0\)/);
  assert.match(result.problem ?? '', /element-by-element code/);

  const doubled = echo.glue.replace('drainInto(target, maxCount) {', 'drainInto(target, maxCount) {}\n    drainInto(target, maxCount) {');
  assert.match(rewriteGlue(doubled).problem ?? '', /"queue takes bytes" expects \(1 matches, found 2\)/);
});
