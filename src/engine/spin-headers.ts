/**
 * The spin-* request headers Spin adds for the guest (`crates/trigger-http/src/headers.rs`).
 * Pure: the engine passes in what a browser can't see (the real Host, the client's address).
 */
import type { RouteMatch } from './router';

/**
 * The authority the guest sees: `spin up`'s default listen address. A service worker never sees
 * the real `Host` header (it is forbidden in fetch), so the playground uses one fixed value.
 */
export const VIRTUAL_AUTHORITY = '127.0.0.1:3000';

/** The `spin-client-addr` the guest sees: a loopback address with a fixed port. */
export const VIRTUAL_CLIENT_ADDR = '127.0.0.1:54321';

/** `:path_segment` → `spin-path-match-path-segment`: Spin uppercases, then lowercases with `_` → `-`. */
function pathMatchHeader(name: string): string {
  const upper = name.replace(/[a-z]/g, (c) => c.toUpperCase());
  return `spin-path-match-${upper.replace(/_/g, '-').replace(/[A-Z]/g, (c) => c.toLowerCase())}`;
}

/**
 * Exactly the spin-* headers Spin adds to a matched request, in Spin's order. A parameter name
 * used twice in one route yields one header with the last value, as in Spin.
 *
 * @example
 * // route `/foo/...`, request POST https://fermyon.dev/foo/bar?key1=value1 from 127.0.0.1:8777
 * spinRequestHeaders(match, { scheme: 'https', authority: 'fermyon.dev', pathWithQuery: '/foo/bar?key1=value1', clientAddr: '127.0.0.1:8777' })
 * // [['spin-path-info', '/bar'], ['spin-full-url', 'https://fermyon.dev/foo/bar?key1=value1'],
 * //  ['spin-matched-route', '/foo/...'], ['spin-base-path', '/'], ['spin-raw-component-route', '/foo/...'],
 * //  ['spin-component-route', '/foo'], ['spin-client-addr', '127.0.0.1:8777']]
 */
export function spinRequestHeaders(
  match: RouteMatch,
  req: { scheme: 'http' | 'https'; authority: string; pathWithQuery: string; clientAddr: string },
): Array<[string, string]> {
  const headers: Array<[string, string]> = [
    ['spin-path-info', match.pathInfo],
    ['spin-full-url', `${req.scheme}://${req.authority}${req.pathWithQuery}`],
    ['spin-matched-route', match.basedRoute],
    ['spin-base-path', '/'],
    ['spin-raw-component-route', match.rawRoute],
    ['spin-component-route', match.componentRoute],
    ['spin-client-addr', req.clientAddr],
  ];
  const params = new Map<string, string>();
  for (const [name, value] of match.params) params.set(pathMatchHeader(name), value);
  return [...headers, ...params];
}
