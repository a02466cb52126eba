/**
 * Where an outbound HTTP request goes, decided once: the guest's parts are validated as
 * wasmtime-wasi-http validates them, joined into one URL as Spin does, parsed once, and that
 * parsed URL is checked against `allowed_outbound_hosts`. The caller fetches exactly
 * `target.url.href` and nothing built afterwards, so what was checked is what is fetched.
 *
 * Every outbound client uses this: `wasi:http/outgoing-handler` (both the `fetch` and the
 * synchronous XHR path), Spin 1's `fermyon:spin/http`, and the p3 `wasi:http/client`.
 *
 * Spin's behaviour this follows (spinframework/spin and bytecodealliance/wasmtime):
 * - `set-authority` fails (`err`) unless the text is an `http::uri::Authority` with, when it has
 *   a colon after the host, a numeric port (`crates/wasi-http/src/authority.rs`): no `/ ? # \`,
 *   whitespace or other characters outside the URI set. Userinfo (`user@`) is accepted there; the
 *   host after the last `@` is what the allow-list judges, and no credentials are sent.
 * - `set-path-with-query` fails unless the text is an `http::uri::PathAndQuery` (no whitespace,
 *   `<`, `>` or control characters; a fragment is dropped). It need not start with `/`: Spin joins
 *   `scheme://authority` and the path into one URI and checks that whole URI
 *   (`crates/factor-outbound-http/src/wasi.rs`, `prepare_request`), so authority `allowed.com` with
 *   path `.evil.com/x` is judged as host `allowed.com.evil.com`, and path `:8443/` as port 8443.
 * - A destination outside the list is `HTTP-request-denied`, with Spin's log lines
 *   (`crates/runtime-factors/src/lib.rs`); a URI that does not parse is `HTTP-request-URI-invalid`;
 *   a scheme other than http and https is `HTTP-protocol-error` (wasmtime's `is_supported_scheme`).
 */
import { allows, allowsSelf, serviceChainingTarget, type AllowedHost } from './allowed-hosts';

export type OutboundRefusalCode = 'HTTP-request-denied' | 'HTTP-request-URI-invalid' | 'HTTP-protocol-error';

/** Why a request may not go out. `destination` (`scheme://host[:port]`, or `scheme://self`) is set for denials. */
export class OutboundRefusal extends Error {
  constructor(
    readonly code: OutboundRefusalCode,
    message: string,
    readonly destination?: string,
  ) {
    super(message);
  }
}

/**
 * - `self`: the app itself (no authority; allowed by `http://self` or a host `*`), routed in-process.
 * - `component`: service chaining to `<component>.spin.internal`, in-process.
 * - `network`: fetch exactly `url.href` (no fragment, no credentials; checked against the list).
 */
export type OutboundTarget =
  | { kind: 'self'; pathWithQuery: string }
  | { kind: 'component'; component: string; pathWithQuery: string }
  | { kind: 'network'; url: URL };

/** What the guest set on its request; `undefined` means unset. */
export interface OutboundRequestParts {
  scheme: string | undefined;
  authority: string | undefined;
  pathWithQuery: string | undefined;
}

// Characters `http::uri::Authority` accepts ('/', '?' and '#' end an authority, so they fail too).
const AUTHORITY_CHARS = /^[A-Za-z0-9!$&'()*+,\-.:;=@[\]_~%]*$/;

/** `set-authority`'s check (wasmtime-wasi-http `parse_authority` on `http::uri::Authority`). */
export function isValidAuthority(text: string): boolean {
  if (text === '' || !AUTHORITY_CHARS.test(text)) return false;
  const at = text.lastIndexOf('@');
  if (at === text.length - 1) return false;
  const userinfo = at >= 0 ? text.slice(0, at) : '';
  const hostPort = text.slice(at + 1);
  if (userinfo.includes('[') || userinfo.includes(']')) return false;
  if (hostPort.includes('%') || hostPort.includes('@')) return false;
  const open = hostPort.indexOf('[');
  const close = hostPort.indexOf(']');
  if (open >= 0 !== close >= 0) return false;
  if (open >= 0 && (open !== 0 || close < open || hostPort.indexOf('[', open + 1) >= 0 || hostPort.indexOf(']', close + 1) >= 0)) return false;
  const afterHost = close >= 0 ? hostPort.slice(close + 1) : hostPort;
  if ((afterHost.match(/:/g) ?? []).length > 1) return false;
  if (close >= 0 && afterHost !== '' && !afterHost.startsWith(':')) return false;
  // wasmtime: a colon after the last `]` (or anywhere, without brackets) must introduce a u16 port.
  const hasPort = close >= 0 ? afterHost.includes(':') : text.includes(':');
  if (!hasPort) return true;
  const colon = afterHost.lastIndexOf(':');
  const port = colon >= 0 ? afterHost.slice(colon + 1) : '';
  return /^\d+$/.test(port) && Number(port) <= 65535;
}

/** `set-path-with-query`'s check (`http::uri::PathAndQuery`); everything after `#` is dropped, unchecked. */
export function isValidPathWithQuery(text: string): boolean {
  let inQuery = false;
  for (const char of text) {
    const c = char.codePointAt(0)!;
    if (c === 0x23) return true;
    if (c >= 0x7f) continue;
    if (!inQuery && c === 0x3f) {
      inQuery = true;
      continue;
    }
    const ok = inQuery
      ? c === 0x21 || (c >= 0x24 && c <= 0x3b) || c === 0x3d || (c >= 0x3f && c <= 0x7e)
      : c === 0x21 || c === 0x22 || (c >= 0x24 && c <= 0x3b) || c === 0x3d || (c >= 0x40 && c <= 0x5f) || (c >= 0x61 && c <= 0x7e);
    if (!ok) return false;
  }
  return true;
}

/** `set-scheme`'s check for `other` schemes (`http::uri::Scheme`). */
export function isValidScheme(text: string): boolean {
  return /^[A-Za-z][A-Za-z0-9+\-.]{0,63}$/.test(text);
}

const denied = (scheme: string, authority: string) =>
  new OutboundRefusal('HTTP-request-denied', `destination ${scheme}://${authority} is not in allowed_outbound_hosts`, `${scheme}://${authority}`);

/**
 * The destination of a `wasi:http` request (p2 `outgoing-request`, p3 `request`), or throws
 * `OutboundRefusal`. Defaults as wasmtime: scheme `https`, path `/`. No authority means the app
 * itself. Re-checks what the setters check, so a caller may pass parts that skipped them.
 */
export function resolveOutboundRequest(parts: OutboundRequestParts, allowedHosts: readonly AllowedHost[]): OutboundTarget {
  const scheme = (parts.scheme ?? 'https').toLowerCase();
  const pathWithQuery = parts.pathWithQuery ?? '/';
  if (scheme !== 'http' && scheme !== 'https') throw new OutboundRefusal('HTTP-protocol-error', `scheme '${scheme}' is not supported (only http and https)`);
  if (!isValidPathWithQuery(pathWithQuery)) throw new OutboundRefusal('HTTP-request-URI-invalid', `invalid path-with-query ${JSON.stringify(pathWithQuery)}`);
  if (!parts.authority) return resolveSelf(scheme, pathWithQuery, allowedHosts);
  if (!isValidAuthority(parts.authority)) throw new OutboundRefusal('HTTP-request-URI-invalid', `invalid authority ${JSON.stringify(parts.authority)}`);
  // One URI from the parts, exactly as Spin forms the text it checks; parsed once, below.
  return resolveOutboundUrl(`${scheme}://${parts.authority}${pathWithQuery}`, allowedHosts);
}

/** A request to the app itself: allowed only by `http://self` (or a host `*`), and the path must be absolute. */
export function resolveSelf(scheme: string, pathWithQuery: string, allowedHosts: readonly AllowedHost[]): OutboundTarget {
  if (!allowsSelf([...allowedHosts])) throw denied(scheme, 'self');
  if (!pathWithQuery.startsWith('/'))
    throw new OutboundRefusal('HTTP-request-URI-invalid', `a request to the app itself needs a path starting with '/', not ${JSON.stringify(pathWithQuery)}`);
  return { kind: 'self', pathWithQuery: pathWithQuery.split('#')[0]! };
}

/**
 * The destination of an absolute URL (Spin 1's `uri`, and the joined `wasi:http` parts): parsed
 * once with the WHATWG parser (the `url` crate Spin uses follows the same standard), then its
 * scheme, host and port are checked. Userinfo and fragment are removed from the URL to fetch:
 * Spin sends neither, and `fetch` refuses URLs with credentials.
 */
export function resolveOutboundUrl(text: string, allowedHosts: readonly AllowedHost[]): OutboundTarget {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new OutboundRefusal('HTTP-request-URI-invalid', `invalid URL ${JSON.stringify(text)}`);
  }
  const scheme = url.protocol.slice(0, -1);
  if (scheme !== 'http' && scheme !== 'https') throw new OutboundRefusal('HTTP-protocol-error', `scheme '${scheme}' is not supported (only http and https)`);
  if (!url.hostname) throw new OutboundRefusal('HTTP-request-URI-invalid', `URL ${JSON.stringify(text)} has no host`);
  url.username = '';
  url.password = '';
  url.hash = '';
  const destination = { scheme, host: url.hostname.replace(/^\[|\]$/g, ''), port: url.port ? Number(url.port) : undefined };
  if (!allowedHosts.some((h) => allows(h, destination))) throw denied(scheme, url.host);
  const component = serviceChainingTarget(url.host);
  if (component) return { kind: 'component', component, pathWithQuery: url.pathname + url.search };
  return { kind: 'network', url };
}

/**
 * Redirects. Spin hands a 3xx to the guest; a browser cannot (with `redirect: 'manual'` the
 * response is opaque, without status or `Location`), and following one could leave
 * `allowed_outbound_hosts` (an open redirect on an allowed host). So every outbound `fetch` uses
 * these options and a redirect becomes an error for the guest; where the browser always follows
 * (synchronous XHR), the caller compares `responseURL` with the URL it sent and gives the same error.
 */
export const OUTBOUND_FETCH_OPTIONS = { credentials: 'omit', redirect: 'manual' } as const satisfies RequestInit;

/** Whether `fetch` (with `OUTBOUND_FETCH_OPTIONS`) stopped at a redirect instead of following it. */
export function isRedirect(response: Response): boolean {
  return response.type === 'opaqueredirect' || [301, 302, 303, 307, 308].includes(response.status);
}

/**
 * The text for a redirect that was not followed (guest error and log). `finalUrl`: where the
 * browser went anyway (XHR), judged against the list for the log.
 */
export function redirectMessage(url: URL, finalUrl?: string, allowedHosts?: readonly AllowedHost[]): string {
  let where = '';
  if (finalUrl !== undefined) {
    let outside = true;
    try {
      const target = resolveOutboundUrl(finalUrl, allowedHosts ?? []);
      outside = target.kind !== 'network';
    } catch {
      outside = true;
    }
    where = ` to ${finalUrl}${outside ? ' (outside allowed_outbound_hosts)' : ''}`;
  }
  return (
    `redirect${where} not followed: the server at ${url.href} answered with a redirect, and outbound redirects are not followed here (a ` +
    `browser cannot hand the 3xx to the component as Spin does, and the new destination could be outside allowed_outbound_hosts)`
  );
}
