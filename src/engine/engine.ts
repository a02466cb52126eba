/**
 * The engine: `load(bundle)` and `handle(request) -> response`, the one seam the service worker,
 * the request console and the benchmark all use. It parses the manifest, prepares every
 * component, routes with Spin's rules, adds the spin-* headers, runs a fresh instance per request
 * and makes acknowledged key-value writes durable before answering.
 */
import { parseManifest } from '../manifest/parse';
import type { SpinApp, SpinComponent } from '../manifest/types';
import type { AppBundle, LoadResult, LogEntry, WireRequest, WireResponse } from '../protocol/messages';
import type { SqliteKvStore } from '../kv/sqlite-store';
import { buildImports, unsupportedImports } from '../host/imports';
import { handlerKind } from '../host/interfaces';
import { Router, reservedPath } from './router';
import { spinRequestHeaders, VIRTUAL_CLIENT_ADDR } from './spin-headers';
import { prepareComponent, jspiAvailable, type PreparedComponent } from './components';
import { describeNonComponent } from './wasm-kind';
import { sha256Hex } from './transpile-cache';
import { findIncomingHandler, runIncomingHandler } from './executors/wasi-http';
import { toWireResponse } from './wire-response';

export interface EngineDeps {
  kv: SqliteKvStore;
  /** Resolves once every key-value change so far is durable. */
  flush(): Promise<void>;
  log(entry: Omit<LogEntry, 'time'>): void;
  /** The preview origin's scheme and host: the authority the guest sees (it can build absolute URLs). */
  origin: { scheme: 'http' | 'https'; host: string };
  onKvWrite?(store: string): void;
}

interface LoadedComponent {
  component: SpinComponent;
  prepared: PreparedComponent;
}

interface LoadedApp {
  app: SpinApp;
  router: Router;
  components: Map<string, LoadedComponent>;
}

class LoadError extends Error {
  constructor(message: string, readonly where: { file?: string; line?: number; column?: number } = {}) {
    super(message);
  }
}

export class Engine {
  readonly #deps: EngineDeps;
  #app: LoadedApp | null = null;
  #warnedUnmatched = new Set<string>();

  constructor(deps: EngineDeps) {
    this.#deps = deps;
  }

  get app(): SpinApp | null {
    return this.#app?.app ?? null;
  }

  /** Load an app. On failure the previously loaded app keeps serving. */
  async load(bundle: AppBundle): Promise<LoadResult> {
    try {
      const loaded = await this.#prepare(bundle);
      this.#app = loaded;
      this.#warnedUnmatched.clear();
      const routes = loaded.router.listing().map((r) => ({ component: r.componentOrTriggerId, route: r.route, wildcard: r.wildcard }));
      return { ok: true, routes, components: [...loaded.components.keys()] };
    } catch (error) {
      const where = error instanceof LoadError ? error.where : {};
      const message = error instanceof Error ? error.message : String(error);
      this.#deps.log({ level: 'error', source: 'loader', message: formatWhere(where) + message });
      return { ok: false, error: message, ...where };
    }
  }

  async #prepare(bundle: AppBundle): Promise<LoadedApp> {
    const parsed = parseManifest(bundle.manifestText);
    if (!parsed.ok) {
      const first = parsed.errors[0]!;
      const all = parsed.errors.map((e) => `line ${e.line}, column ${e.column}: ${e.message}`).join('\n');
      throw new LoadError(all, { file: 'spin.toml', line: first.line, column: first.column });
    }
    const app = parsed.app;
    for (const warning of app.warnings) {
      this.#deps.log({ level: 'warn', source: 'manifest', message: `spin.toml line ${warning.line}: ${warning.message}` });
    }
    if (!jspiAvailable()) {
      throw new LoadError(
        'this browser lacks JavaScript Promise Integration (WebAssembly.Suspending), which the playground needs to run components; use Chromium 137 or later',
      );
    }
    const router = Router.build(app.triggers);
    if (router.duplicates.length > 0) {
      const lines = router.duplicates.map((d) => `  ${d.id}: ${d.route} (duplicate of ${d.duplicateOf})`);
      this.#deps.log({ level: 'warn', source: 'router', message: ['The following component routes are duplicates and will never be used:', ...lines].join('\n') });
    }
    const used = new Set(app.triggers.flatMap((t) => (t.component ? [t.component] : [])));
    const components = new Map<string, LoadedComponent>();
    await Promise.all(
      [...used].map(async (id) => {
        const component = app.components[id];
        if (!component) throw new LoadError(`a trigger names component "${id}", which the manifest does not define`, { file: 'spin.toml' });
        components.set(id, { component, prepared: await this.#prepareComponent(component, bundle) });
      }),
    );
    for (const [id, { component }] of components) {
      for (const label of component.keyValueStores) {
        if (label !== 'default') {
          this.#deps.log({
            level: 'info',
            source: id,
            message: `key-value store "${label}" is created in the browser; spin up would need it defined in runtime-config.toml`,
          });
        }
      }
    }
    return { app, router, components };
  }

  async #prepareComponent(component: SpinComponent, bundle: AppBundle): Promise<PreparedComponent> {
    const where = { file: 'spin.toml', line: component.line, column: 1 };
    const source = component.source;
    if (source.kind === 'registry') {
      throw new LoadError(`component "${component.id}": registry (OCI) sources like ${source.package}@${source.version} are not supported in the browser; use a file or { url, digest } source`, where);
    }
    const key = source.kind === 'file' ? source.path : source.url;
    const buffer = bundle.files[key];
    if (!buffer) throw new LoadError(`component "${component.id}": its source ${key} was not provided`, where);
    const bytes = new Uint8Array(buffer);
    if (source.kind === 'url') {
      const actual = `sha256:${await sha256Hex(bytes)}`;
      if (actual !== source.digest.toLowerCase()) {
        throw new LoadError(`component "${component.id}": the digest of ${source.url} does not match: the manifest expects ${source.digest}, the downloaded file is ${actual}`, where);
      }
    }
    const notComponent = describeNonComponent(bytes, key);
    if (notComponent) throw new LoadError(`component "${component.id}": ${notComponent}`, { file: key });
    let prepared: PreparedComponent;
    try {
      prepared = await prepareComponent(bytes);
    } catch (error) {
      throw new LoadError(`component "${component.id}" (${key}) could not be loaded: ${error instanceof Error ? error.message : String(error)}`, { file: key });
    }
    const handlers = prepared.world.exports.filter((name) => handlerKind(name) !== null);
    if (handlers.length === 0) {
      throw new LoadError(
        `component "${component.id}" (${key}): Expected component to export one of \`wasi:http/incoming-handler@0.2.x\`, \`wasi:http/handler@0.3.x\` or \`fermyon:spin/inbound-http\`, but it exported none of those (it exports: ${prepared.world.exports.join(', ') || 'nothing'})`,
        { file: key },
      );
    }
    if (handlers.length > 1) {
      throw new LoadError(`component "${component.id}" (${key}): component exports multiple different handlers but it's expected to export only one (${handlers.join(', ')})`, { file: key });
    }
    if (handlerKind(handlers[0]!) !== 'wasi-http-0.2') {
      throw new LoadError(`component "${component.id}" (${key}) exports ${handlers[0]}, which the playground cannot run yet; wasi:http/incoming-handler@0.2.x is supported`, { file: key });
    }
    const missing = unsupportedImports(prepared.world.imports);
    if (missing.length > 0) {
      throw new LoadError(
        missing.map((m) => `component "${component.id}" (${key}) imports ${m.name}: ${m.reason}`).join('\n'),
        { file: key },
      );
    }
    this.#deps.log({
      level: 'info',
      source: component.id,
      message: `loaded ${key} (${(bytes.byteLength / 1e6).toFixed(1)} MB; ${prepared.stats.fromCache ? 'transpiled output from cache' : `transpiled in ${prepared.stats.transpileMs.toFixed(0)} ms`}, compiled in ${prepared.stats.compileMs.toFixed(0)} ms)`,
    });
    return prepared;
  }

  /** Handle one HTTP request as `spin up` would. */
  async handle(request: WireRequest): Promise<WireResponse> {
    const started = performance.now();
    const loaded = this.#app;
    if (!loaded) {
      return toWireResponse({ status: 503, headers: [['content-type', 'text/plain; charset=utf-8']], body: new TextEncoder().encode('No Spin app is loaded yet.\n') }, started, {});
    }
    const path = request.pathWithQuery.split('?')[0] || '/';
    const reserved = reservedPath(path);
    if (reserved === 'health') return toWireResponse({ status: 200, headers: [['content-type', 'text/plain']], body: new TextEncoder().encode('OK') }, started, { handledBy: 'health' });
    if (reserved === 'info') {
      const info = JSON.stringify({ name: loaded.app.name, ...(loaded.app.version ? { version: loaded.app.version } : {}) }, null, 2);
      return toWireResponse({ status: 200, headers: [['content-type', 'application/json']], body: new TextEncoder().encode(info) }, started, { handledBy: 'info' });
    }
    if (reserved === 'other-reserved') return toWireResponse({ status: 404, headers: [], body: new Uint8Array() }, started, {});

    const match = loaded.router.route(path);
    const routeMs = performance.now() - started;
    if (!match) {
      if (!this.#warnedUnmatched.has(path)) {
        this.#warnedUnmatched.add(path);
        this.#deps.log({ level: 'warn', source: 'router', message: `Request to ${path} matched no pattern, and received a generic 404 response. To serve a more informative 404 page, add a catch-all (/...) route.` });
      }
      return toWireResponse({ status: 404, headers: [], body: new Uint8Array() }, started, { routeMs });
    }
    const trigger = match.trigger;
    if (trigger.staticResponse) {
      const { statusCode, headers, body } = trigger.staticResponse;
      return toWireResponse({ status: statusCode, headers: Object.entries(headers), body: new TextEncoder().encode(body ?? '') }, started, { routeMs, handledBy: trigger.id });
    }
    const componentId = trigger.component!;
    const entry = loaded.components.get(componentId)!;
    const log = this.#deps.log;
    const hostHeader = request.headers.find(([n]) => n.toLowerCase() === 'host')?.[1];
    const authority = hostHeader ?? this.#deps.origin.host;
    const spin = spinRequestHeaders(match, {
      scheme: this.#deps.origin.scheme,
      authority,
      pathWithQuery: request.pathWithQuery,
      clientAddr: VIRTUAL_CLIENT_ADDR,
    });
    const clientHeaders = request.headers.filter(([name]) => {
      const lower = name.toLowerCase();
      // Spin drops Connection; spin-* names are Spin's alone (a client cannot spoof them).
      return lower !== 'connection' && lower !== 'host' && !lower.startsWith('spin-');
    });
    const encoder = new TextEncoder();
    const headers: Array<[string, Uint8Array]> = [
      ['host', encoder.encode(authority)],
      ...clientHeaders.map(([n, v]): [string, Uint8Array] => [n.toLowerCase(), encoder.encode(v)]),
      ...spin.map(([n, v]): [string, Uint8Array] => [n, encoder.encode(v)]),
    ];

    const instanceStart = performance.now();
    const { imports, finish } = buildImports(entry.prepared.world.imports, {
      component: entry.component,
      kv: this.#deps.kv,
      onStdout: (line) => log({ level: 'stdout', source: componentId, message: line }),
      onStderr: (line) => log({ level: 'stderr', source: componentId, message: line }),
      onWarning: (message) => log({ level: 'warn', source: componentId, message }),
      onKvWrite: this.#deps.onKvWrite,
    });
    let guest;
    let instantiateMs = 0;
    let handlerMs = 0;
    try {
      const instance = await entry.prepared.instantiate(imports);
      instantiateMs = performance.now() - instanceStart;
      const handlerStart = performance.now();
      guest = await runIncomingHandler(findIncomingHandler(instance), {
        method: request.method,
        pathWithQuery: request.pathWithQuery,
        scheme: this.#deps.origin.scheme,
        authority,
        headers,
        body: request.body ? new Uint8Array(request.body) : new Uint8Array(),
      });
      handlerMs = performance.now() - handlerStart;
    } catch (error) {
      guest = { status: 500, headers: [], body: new Uint8Array(), failure: `Error processing request: ${error instanceof Error ? error.message : String(error)}` };
    } finally {
      finish();
    }
    if (guest.failure) log({ level: 'error', source: componentId, message: `${request.method} ${request.pathWithQuery}: ${guest.failure}` });
    // Acknowledge only what is durable: the client must never see a response for a lost write.
    const persistStart = performance.now();
    await this.#deps.flush();
    const persistMs = performance.now() - persistStart;
    return toWireResponse(
      { status: guest.status, headers: guest.headers.map(([n, v]) => [n, latin1(v)]), body: guest.body },
      started,
      { routeMs, instantiateMs, handlerMs, persistMs, handledBy: componentId },
      (message) => log({ level: 'warn', source: componentId, message }),
    );
  }
}

/** Header values are bytes; a byte-for-byte (latin1) string is what a browser shows for them. */
function latin1(bytes: Uint8Array): string {
  let text = '';
  for (const byte of bytes) text += String.fromCharCode(byte);
  return text;
}

function formatWhere(where: { file?: string; line?: number; column?: number }): string {
  if (!where.file) return '';
  return where.line ? `${where.file} line ${where.line}, column ${where.column ?? 1}: ` : `${where.file}: `;
}
