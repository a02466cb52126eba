/**
 * Which route and component a request path reaches, for the runner's own log lines (a timed-out
 * request names both, and the engine that knew it is gone by then). Same rules as the engine:
 * reserved `/.well-known/spin/` paths first, then Spin's route table.
 */
import { parseManifest } from '../manifest/parse';
import { Router, reservedPath } from '../engine/router';

export type RouteOf = (pathWithQuery: string) => string;

/** A describer for one manifest: `(path) => 'route "/api/..." of component "api"'`. */
export function routeDescriber(manifestText: string): RouteOf {
  let router: Router | null = null;
  try {
    const parsed = parseManifest(manifestText);
    if (parsed.ok) router = Router.build(parsed.app.triggers);
  } catch {
    router = null;
  }
  return (pathWithQuery) => {
    const path = pathWithQuery.split('?')[0] || '/';
    if (reservedPath(path)) return `the reserved path ${path}`;
    const match = router?.route(path);
    if (!match) return 'no route';
    const target = match.trigger.component ? `component "${match.trigger.component}"` : `static response "${match.trigger.id}"`;
    return `route "${match.rawRoute}" of ${target}`;
  };
}
