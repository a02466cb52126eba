/**
 * A cookie jar per project. A service worker's responses cannot set cookies and the worker never
 * sees the `Cookie` header, so the engine keeps the cookies an app sets and sends them back on
 * later requests, as a browser talking to `spin up` would (RFC 6265, host-only, path-matched).
 *
 * `SameSite` is honoured as a browser does (RFC 6265bis; unspecified means `Lax`), with each
 * project's origin as its own site: `Strict` cookies go only with requests the project's own pages
 * started; `Lax` ones also with a top-level navigation by GET or HEAD; `None` with every request.
 * `Secure` is not checked: previews are served on `http://*.localhost`, which browsers count as
 * secure. What counts as same-site and top-level is decided from what the service worker can
 * prove (`requestContext`).
 */
import type { RequestInitiator } from '../protocol/messages';

export type SameSite = 'strict' | 'lax' | 'none';

export interface Cookie {
  name: string;
  value: string;
  path: string;
  /** Epoch ms; undefined for a session cookie. */
  expires?: number;
  /** The `SameSite` attribute; `lax` when absent or not one of the three values. */
  sameSite: SameSite;
}

/** How a request stands to the project's site, for `SameSite`. */
export interface CookieContext {
  /** Started by the project's own pages, or by the person in the playground's request console. */
  sameSite: boolean;
  /** A top-level navigation (see `requestContext`) by a safe method (GET, HEAD): `Lax` cookies go too. */
  laxNavigation: boolean;
}

/** A request the project's own pages made: every cookie applies. */
export const SAME_SITE: CookieContext = { sameSite: true, laxNavigation: true };
/** A request nobody proved same-site, and not a top-level navigation: only `None` cookies. */
export const CROSS_SITE: CookieContext = { sameSite: false, laxNavigation: false };

/**
 * The context of a request from what the service worker proved about who started it. Anything it
 * could not prove same-origin arrives as `cross-site`.
 *
 * "Top-level" in the playground: the preview frame is the app's window, so a navigation the
 * playground's UI starts in it (its address bar, Reload, a route link, the first load) counts as a
 * top-level navigation, as when a browser follows a link from another site: `Lax` cookies go with
 * GET, `Strict` ones do not. A tab's own navigation (`top`) counts too. A navigation another origin
 * starts in a frame (another project's app framing or posting a form into this one) is a
 * cross-site subframe navigation: only `None` cookies go.
 */
export function requestContext(initiator: RequestInitiator, method: string): CookieContext {
  if (initiator.site === 'same-origin') return SAME_SITE;
  const topLevel = initiator.navigation === 'top' || (initiator.site === 'ui' && initiator.navigation === 'frame');
  return { sameSite: false, laxNavigation: topLevel && (method === 'GET' || method === 'HEAD') };
}

function sendsWith(cookie: Cookie, context: CookieContext): boolean {
  if (cookie.sameSite === 'none') return true;
  if (cookie.sameSite === 'strict') return context.sameSite;
  return context.sameSite || context.laxNavigation;
}

export class CookieJar {
  #cookies = new Map<string, Cookie>();

  /**
   * Remember the `Set-Cookie` headers of a response to a request for `requestPath`. A response
   * to a cross-site request that is not a top-level navigation may set only `SameSite=None`
   * cookies, as browsers refuse the others there.
   */
  store(setCookies: string[], requestPath: string, now = Date.now(), context: CookieContext = SAME_SITE): void {
    for (const header of setCookies) {
      const cookie = parseSetCookie(header, requestPath, now);
      if (!cookie || !sendsWith(cookie, context)) continue;
      const key = `${cookie.name}\u0000${cookie.path}`;
      if (cookie.expires !== undefined && cookie.expires <= now) this.#cookies.delete(key);
      else this.#cookies.set(key, cookie);
    }
  }

  /** The `Cookie` header value for a request to `path` in `context`, or undefined when none apply. */
  header(path: string, now = Date.now(), context: CookieContext = SAME_SITE): string | undefined {
    const matching = [...this.#cookies.values()]
      .filter((c) => (c.expires === undefined || c.expires > now) && pathMatches(path, c.path) && sendsWith(c, context))
      .sort((a, b) => b.path.length - a.path.length);
    return matching.length ? matching.map((c) => `${c.name}=${c.value}`).join('; ') : undefined;
  }

  clear(): void {
    this.#cookies.clear();
  }
}

function defaultPath(requestPath: string): string {
  if (!requestPath.startsWith('/')) return '/';
  const last = requestPath.lastIndexOf('/');
  return last <= 0 ? '/' : requestPath.slice(0, last);
}

export function parseSetCookie(header: string, requestPath: string, now: number): Cookie | null {
  const [pair = '', ...attributes] = header.split(';');
  const eq = pair.indexOf('=');
  if (eq <= 0) return null;
  const cookie: Cookie = { name: pair.slice(0, eq).trim(), value: pair.slice(eq + 1).trim(), path: defaultPath(requestPath), sameSite: 'lax' };
  let maxAge: number | undefined;
  for (const attribute of attributes) {
    const [rawName = '', ...rest] = attribute.split('=');
    const name = rawName.trim().toLowerCase();
    const value = rest.join('=').trim();
    if (name === 'path' && value.startsWith('/')) cookie.path = value;
    else if (name === 'max-age' && /^-?\d+$/.test(value)) maxAge = Number(value);
    else if (name === 'samesite') {
      const mode = value.toLowerCase();
      cookie.sameSite = mode === 'strict' || mode === 'none' ? mode : 'lax';
    } else if (name === 'expires') {
      const time = Date.parse(value);
      if (!Number.isNaN(time)) cookie.expires = time;
    }
  }
  // Max-Age wins over Expires.
  if (maxAge !== undefined) cookie.expires = maxAge <= 0 ? now - 1 : now + maxAge * 1000;
  return cookie;
}

function pathMatches(requestPath: string, cookiePath: string): boolean {
  if (requestPath === cookiePath) return true;
  if (!requestPath.startsWith(cookiePath)) return false;
  return cookiePath.endsWith('/') || requestPath[cookiePath.length] === '/';
}
