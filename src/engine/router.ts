/**
 * Spin's HTTP route table (`crates/routes/src/lib.rs`): which trigger handles a request path.
 * Pure: no I/O, no logging; the engine logs what `duplicates` reports.
 */
import type { HttpTrigger } from '../manifest/types';
import { type Segment, compareRouteSpecs, matchRouteSpec, parseRouteSpec } from './route-spec';

/** Paths under this prefix belong to the Spin runtime, never to the app. */
export const WELL_KNOWN_PREFIX = '/.well-known/spin/';

/** A request path matched to a trigger, with what the spin-* headers need (§8). */
export interface RouteMatch {
  trigger: HttpTrigger;
  /** The route exactly as written in the manifest, e.g. `foo/...`. */
  rawRoute: string;
  /** The normalized route Spin reports as `spin-matched-route`: `/foo/...`; `""` for route `/`. */
  basedRoute: string;
  /** `rawRoute` without a trailing `/...`: `/foo` for `/foo/...`, `""` for `/...`. */
  componentRoute: string;
  /** The part matched by a trailing wildcard, slashes kept: `/bar/` for `/foo/bar/` on `/foo/...`. */
  pathInfo: string;
  /** `:name` captures in route order. */
  params: Array<[string, string]>;
}

/** A route that can never be reached because a later trigger declares the same route string. */
export interface DuplicateRoute {
  /** The unreachable trigger's component id (or trigger id, for a static response). */
  id: string;
  /** Its normalized route, `/` for the root. */
  route: string;
  /** The component (or trigger) id that handles the route instead. */
  duplicateOf: string;
}

interface Handler {
  trigger: HttpTrigger;
  lookupKey: string;
  rawRoute: string;
  basedRoute: string;
  /** The based route without its wildcard suffix, as `spin up` lists it. */
  prefix: string;
  wildcard: boolean;
  segments: Segment[];
}

/**
 * Which runtime endpoint a path is, if any. Spin checks these before app routes:
 * `/.well-known/spin/health` and `/.well-known/spin/info` exactly; anything else under
 * `/.well-known/spin/` is a 404 whatever the app declares.
 *
 * @example reservedPath('/.well-known/spin/health') // 'health'
 * @example reservedPath('/.well-known/spin/health/') // 'other-reserved'
 * @example reservedPath('/.well-known/spin') // null (an ordinary app path)
 */
export function reservedPath(path: string): 'health' | 'info' | 'other-reserved' | null {
  if (!path.startsWith(WELL_KNOWN_PREFIX)) return null;
  const rest = path.slice(WELL_KNOWN_PREFIX.length);
  return rest === 'health' ? 'health' : rest === 'info' ? 'info' : 'other-reserved';
}

/** Spin's `sanitize_with_base("/", route)`: add a leading `/`, strip one trailing `/`. */
function basedRouteOf(raw: string): string {
  const absolute = raw.startsWith('/') ? raw : `/${raw}`;
  return absolute.endsWith('/') ? absolute.slice(0, -1) : absolute;
}

/**
 * The route table.
 *
 * @example
 * const router = Router.build(app.triggers);
 * router.route('/users/42')?.params; // [['id', '42']] for route `/users/:id`
 */
export class Router {
  private constructor(
    /** In the order routes are tried: most specific first, ties in manifest order. */
    private readonly handlers: readonly Handler[],
    readonly duplicates: DuplicateRoute[],
  ) {}

  /**
   * Builds the table from the app's HTTP triggers (in manifest order). Private routes are left
   * out. For identical route strings the last trigger wins, in the first one's place, and each
   * loser is reported in `duplicates`. Throws Spin's "Error parsing route …" for a bad pattern.
   */
  static build(triggers: readonly HttpTrigger[]): Router {
    const byRawRoute = new Map<string, Omit<Handler, 'segments' | 'prefix' | 'wildcard'>>();
    const duplicates: DuplicateRoute[] = [];
    for (const trigger of triggers) {
      if (trigger.route.kind !== 'path') continue;
      const rawRoute = trigger.route.route;
      const entry = { trigger, lookupKey: trigger.component ?? trigger.id, rawRoute, basedRoute: basedRouteOf(rawRoute) };
      const replaced = byRawRoute.get(rawRoute);
      byRawRoute.set(rawRoute, entry);
      if (replaced) {
        duplicates.push({ id: replaced.lookupKey, route: replaced.basedRoute || '/', duplicateOf: entry.lookupKey });
      }
    }

    const handlers: Handler[] = [];
    for (const entry of byRawRoute.values()) {
      const { basedRoute } = entry;
      const wildcardPrefix = basedRoute.endsWith('/...') ? basedRoute.slice(0, -4) : basedRoute.endsWith('/*') ? basedRoute.slice(0, -2) : undefined;
      let segments: Segment[];
      try {
        segments = parseRouteSpec(basedRoute.endsWith('/...') ? `${wildcardPrefix}/*` : basedRoute);
      } catch (e) {
        throw new Error(`Error parsing route ${basedRoute} associated with component ${entry.lookupKey}: ${(e as Error).message}`);
      }
      const handler: Handler = { ...entry, prefix: wildcardPrefix ?? basedRoute, wildcard: wildcardPrefix !== undefined, segments };
      // Like routefinder's BTreeMap: insert before the first route this one sorts ahead of.
      const at = handlers.findIndex((h) => compareRouteSpecs(segments, h.segments) < 0);
      handlers.splice(at < 0 ? handlers.length : at, 0, handler);
    }
    return new Router(handlers, duplicates);
  }

  /** True if the app declares a route under `/.well-known/spin/` (Spin logs an error for that). */
  get declaresReservedRoute(): boolean {
    return this.handlers.some((h) => h.basedRoute.startsWith(WELL_KNOWN_PREFIX));
  }

  /**
   * The best match for a raw (percent-encoded) path without its query, or `null` (Spin's 404).
   * Call `reservedPath` first: this only knows the app's routes.
   */
  route(path: string): RouteMatch | null {
    for (const handler of this.handlers) {
      const captures = matchRouteSpec(handler.segments, path);
      if (!captures) continue;
      return {
        trigger: handler.trigger,
        rawRoute: handler.rawRoute,
        basedRoute: handler.basedRoute,
        componentRoute: handler.rawRoute.endsWith('/...') ? handler.rawRoute.slice(0, -4) : handler.rawRoute,
        pathInfo: pathInfo(captures.wildcard, path),
        params: captures.params,
      };
    }
    return null;
  }

  /**
   * The "Available Routes" listing, in the order `spin up` prints it (the order routes are
   * tried), private routes and duplicates excluded. `route` is as in `spin up --json`: the
   * pattern without its wildcard suffix, `/` for the root.
   *
   * @example [{ componentOrTriggerId: 'api', route: '/api', wildcard: true }] // `  api: http://127.0.0.1:3000/api (wildcard)`
   */
  listing(): Array<{ componentOrTriggerId: string; route: string; wildcard: boolean }> {
    return this.handlers.map((h) => ({ componentOrTriggerId: h.lookupKey, route: h.prefix || '/', wildcard: h.wildcard }));
  }
}

/**
 * Spin's `trailing_wildcard()`: routefinder drops trailing slashes, Spin puts them back, so
 * `/foo/...` gives `""` for `/foo`, `/` for `/foo/`, `/bar` for `/foo/bar`, `/bar/` for `/foo/bar/`.
 */
function pathInfo(wildcard: string | undefined, path: string): string {
  if (wildcard === undefined) return '';
  const slash = path.endsWith('/') ? '/' : '';
  return wildcard === '' ? slash : `/${wildcard}${slash}`;
}
