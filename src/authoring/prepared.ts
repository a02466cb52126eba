/**
 * Serving an authored component without transpiling it: the glue of a j2w build of the template
 * world (made once at build time, public/authoring/glue.*.js) is the same for every script, and so
 * are its small core modules; only the main core module differs (docs/authoring.md §3). So the glue
 * is imported once per bridge, its small cores compiled once, and each build's core module is
 * handed to the glue's `instantiate()` through `getCoreModule`.
 *
 * The result matches the engine's `PreparedComponent` (src/engine/components.ts).
 *
 * One difference from the j2w build's main core is bridged here: the native pipeline runs the
 * splicer's `stubWasi` after Wizer, which turns the imports the world does not provide (WASI
 * preview1 filesystem calls, `proc_exit`, `random_get`, `wasi:sockets/*`) into functions that
 * trap with `unreachable`. The page's core keeps them as imports, so the main core's instance gets
 * functions that trap the same way (`withUnreachableStubs`). The exported component
 * (export.ts) is stubbed as the native build is.
 */
import type { PreparedComponent } from '../engine/components';
import type { Bridge } from '../engine/transpile-options';
import type { AuthoredCores } from '../engine/authored-cores';
import type { ComponentWorld } from '../engine/component-world';
import { fetchArtifacts, type ArtifactSource, type AuthoringManifest } from './manifest';
import { readExports, SectionId } from '../wasm/core-module';
import { readSections } from '../wasm/sections';
import { toBase64 } from '../bytes/base64';
import { sha256Hex } from '../bytes/sha256';

type Glue = {
  instantiate(
    getCoreModule: (path: string) => WebAssembly.Module,
    imports: Record<string, unknown>,
    instantiateCore?: (module: WebAssembly.Module, imports?: WebAssembly.Imports) => Promise<WebAssembly.Instance>,
  ): Promise<Record<string, unknown>>;
};

export interface GlueTemplate {
  manifest: AuthoringManifest;
  bridge: Bridge;
  glue: Glue;
  /** The small core modules, compiled. */
  cores: Map<string, WebAssembly.Module>;
}

/** Imports an ES module from its source text: a Blob URL in browsers and Workers, a data: URL in Node. */
export async function importModuleSource(source: string): Promise<unknown> {
  const node = (globalThis as { process?: { versions?: { node?: string } } }).process?.versions?.node;
  if (node !== undefined && typeof document === 'undefined')
    return import(/* @vite-ignore */ `data:text/javascript;base64,${toBase64(new TextEncoder().encode(source))}`);
  const url = URL.createObjectURL(new Blob([source], { type: 'text/javascript' }));
  try {
    return await import(/* @vite-ignore */ url);
  } finally {
    URL.revokeObjectURL(url);
  }
}

const templates = new Map<string, Promise<GlueTemplate>>();

/** The glue template for `bridge`, loaded and compiled once per artifact set. */
export function loadGlueTemplate(
  source: ArtifactSource,
  bridge: Bridge,
  importModule: (source: string) => Promise<unknown> = importModuleSource,
): Promise<GlueTemplate> {
  const key = `${source.manifest.hash}:${bridge}`;
  let entry = templates.get(key);
  if (!entry) {
    entry = (async () => {
      const manifest = source.manifest;
      const [glueSource, ...cores] = await Promise.all([
        source.text(manifest.glue[bridge]),
        ...manifest.cores.map(async (name) => [name, await WebAssembly.compile((await source.bytes(name)) as Uint8Array<ArrayBuffer>)] as const),
      ]);
      const glue = (await importModule(glueSource as string)) as Glue;
      if (typeof glue.instantiate !== 'function') throw new Error(`${manifest.glue[bridge]} has no instantiate()`);
      return { manifest, bridge, glue, cores: new Map(cores as Array<readonly [string, WebAssembly.Module]>) };
    })();
    templates.set(key, entry);
    entry.catch(() => templates.delete(key));
  }
  return entry;
}

export interface AuthoredComponentOptions {
  /** Identifies the build (e.g. a hash of the core module); computed when absent. */
  hash?: string;
  /** Already compiled main core (e.g. compiled while the response to the build was posted). */
  compiled?: WebAssembly.Module;
}

/** A `PreparedComponent` for a core module made by the in-page builder. */
export async function prepareAuthoredComponent(
  template: GlueTemplate,
  coreModule: Uint8Array,
  options: AuthoredComponentOptions = {},
): Promise<PreparedComponent> {
  const compileStart = performance.now();
  const main = options.compiled ?? (await WebAssembly.compile(coreModule as Uint8Array<ArrayBuffer>));
  const compileMs = performance.now() - compileStart;
  const hash = options.hash ?? (await sha256Hex(coreModule));
  const mainName = template.manifest.mainCore;
  const getCoreModule = (path: string) => {
    if (path === mainName) return main;
    const module = template.cores.get(path);
    if (!module) throw new Error(`the glue template asked for an unknown core module ${path}`);
    return module;
  };
  const instantiateCore = (module: WebAssembly.Module, imports?: WebAssembly.Imports) =>
    WebAssembly.instantiate(module, module === main ? withUnreachableStubs(module, imports ?? {}) : imports);
  return {
    hash: `authored:${hash}`,
    world: { imports: [...template.manifest.world.imports], exports: [...template.manifest.world.exports] },
    stats: { transpileMs: 0, fromCache: true, compileMs },
    instantiate: (imports) => template.glue.instantiate(getCoreModule, imports, instantiateCore),
  };
}

const missingByModule = new WeakMap<WebAssembly.Module, Array<{ module: string; name: string }>>();

/** `imports` plus a trapping function for every function import of `module` it lacks. */
export function withUnreachableStubs(module: WebAssembly.Module, imports: WebAssembly.Imports): WebAssembly.Imports {
  let wanted = missingByModule.get(module);
  if (!wanted) {
    wanted = WebAssembly.Module.imports(module)
      .filter((i) => i.kind === 'function')
      .map(({ module: m, name }) => ({ module: m, name }));
    missingByModule.set(module, wanted);
  }
  let out: WebAssembly.Imports | undefined;
  for (const { module: m, name } of wanted) {
    if (imports[m]?.[name] !== undefined) continue;
    out ??= Object.fromEntries(Object.entries(imports).map(([k, v]) => [k, { ...v }]));
    (out[m] ??= {})[name] = () => {
      throw new WebAssembly.RuntimeError(`unreachable (${m}#${name} is not available to this component, as in the native build)`);
    };
  }
  return out ?? imports;
}

let defaultArtifacts: Promise<ArtifactSource> | undefined;

/**
 * The engine's entry point: a `PreparedComponent` for core module bytes from `buildJsComponent`,
 * with the glue template of this page's artifacts (public/authoring/, fetched and compiled once).
 */
export async function prepareAuthored(
  coreModule: Uint8Array,
  bridge: Bridge,
  options: AuthoredComponentOptions & { artifacts?: ArtifactSource } = {},
): Promise<PreparedComponent> {
  let artifacts = options.artifacts;
  if (!artifacts) {
    defaultArtifacts ??= fetchArtifacts();
    defaultArtifacts.catch(() => (defaultArtifacts = undefined));
    artifacts = await defaultArtifacts;
  }
  return prepareAuthoredComponent(await loadGlueTemplate(artifacts, bridge), coreModule, options);
}

/**
 * Whether `bytes` is a core module made by the in-page builder (a pre-initialised StarlingMonkey
 * engine: it exports componentize-js's `check_init`, Wizer's `wizer.resume` and the wasi:http
 * handler), so the engine can serve it with `prepareAuthored` instead of treating it as a Spin 1
 * core module. Reads only the module's section headers and export section.
 */
export function isAuthoredCore(bytes: Uint8Array): boolean {
  try {
    const exports = readExports(readSections(bytes, 'core-module').find((s) => s.id === SectionId.export)).map((e) => e.name);
    return exports.includes('check_init') && exports.includes('wizer.resume') && exports.some((n) => n.startsWith('wasi:http/incoming-handler@0.2.'));
  } catch {
    return false;
  }
}

/**
 * What the engine needs to serve authored cores (engine/authored-cores.ts), injected by the engine
 * Worker's entry. It remembers the template world of the last core it prepared (public/authoring/
 * manifest.json), which the Files panel shows for such a core.
 */
export function authoredCores(): AuthoredCores {
  let world: ComponentWorld | undefined;
  return {
    isAuthoredCore,
    world: () => world,
    async prepare(coreModule, bridge) {
      const prepared = await prepareAuthored(coreModule, bridge);
      world = prepared.world;
      return prepared;
    },
  };
}
