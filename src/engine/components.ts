/**
 * Turns component bytes into something the engine can instantiate once per request:
 * transpile with jco in the browser (cached by content hash; the bundled examples come transpiled
 * at build time), import the glue once, compile each
 * core module once, then `instantiate()` afresh for every request, as Spin does.
 */
import { readComponentWorld, type ComponentWorld } from './component-world';
import { sha256Hex } from '../bytes/sha256';
import { getTranspiled, putTranspiled, type Transpiled } from './transpile-cache';
import { GLUE_NAME, transpileOptions, type Bridge } from './transpile-options';
import { IMAGE_MEMORY_IMPORT, splitMemoryImage } from './memory-image';
import { MemoryPool } from './memory-pool';
import { memoryCeilingBytes } from './limits';
import { rewriteGlue } from './glue-rewrites';
import { fetchSeed } from './transpile-seed';

export interface PreparedComponent {
  hash: string;
  world: ComponentWorld;
  /** A fresh instance: the glue's exports object. */
  instantiate(imports: Record<string, unknown>): Promise<Record<string, unknown>>;
  /** The instance `exports` came from will never run again: its memories may be reused (memory-pool.ts). */
  release?(exports: Record<string, unknown>): void;
  /** How the preparation went, for the log and the bench. */
  stats: { transpileMs: number; fromCache: boolean; compileMs: number; prebuilt?: boolean; glueRewrite?: GlueRewrite };
}

type Glue = {
  instantiate(
    getCoreModule: (path: string) => WebAssembly.Module,
    imports: Record<string, unknown>,
    instantiateCore?: (module: WebAssembly.Module, imports?: WebAssembly.Imports) => WebAssembly.Instance,
  ): Promise<Record<string, unknown>> | Record<string, unknown>;
};

/** JSPI needs both halves: `Suspending` for imports and `promising` for exports. */
export function jspiAvailable(): boolean {
  const wasm = WebAssembly as unknown as { Suspending?: unknown; promising?: unknown };
  return typeof wasm.Suspending === 'function' && typeof wasm.promising === 'function';
}

/** Prepared components by content hash and bridge: the same bytes are transpiled and compiled once. */
const prepared = new Map<string, Promise<PreparedComponent>>();

export async function prepareComponent(bytes: Uint8Array, bridge: Bridge): Promise<PreparedComponent> {
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

async function prepare(bytes: Uint8Array, hash: string, bridge: Bridge): Promise<PreparedComponent> {
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
  const pools = new Map<WebAssembly.Module, MemoryPool>();
  let glueSource: Uint8Array | undefined;
  for (const [name, data] of transpiled.files) {
    if (name.endsWith('.wasm')) {
      const split = splitMemoryImage(data);
      const module = await WebAssembly.compile((split?.module ?? data) as Uint8Array<ArrayBuffer>);
      if (split) pools.set(module, new MemoryPool(split.image, memoryCeilingBytes()));
      modules.set(name, module);
    } else if (name === `${GLUE_NAME}.js`) glueSource = data;
  }
  if (!glueSource) throw new Error('jco produced no JavaScript glue');
  const { source: glueRun, glueRewrite } = glueToRun(glueSource);
  const glueUrl = URL.createObjectURL(new Blob([glueRun as Uint8Array<ArrayBuffer>], { type: 'text/javascript' }));
  const glue = (await import(/* @vite-ignore */ glueUrl)) as Glue;
  URL.revokeObjectURL(glueUrl);
  const compileMs = performance.now() - compileStart;
  const getCoreModule = (path: string) => {
    const module = modules.get(path);
    if (!module) throw new Error(`jco glue asked for an unknown core module ${path}`);
    return module;
  };
  // Each instance's pooled memories, handed back by `release`.
  const taken = new WeakMap<object, Array<[MemoryPool, WebAssembly.Memory]>>();
  return {
    hash,
    world,
    stats: { transpileMs, fromCache: fromCache || prebuilt !== undefined, prebuilt: prebuilt !== undefined, compileMs, glueRewrite },
    instantiate: async (imports) => {
      const memories: Array<[MemoryPool, WebAssembly.Memory]> = [];
      // Core instances are made synchronously (allowed in a Worker): the glue then runs its whole
      // instantiation in one go, with no task of another request in between.
      const instantiateCore = (module: WebAssembly.Module, coreImports: WebAssembly.Imports = {}) => {
        const pool = pools.get(module);
        if (!pool) return new WebAssembly.Instance(module, coreImports);
        const memory = pool.take();
        memories.push([pool, memory]);
        return new WebAssembly.Instance(module, { ...coreImports, [IMAGE_MEMORY_IMPORT.module]: { [IMAGE_MEMORY_IMPORT.name]: memory } });
      };
      // A failed instantiation's memories are never given back, so never reused.
      const exports = await glue.instantiate(getCoreModule, imports, instantiateCore);
      taken.set(exports, memories);
      return exports;
    },
    release: (exports) => {
      for (const [pool, memory] of taken.get(exports) ?? []) pool.give(memory);
      taken.delete(exports);
    },
  };
}

async function transpile(bytes: Uint8Array, bridge: Bridge): Promise<Transpiled> {
  // Loaded only on a cache miss: its 3.4 MB wasm would otherwise be fetched and compiled on every
  // start, competing for the CPU with the load that needs none of it (BENCHMARKS.md, start-up).
  const { $init, generate } = await import('@bytecodealliance/jco-transpile/component');
  await $init;
  const output = generate(bytes, transpileOptions(bridge));
  return { files: output.files, imports: output.imports, exports: output.exports };
}

type GlueRewrite = { applied: string[]; problem: string | null };

/**
 * jco's glue as it runs here: WASI 0.3 glue gets glue-rewrites.ts's edits. They are made on every
 * load (a few ms of string edits, only for glue with the stream runtime) rather than stored, so the
 * transpile cache and the build-time transpiles hold jco's own output and never go stale when the
 * edits change.
 */
function glueToRun(source: Uint8Array): { source: Uint8Array; glueRewrite: GlueRewrite } {
  const result = rewriteGlue(new TextDecoder().decode(source));
  const glueRewrite = { applied: result.applied, problem: result.problem };
  return { source: result.applied.length > 0 ? new TextEncoder().encode(result.source) : source, glueRewrite };
}
