/**
 * The engine: `load(bundle)` and `handle(request) -> response`, the one seam the service worker,
 * the request console and the benchmark all use. It answers Spin's reserved paths, routes with
 * Spin's rules, serves `static_response` triggers, and runs components (see invoke.ts). It also
 * keeps the project's cookie jar, because a service worker can neither set nor read cookies.
 */
import type {
  AppBundle,
  KvAdminOp,
  KvAdminResult,
  LoadResult,
  LogEntry,
  RequestTrace,
  SqliteAdminOp,
  SqliteAdminResult,
  WireRequest,
  WireResponse,
} from '../protocol/messages';
import type { SqliteKvStore } from '../storage/sqlite-store';
import type { SqliteDatabases } from '../storage/sqlite-databases';
import type { InternalRequest, InternalResponse } from '../host/outbound-http';
import type { SpinApp } from '../manifest/types';
import { reservedPath, type RouteMatch } from './router';
import { closeApp, loadApp, LoadError, type LoadedApp } from './app-loader';
import type { Bridge } from './transpile-options';
import { instanceContext, invoke, readAll, type InvokeDeps, type InvokeResult } from './invoke';
import { sparesFor } from './invoke-p2';
import { CookieJar, CROSS_SITE, SAME_SITE, requestContext } from './cookie-jar';
import { toWireResponse, type PlainResponse } from './wire-response';
import { TraceRecorder } from './trace';
import { runKvAdmin } from './kv-admin';
import { runSqliteAdmin } from './sqlite-admin';
import { describeComponents } from './describe';
import type { AuthoredCores } from './authored-cores';

export interface EngineDeps {
  kv: SqliteKvStore;
  sqlite: SqliteDatabases;
  onSqliteWrite?(label: string): void;
  /** Resolves once every key-value and SQLite change so far is durable. */
  flush(): Promise<void>;
  log(entry: Omit<LogEntry, 'time'>): void;
  /** The preview origin's scheme and host: the authority the guest sees (it can build absolute URLs). */
  origin: { scheme: 'http' | 'https'; host: string };
  onKvWrite?(store: string): void;
  fetch?: typeof fetch;
  /** `jspi` where the browser has it; `sync` otherwise (or when forced with `?jspi=off`). */
  bridge: Bridge;
  /** Each request's trace (route, host calls, timing), for the UI's "Trace" panel. */
  onTrace?(trace: RequestTrace): void;
  /** Serves core modules built in the page; without it none counts as authored. */
  authored?: AuthoredCores;
}

const text = (body: string) => new TextEncoder().encode(body);
const empty = () => new Uint8Array();

export class Engine {
  readonly #deps: EngineDeps;
  #app: LoadedApp | null = null;
  #warnedUnmatched = new Set<string>();
  readonly #cookies = new CookieJar();

  constructor(deps: EngineDeps) {
    this.#deps = deps;
  }

  get app(): SpinApp | null {
    return this.#app?.app ?? null;
  }

  /** Load an app. On failure the previously loaded app keeps serving. */
  async load(bundle: AppBundle): Promise<LoadResult> {
    try {
      const loaded = await loadApp(bundle, this.#deps.log, this.#deps.bridge, this.#deps.authored);
      if (this.#app) closeApp(this.#app);
      this.#app = loaded;
      this.#primeSpares(loaded);
      this.#warnedUnmatched.clear();
      const routes = loaded.router.listing().map((r) => ({ component: r.componentOrTriggerId, route: r.route, wildcard: r.wildcard }));
      return { ok: true, routes, components: [...loaded.components.keys()], info: describeComponents(bundle, this.#deps.authored) };
    } catch (error) {
      const where = error instanceof LoadError ? error.where : {};
      const message = error instanceof Error ? error.message : String(error);
      const prefix = where.file ? (where.line ? `${where.file} line ${where.line}, column ${where.column ?? 1}: ` : `${where.file}: `) : '';
      this.#deps.log({ level: 'error', source: 'loader', message: prefix + message });
      return { ok: false, error: message, ...where, info: describeComponents(bundle, this.#deps.authored) };
    }
  }

  /** The key-value explorer's operations, on the app's own store (journalled like app writes). */
  kvAdmin(op: KvAdminOp): Promise<KvAdminResult> {
    return runKvAdmin(op, { kv: this.#deps.kv, flush: this.#deps.flush, onKvWrite: this.#deps.onKvWrite });
  }

  /** The app's SQLite databases as files (export, import); a replacement is saved like app writes. */
  sqliteAdmin(op: SqliteAdminOp): Promise<SqliteAdminResult> {
    return runSqliteAdmin(op, { sqlite: this.#deps.sqlite, flush: this.#deps.flush, onSqliteWrite: this.#deps.onSqliteWrite });
  }

  /**
   * Handle one HTTP request from a client (the preview or the request console) as `spin up` would.
   * `source` labels its trace; `null` records none (the benchmark's own timing loop).
   */
  async handle(request: WireRequest, source: RequestTrace['source'] | null = 'preview'): Promise<WireResponse> {
    const trace = source && this.#deps.onTrace ? new TraceRecorder(request, source, this.#deps.onTrace) : undefined;
    const started = performance.now();
    const path = request.pathWithQuery.split('?')[0] || '/';
    const headers = request.headers.slice();
    // The console is the person's own tool (like curl with the app's cookies); a request the
    // service worker could not say who started is cross-site.
    const cookieContext = request.initiator ? requestContext(request.initiator, request.method) : source === 'console' ? SAME_SITE : CROSS_SITE;
    const cookie = this.#cookies.header(path, Date.now(), cookieContext);
    if (cookie && !headers.some(([n]) => n.toLowerCase() === 'cookie')) headers.push(['cookie', cookie]);
    const result = await this.#dispatch({ ...request, headers, body: request.body ? new Uint8Array(request.body) : empty() }, trace);
    const setCookies = result.response.headers.filter(([n]) => n.toLowerCase() === 'set-cookie').map(([, v]) => v);
    if (setCookies.length > 0) this.#cookies.store(setCookies, path, Date.now(), cookieContext);
    const wire = toWireResponse(result.response, started, result.timing, (message) =>
      this.#deps.log({ level: 'warn', source: result.timing.handledBy ?? 'engine', message }),
    );
    trace?.finish(wire.status, wire.timing, wire.body instanceof ReadableStream);
    return wire;
  }

  /** `trace` gets the host calls; only the outermost dispatch (not a `self` request) records the route. */
  async #dispatch(
    request: InternalRequest,
    trace?: TraceRecorder,
    outer = true,
  ): Promise<{ response: PlainResponse; timing: Parameters<typeof toWireResponse>[2] }> {
    const routed = (kind: RequestTrace['kind'], handledBy?: string, route?: string) => {
      if (outer) trace?.routed(kind, handledBy, route);
    };
    const loaded = this.#app;
    if (!loaded)
      return { response: { status: 503, headers: [['content-type', 'text/plain; charset=utf-8']], body: text('No Spin app is loaded yet.\n') }, timing: {} };
    const routeStart = performance.now();
    const path = request.pathWithQuery.split('?')[0] || '/';
    const reserved = reservedPath(path);
    if (reserved) routed('reserved', reserved === 'other-reserved' ? undefined : reserved);
    if (reserved === 'health')
      return { response: { status: 200, headers: [['content-type', 'text/plain']], body: text('OK') }, timing: { handledBy: 'health' } };
    if (reserved === 'info') {
      const info = JSON.stringify({ name: loaded.app.name, ...(loaded.app.version ? { version: loaded.app.version } : {}) }, null, 2);
      return { response: { status: 200, headers: [['content-type', 'application/json']], body: text(info) }, timing: { handledBy: 'info' } };
    }
    if (reserved === 'other-reserved') return { response: { status: 404, headers: [], body: empty() }, timing: {} };
    const match = loaded.router.route(path);
    const routeMs = performance.now() - routeStart;
    if (!match) {
      routed('no-route');
      if (!this.#warnedUnmatched.has(path)) {
        this.#warnedUnmatched.add(path);
        this.#deps.log({
          level: 'warn',
          source: 'router',
          message:
            `Request to ${path} matched no pattern, and received a generic 404 response. To serve a more informative 404 page, add a ` +
            `catch-all (/...) route.`,
        });
      }
      return { response: { status: 404, headers: [], body: empty() }, timing: { routeMs } };
    }
    const staticResponse = match.trigger.staticResponse;
    if (staticResponse) {
      routed('static', match.trigger.id, match.rawRoute);
      return {
        response: { status: staticResponse.statusCode, headers: Object.entries(staticResponse.headers), body: text(staticResponse.body ?? '') },
        timing: { routeMs, handledBy: match.trigger.id },
      };
    }
    const componentId = match.trigger.component!;
    routed('component', componentId, match.rawRoute);
    const result = await this.#invoke(loaded, componentId, match, request, trace);
    const { instantiateMs, instanceMs, handlerMs, persistMs } = result;
    const timing = { routeMs, instantiateMs, ...(instanceMs === undefined ? {} : { instanceMs }), handlerMs, persistMs, handledBy: componentId };
    return { response: result, timing };
  }

  /**
   * Make each WASI 0.2 component's first instance right after the load has answered, while
   * nothing else runs, so the first request finds it ready (invoke-p2.ts).
   */
  #primeSpares(loaded: LoadedApp): void {
    setTimeout(() => {
      if (this.#app !== loaded) return;
      for (const entry of loaded.components.values()) {
        if (entry.kind === 'wasi-http') sparesFor(entry, this.#invokeDeps(loaded), (d) => instanceContext(entry, d)).prime();
      }
    }, 0);
  }

  /** What running a component needs, without any request's own hooks. */
  #invokeDeps(loaded: LoadedApp, trace?: TraceRecorder): InvokeDeps {
    return {
      kv: this.#deps.kv,
      sqlite: this.#deps.sqlite,
      onSqliteWrite: this.#deps.onSqliteWrite,
      log: this.#deps.log,
      origin: this.#deps.origin,
      flush: this.#deps.flush,
      onKvWrite: this.#deps.onKvWrite,
      fetch: this.#deps.fetch ?? fetch.bind(globalThis),
      bridge: this.#deps.bridge,
      kvLimits: loaded.kvLimits,
      internal: (target, inner) => this.#internal(target, inner, trace),
    };
  }

  #invoke(loaded: LoadedApp, componentId: string, match: RouteMatch, request: InternalRequest, trace?: TraceRecorder): Promise<InvokeResult> {
    const entry = loaded.components.get(componentId)!;
    return invoke(entry, match, request, {
      ...this.#invokeDeps(loaded, trace),
      ...(trace
        ? {
            onHostCall: (call: string, outcome: string, startedAt?: number) => trace.call(componentId, call, outcome, startedAt),
            onInstance: (info: NonNullable<RequestTrace['instance']>) => trace.instance(info),
          }
        : {}),
    });
  }

  /**
   * Requests that never leave the engine: to the app itself (routed as usual) and service chaining
   * to `<component>.spin.internal` (straight to that component, private ones included).
   */
  async #internal(target: { self: true } | { component: string }, request: InternalRequest, trace?: TraceRecorder): Promise<InternalResponse> {
    const loaded = this.#app;
    if (!loaded) throw new Error('no app is loaded');
    if ('self' in target) {
      const { response } = await this.#dispatch(request, trace, false);
      return { status: response.status, headers: response.headers, body: await readAll(response.body) };
    }
    if (!loaded.components.has(target.component)) throw new Error(`no component named "${target.component}" in this app (service chaining)`);
    const match = chainedMatch(loaded, target.component, request.pathWithQuery.split('?')[0] || '/');
    const result = await this.#invoke(loaded, target.component, match, request, trace);
    return { status: result.status, headers: result.headers, body: await readAll(result.body) };
  }
}

/** The route a chained request reports: the component's own trigger route, or `/...` if private. */
function chainedMatch(loaded: LoadedApp, componentId: string, path: string): RouteMatch {
  const trigger = loaded.app.triggers.find((t) => t.component === componentId)!;
  const raw = trigger.route.kind === 'path' ? trigger.route.route : '/...';
  const routed = loaded.router.route(path);
  if (routed && routed.trigger.component === componentId) return routed;
  return { trigger, rawRoute: raw, basedRoute: raw, componentRoute: raw.replace(/\/\.\.\.$/, ''), pathInfo: path, params: [] };
}
