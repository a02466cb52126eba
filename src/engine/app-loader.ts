/**
 * Load time: from an app bundle to something that can serve requests, with every check `spin up`
 * makes before it serves (manifest, sources, digests, exports, imports, outbound hosts), each
 * failing with a message that names the component, the file and, where known, the line.
 */
import { parseManifest } from '../manifest/parse';
import type { SpinApp, SpinComponent } from '../manifest/types';
import type { AppBundle, LogEntry } from '../protocol/messages';
import { unsupportedImports } from '../host/imports';
import { handlerKind } from '../host/interfaces';
import { parseAllowedHosts, type AllowedHost } from '../host/allowed-hosts';
import { resolveComponentVariables, type VariableResolver } from '../host/variables';
import { Router } from './router';
import { prepareComponent, type PreparedComponent } from './components';
import type { Bridge } from './transpile-options';
import { describeNonComponent, wasmKind } from './wasm-kind';
import { readComponentWorld } from './component-world';
import { LimitError, parseRange, SPIN4_INSTANCE_LIMITS, type InstanceLimits, type InstancePool } from './instance-pool';
import { isSpin1CoreModule } from './executors/spin1-core';
import type { SpareInstances } from './spare-instance';
import { NO_AUTHORED_CORES, type AuthoredCores } from './authored-cores';
import { sha256Digest } from '../bytes/sha256';
import { formatBytes } from '../bytes/size';
import { MountError, planMounts, toFileTree, type FileTree } from './file-mounts';
import { CLOUD_KV_LIMITS, KvLimits } from '../host/key-value-limits';
import { getOwn } from '../protocol/own-keys';

export interface LoadedComponent {
  /**
   * How requests reach it: a WASI 0.2 HTTP handler, a WASI 0.3 (Spin 4) HTTP handler, a Spin 1
   * `inbound-http` component, or a Spin 1 core module.
   */
  kind: 'wasi-http' | 'wasi-http-p3' | 'spin1-component' | 'spin1-core';
  component: SpinComponent;
  /** For components: transpiled and compiled, ready to instantiate. */
  prepared?: PreparedComponent;
  /** For Spin 1 core modules: the compiled module. */
  coreModule?: WebAssembly.Module;
  /** The component's variables, resolved against the app's `[variables]` and the values set. */
  variables: VariableResolver;
  /** Mounted files by guest path (Spin 1 core modules take them as a map). */
  mounts?: Map<string, Uint8Array>;
  allowedHosts: AllowedHost[];
  /** The component's `files`, mounted read-only at `/`; undefined when it has none. */
  files?: FileTree;
  /** WASI 0.3 components: Spin 4's instance limits, and the pool made on the first request. */
  instanceLimits?: InstanceLimits;
  pool?: InstancePool<unknown>;
  /** WASI 0.2 components: the instance made ahead for the next request (spare-instance.ts). */
  spares?: SpareInstances<unknown>;
}

export interface LoadedApp {
  app: SpinApp;
  router: Router;
  components: Map<string, LoadedComponent>;
  /** This load's key-value limits (Cloud limits on or off; warnings once per load). */
  kvLimits: KvLimits;
}

/** Drop the instances an app keeps (WASI 0.3 pools, WASI 0.2 spares) when another app replaces it. */
export function closeApp(app: LoadedApp): void {
  for (const entry of app.components.values()) {
    entry.pool?.close();
    entry.spares?.close();
  }
}

export class LoadError extends Error {
  constructor(
    message: string,
    readonly where: { file?: string; line?: number; column?: number } = {},
  ) {
    super(message);
  }
}

type Log = (entry: Omit<LogEntry, 'time'>) => void;

export async function loadApp(bundle: AppBundle, log: Log, bridge: Bridge, authoredCores: AuthoredCores = NO_AUTHORED_CORES): Promise<LoadedApp> {
  const parsed = parseManifest(bundle.manifestText);
  if (!parsed.ok) {
    const first = parsed.errors[0]!;
    const all = parsed.errors.map((e) => `line ${e.line}, column ${e.column}: ${e.message}`).join('\n');
    throw new LoadError(all, { file: 'spin.toml', line: first.line, column: first.column });
  }
  const app = parsed.app;
  const instanceLimits = parseInstanceLimits(bundle);
  for (const warning of app.warnings) log({ level: 'warn', source: 'manifest', message: `spin.toml line ${warning.line}: ${warning.message}` });
  let router: Router;
  try {
    router = Router.build(app.triggers);
  } catch (error) {
    throw new LoadError(error instanceof Error ? error.message : String(error), { file: 'spin.toml' });
  }
  if (router.duplicates.length > 0) {
    const lines = router.duplicates.map((d) => `  ${d.id}: ${d.route} (duplicate of ${d.duplicateOf})`);
    log({ level: 'warn', source: 'router', message: ['The following component routes are duplicates and will never be used:', ...lines].join('\n') });
  }
  const components = new Map<string, LoadedComponent>();
  // Every component a trigger names is loaded, private ones included (they serve service chaining).
  const used = new Set(app.triggers.flatMap((t) => (t.component ? [t.component] : [])));
  await Promise.all(
    [...used].map(async (id) => {
      const component = app.components[id];
      if (!component) throw new LoadError(`a trigger names component "${id}", which the manifest does not define`, { file: 'spin.toml' });
      const provided = bundle.variables ?? {};
      const variables = resolveVariables(app, component, provided);
      const allowedHosts = parseHosts(app, component, provided);
      const mounts = mountFiles(component, bundle);
      const loaded = await prepareOne(component, bundle, log, bridge, authoredCores);
      components.set(id, {
        ...loaded,
        component,
        variables,
        allowedHosts,
        ...(mounts ? { mounts, files: toFileTree(mounts) } : {}),
        ...(loaded.kind === 'wasi-http-p3' ? { instanceLimits } : {}),
      });
    }),
  );
  for (const [id, { component }] of components) {
    for (const label of component.keyValueStores) {
      if (label !== 'default') {
        log({
          level: 'info',
          source: id,
          message: `key-value store "${label}" is created in the browser; spin up would need it defined in runtime-config.toml`,
        });
      }
    }
  }
  const kvLimits = new KvLimits(bundle.limits?.cloudLimits === true, log);
  const tooManyStores = kvLimits.checkStores(new Map([...components].map(([id, { component }]) => [id, component.keyValueStores])));
  if (tooManyStores) throw new LoadError(tooManyStores, { file: 'spin.toml' });
  if (kvLimits.cloud) {
    const { keyBytes, valueBytes, keysPerStore, stores } = CLOUD_KV_LIMITS;
    log({
      level: 'info',
      source: 'loader',
      message:
        `Fermyon Cloud limits are on: keys up to ${keyBytes} bytes, values up to ${valueBytes} bytes, ${keysPerStore} keys per store, ` +
        `${stores} stores (spin up enforces none)`,
    });
  }
  return { app, router, components, kvLimits };
}

/** `?instanceReuse=` and friends, or `limits.*` in a bundle; Spin 4's defaults otherwise. */
function parseInstanceLimits(bundle: AppBundle): InstanceLimits {
  const limits = bundle.limits ?? {};
  try {
    return {
      reuse: limits.instanceReuse === undefined ? SPIN4_INSTANCE_LIMITS.reuse : parseRange(limits.instanceReuse, 'instanceReuse', 1),
      concurrency:
        limits.instanceConcurrency === undefined ? SPIN4_INSTANCE_LIMITS.concurrency : parseRange(limits.instanceConcurrency, 'instanceConcurrency', 1),
      idleTimeoutMs:
        limits.idleInstanceTimeoutMs === undefined
          ? SPIN4_INSTANCE_LIMITS.idleTimeoutMs
          : parseRange(limits.idleInstanceTimeoutMs, 'idleInstanceTimeout (ms)', 0),
    };
  } catch (error) {
    if (error instanceof LimitError)
      throw new LoadError(`instance limits (?instanceReuse=, ?instanceConcurrency=, ?idleInstanceTimeout= or the bundle's limits): ${error.message}`);
    throw error;
  }
}

function mountFiles(component: SpinComponent, bundle: AppBundle): Map<string, Uint8Array> | undefined {
  if (component.files.length === 0) return undefined;
  try {
    return planMounts(component, bundle.files);
  } catch (error) {
    if (error instanceof MountError) throw new LoadError(error.message, { file: 'spin.toml', line: component.line, column: 1 });
    throw error;
  }
}

function resolveVariables(app: SpinApp, component: SpinComponent, provided: Record<string, string>): VariableResolver {
  try {
    return resolveComponentVariables(app, component.id, provided);
  } catch (error) {
    throw new LoadError(`component "${component.id}": ${error instanceof Error ? error.message : String(error)}`, {
      file: 'spin.toml',
      line: component.line,
      column: 1,
    });
  }
}

/** `{{ name }}` in an allowed host is filled from the app's variables, as Spin resolves it at startup. */
function expandTemplate(app: SpinApp, provided: Record<string, string>, text: string): string {
  return text.replace(/\{\{\s*([a-z0-9_]+)\s*\}\}/g, (_, name: string) => {
    const value = provided[name] ?? app.variables[name]?.default;
    if (value === undefined) throw new Error(`no provider resolved required variable "${name}"`);
    return value;
  });
}

function parseHosts(app: SpinApp, component: SpinComponent, provided: Record<string, string>): AllowedHost[] {
  try {
    return parseAllowedHosts(component.allowedOutboundHosts.map((h) => expandTemplate(app, provided, h)));
  } catch (error) {
    throw new LoadError(`component "${component.id}": invalid allowed_outbound_hosts: ${error instanceof Error ? error.message : String(error)}`, {
      file: 'spin.toml',
      line: component.line,
      column: 1,
    });
  }
}

type Prepared = Pick<LoadedComponent, 'kind' | 'prepared' | 'coreModule'>;

async function prepareOne(component: SpinComponent, bundle: AppBundle, log: Log, bridge: Bridge, authoredCores: AuthoredCores): Promise<Prepared> {
  const where = { file: 'spin.toml', line: component.line, column: 1 };
  const source = component.source;
  if (source.kind === 'registry') {
    throw new LoadError(
      `component "${component.id}": registry (OCI) sources like ${source.package}@${source.version} are not supported in the browser; use a file ` +
        `or { url, digest } source`,
      where,
    );
  }
  const key = source.kind === 'file' ? source.path : source.url;
  const buffer = getOwn(bundle.files, key);
  if (!buffer) throw new LoadError(`component "${component.id}": its source ${key} was not provided`, where);
  const bytes = new Uint8Array(buffer);
  if (source.kind === 'url') {
    const actual = await sha256Digest(bytes);
    if (actual !== source.digest.toLowerCase()) {
      throw new LoadError(
        `component "${component.id}": the digest of ${source.url} does not match: the manifest expects ${source.digest}, the downloaded file is ${actual}`,
        where,
      );
    }
  }
  // A core built in the page (in-page authoring) runs with the prebuilt glue template.
  const authored = wasmKind(bytes) === 'core-module' && authoredCores.isAuthoredCore(bytes);
  if (wasmKind(bytes) === 'core-module' && !authored) return prepareCoreModule(component, key, bytes, log);
  const notComponent = authored ? null : describeNonComponent(bytes, key);
  if (notComponent) throw new LoadError(`component "${component.id}": ${notComponent}`, { file: key });
  if (!authored && bridge !== 'jspi') refuseWithoutJspi(component, key, bytes);
  let prepared: PreparedComponent;
  try {
    prepared = authored ? await authoredCores.prepare(bytes, bridge) : await prepareComponent(bytes, bridge);
  } catch (error) {
    throw new LoadError(`component "${component.id}" (${key}) could not be loaded: ${error instanceof Error ? error.message : String(error)}`, { file: key });
  }
  const at = `component "${component.id}" (${key})`;
  const handlers = prepared.world.exports.filter((name) => handlerKind(name) !== null);
  if (handlers.length === 0) {
    throw new LoadError(
      `${at}: Expected component to export one of \`wasi:http/incoming-handler@0.2.x\`, \`wasi:http/handler@0.3.x\` or ` +
        `\`fermyon:spin/inbound-http\`, but it exported none of those (it exports: ${prepared.world.exports.join(', ') || 'nothing'})`,
      { file: key },
    );
  }
  if (handlers.length > 1)
    throw new LoadError(`${at}: component exports multiple different handlers but it's expected to export only one (${handlers.join(', ')})`, { file: key });
  const handler = handlerKind(handlers[0]!);
  if (handler === 'unsupported-handler') {
    throw new LoadError(
      `${at} exports ${handlers[0]}, which the playground cannot run; wasi:http/incoming-handler@0.2.x, wasi:http/handler@0.3.0-rc-2026-03-15 and ` +
        `@0.3.0, and fermyon:spin/inbound-http are supported`,
      { file: key },
    );
  }
  const missing = unsupportedImports(prepared.world.imports);
  if (missing.length > 0) throw new LoadError(missing.map((m) => `${at} imports ${m.name}: ${m.reason}`).join('\n'), { file: key });
  const stats = prepared.stats;
  log({
    level: 'info',
    source: component.id,
    message:
      `loaded ${key} (${formatBytes(bytes.byteLength)}; ` +
      (stats.prebuilt ? 'transpiled at build time' : stats.fromCache ? 'transpiled output from cache' : `transpiled in ${stats.transpileMs.toFixed(0)} ms`) +
      ', ' +
      `compiled in ${stats.compileMs.toFixed(0)} ms${bridge === 'sync' ? '; synchronous glue, without JSPI' : ''}` +
      `${stats.glueRewrite?.applied.length ? '; streams copy byte chunks (glue-rewrites.ts)' : ''})`,
  });
  // The glue runs either way; a rewrite that no longer fits jco's output only makes streams slow.
  if (stats.glueRewrite?.problem) log({ level: 'warn', source: component.id, message: `${at}: ${stats.glueRewrite.problem}` });
  return { prepared, kind: handler === 'spin1-inbound-http' ? 'spin1-component' : handler === 'wasi-http-0.3' ? 'wasi-http-p3' : 'wasi-http' };
}

/**
 * jco's glue for WASI 0.3 components always suspends on Promises with JSPI, so without it (a
 * browser that lacks it, or `?jspi=off`) such a component is refused before it is transpiled.
 */
function refuseWithoutJspi(component: SpinComponent, key: string, bytes: Uint8Array): void {
  let exports: string[];
  try {
    exports = readComponentWorld(bytes).exports;
  } catch {
    return; // prepareComponent reports the malformed file
  }
  const p3 = exports.find((name) => handlerKind(name) === 'wasi-http-0.3');
  if (!p3) return;
  throw new LoadError(
    `component "${component.id}" (${key}) exports ${p3}: it is a WASI 0.3 (Spin 4) component, and running one in the browser needs JSPI ` +
      `(JavaScript Promise Integration: WebAssembly.Suspending and WebAssembly.promising), which this browser lacks. Open the playground in a ` +
      `Chromium-based browser (Chrome, Edge, 137 or newer) or in Firefox.`,
    { file: key },
  );
}

/** Spin 1 core modules (wit-bindgen 0.2 ABI) run through the in-page adapter, as `spin up` adapts them. */
async function prepareCoreModule(component: SpinComponent, key: string, bytes: Uint8Array, log: Log): Promise<Prepared> {
  let coreModule: WebAssembly.Module;
  try {
    coreModule = await WebAssembly.compile(bytes as Uint8Array<ArrayBuffer>);
  } catch (error) {
    throw new LoadError(`component "${component.id}": ${key} is not valid WebAssembly: ${error instanceof Error ? error.message : String(error)}`, {
      file: key,
    });
  }
  const check = isSpin1CoreModule(coreModule, bytes);
  if (!check.ok) {
    throw new LoadError(`component "${component.id}": ${describeNonComponent(bytes, key)}, and ${check.reason}`, { file: key });
  }
  log({
    level: 'info',
    source: component.id,
    message: `loaded ${key} (${formatBytes(bytes.byteLength)}; a Spin 1 core module, run through the Spin 1 adapter)`,
  });
  return { kind: 'spin1-core', coreModule };
}
