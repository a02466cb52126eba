/**
 * Turns component bytes into something the engine can instantiate once per request:
 * transpile with jco in the browser (cached by content hash; the bundled examples come transpiled
 * at build time), import the glue once, compile each
 * core module once, then `instantiate()` afresh for every request, as Spin does.
 */
import { readComponentWorld, type ComponentWorld } from './component-world';
import { getTranspiled, putTranspiled, sha256Hex, type Transpiled } from './transpile-cache';
import { fetchSeed } from './transpile-seed';
import { GLUE_NAME, transpileOptions } from './transpile-options';

export interface PreparedComponent {
  hash: string;
  world: ComponentWorld;
  /** A fresh instance: the glue's exports object. */
  instantiate(imports: Record<string, unknown>): Promise<Record<string, unknown>>;
  /** How the preparation went, for the log and the bench. */
  stats: { transpileMs: number; fromCache: boolean; compileMs: number; prebuilt?: boolean };
}

type Glue = {
  instantiate(
    getCoreModule: (path: string) => WebAssembly.Module,
    imports: Record<string, unknown>,
  ): Promise<Record<string, unknown>>;
};

/** JSPI needs both halves: `Suspending` for imports and `promising` for exports. */
export function jspiAvailable(): boolean {
  const wasm = WebAssembly as unknown as { Suspending?: unknown; promising?: unknown };
  return typeof wasm.Suspending === 'function' && typeof wasm.promising === 'function';
}

/**
 * How host calls that wait are bridged: `jspi` suspends the guest on a Promise (Chromium 137+);
 * `sync` uses synchronous glue, with waits done by bounded busy-waiting and outbound HTTP by
 * synchronous XMLHttpRequest (browsers without JSPI).
 */
export type AsyncBridge = 'jspi' | 'sync';

/** Prepared components by content hash and bridge: the same bytes are transpiled and compiled once. */
const prepared = new Map<string, Promise<PreparedComponent>>();

export async function prepareComponent(bytes: Uint8Array, bridge: AsyncBridge): Promise<PreparedComponent> {
  const hash = await sha256Hex(bytes);
  const key = `${hash}:${bridge}`;
  let entry = prepared.get(key);
  if (!entry) {
    entry = prepare(bytes, hash, bridge);
    prepared.set(key, entry);
    entry.catch(() => prepared.delete(key));
  }
  return entry;
}

async function prepare(bytes: Uint8Array, hash: string, bridge: AsyncBridge): Promise<PreparedComponent> {
  const world = readComponentWorld(bytes);
  const started = performance.now();
  const cacheKey = `${hash}:${bridge}`;
  let transpiled = await getTranspiled(cacheKey, bytes);
  const fromCache = transpiled !== undefined;
  // The bundled examples were transpiled at build time; the cache stays for everything else.
  const prebuilt = fromCache ? undefined : await fetchSeed(hash, bridge, bytes);
  if (prebuilt) transpiled = prebuilt;
  if (!transpiled) {
    transpiled = await transpile(bytes, bridge);
    void putTranspiled(cacheKey, bytes, transpiled);
  }
  const transpileMs = performance.now() - started;
  const compileStart = performance.now();
  const modules = new Map<string, WebAssembly.Module>();
  let glueSource: Uint8Array | undefined;
  for (const [name, data] of transpiled.files) {
    if (name.endsWith('.wasm')) modules.set(name, await WebAssembly.compile(data as Uint8Array<ArrayBuffer>));
    else if (name === `${GLUE_NAME}.js`) glueSource = data;
  }
  if (!glueSource) throw new Error('jco produced no JavaScript glue');
  const glueUrl = URL.createObjectURL(new Blob([glueSource as Uint8Array<ArrayBuffer>], { type: 'text/javascript' }));
  const glue = (await import(/* @vite-ignore */ glueUrl)) as Glue;
  URL.revokeObjectURL(glueUrl);
  const compileMs = performance.now() - compileStart;
  const getCoreModule = (path: string) => {
    const module = modules.get(path);
    if (!module) throw new Error(`jco glue asked for an unknown core module ${path}`);
    return module;
  };
  return {
    hash,
    world,
    stats: { transpileMs, fromCache: fromCache || prebuilt !== undefined, prebuilt: prebuilt !== undefined, compileMs },
    instantiate: (imports) => glue.instantiate(getCoreModule, imports),
  };
}

async function transpile(bytes: Uint8Array, bridge: AsyncBridge): Promise<Transpiled> {
  // Loaded only on a cache miss: its 3.4 MB wasm would otherwise be fetched and compiled on every
  // start, competing for the CPU with the load that needs none of it (BENCHMARKS.md, start-up).
  const { $init, generate } = await import('@bytecodealliance/jco-transpile/component');
  await $init;
  const output = generate(bytes, transpileOptions(bridge));
  return { files: output.files, imports: output.imports, exports: output.exports };
}
