/**
 * `allowed_outbound_hosts`: parsing and matching with Spin's rules (spinframework/spin
 * `outbound-networking-config`): `<scheme>://<host>[:<port>]`, `*` wildcards for scheme, host and
 * port, `*.domain` subdomain wildcards, port ranges `a..b` (end exclusive), CIDR blocks, `self`
 * for the app itself, and `<component>.spin.internal` for service chaining. Templates such as
 * `{{ host }}` are resolved before parsing.
 */

export interface AllowedHost {
  original: string;
  scheme: '*' | string;
  host:
    | { kind: 'any' }
    | { kind: 'subdomain'; suffix: string }
    | { kind: 'self' }
    | { kind: 'exact'; name: string }
    | { kind: 'cidr'; base: number[]; bits: number; v6: boolean };
  port: { kind: 'any' } | { kind: 'list'; ranges: Array<[number, number]> };
}

export class AllowedHostError extends Error {}

const LEARN_MORE = 'Learn more: https://spinframework.dev/v3/http-outbound#granting-http-permissions-to-components';

export function wellKnownPort(scheme: string): number | undefined {
  return ({ postgres: 5432, mysql: 3306, redis: 6379, mqtt: 1883, http: 80, https: 443 } as Record<string, number>)[scheme];
}

export function parseAllowedHost(text: string): AllowedHost {
  const url = text.trim();
  const split = url.indexOf('://');
  if (split < 0) {
    if (['*', ':', '', '?'].includes(url)) {
      throw new AllowedHostError(
        `${JSON.stringify(url)} is not an allowed outbound host format.\nHosts must be in the form <scheme>://<host>[:<port>], with '*' wildcards ` +
          `allowed for each.\nIf you intended to allow all outbound networking, you can use '*://*:*' - this will obviate all network ` +
          `sandboxing.\n${LEARN_MORE}`,
      );
    }
    throw new AllowedHostError(`${JSON.stringify(url)} does not contain a scheme (e.g., 'http://' or '*://')\n${LEARN_MORE}`);
  }
  const scheme = url.slice(0, split);
  const rest = url.slice(split + 3);
  const colon = rest.lastIndexOf(':');
  // An IPv6 CIDR has colons of its own; only treat the last colon as a port if what follows is one.
  const hostPart = colon >= 0 ? rest.slice(0, colon) : rest;
  let portPart = colon >= 0 ? rest.slice(colon + 1) : '';
  const slash = portPart.indexOf('/');
  if (slash >= 0) {
    if (portPart.slice(slash + 1) !== '') throw new AllowedHostError(`${JSON.stringify(url)} has a path but is not allowed to`);
    portPart = portPart.slice(0, slash);
  }
  if (scheme !== '*' && !/^[A-Za-z]+$/.test(scheme)) {
    if (scheme.startsWith('{')) throw new AllowedHostError('scheme lists are not yet supported');
    throw new AllowedHostError(` scheme ${JSON.stringify(scheme)} contains non alphabetic character`);
  }
  return { original: text, scheme, host: parseHost(hostPart), port: parsePort(portPart, scheme) };
}

function parseHost(raw: string): AllowedHost['host'] {
  const host = raw.trim();
  if (host === '*') return { kind: 'any' };
  if (host === 'self' || host === 'self.alt') return { kind: 'self' };
  if (host.startsWith('{')) throw new AllowedHostError('host lists are not yet supported');
  const cidr = parseCidr(host);
  if (cidr) return cidr;
  const path = host.split('/')[1];
  if (path) throw new AllowedHostError('hosts must not contain paths');
  if (host.startsWith('*.')) {
    const domain = host.slice(2);
    if (domain.includes('*')) throw new AllowedHostError(`Invalid allowed host ${host}: wildcards are allowed only as prefixes`);
    return { kind: 'subdomain', suffix: `.${domain}` };
  }
  if (host.includes('*')) throw new AllowedHostError(`Invalid allowed host ${host}: wildcards are allowed only as subdomains`);
  return { kind: 'exact', name: host.replace(/\/+$/, '') };
}

function parsePort(port: string, scheme: string): AllowedHost['port'] {
  if (port === '') {
    const known = wellKnownPort(scheme);
    if (known === undefined)
      throw new AllowedHostError(`no port was provided and the scheme ${JSON.stringify(scheme)} does not have a known default port number`);
    return { kind: 'list', ranges: [[known, known + 1]] };
  }
  if (port === '*') return { kind: 'any' };
  if (port.startsWith('{')) throw new AllowedHostError('port lists are not yet supported');
  const range = port.split('..');
  if (range.length === 2) {
    const [start, end] = range.map(Number) as [number, number];
    if (!isPort(start) || !isPort(end)) throw new AllowedHostError(`port range ${JSON.stringify(port)} contains non-number`);
    return { kind: 'list', ranges: [[start, end]] };
  }
  const single = Number(port);
  if (!/^\d+$/.test(port) || !isPort(single)) throw new AllowedHostError(`port ${JSON.stringify(port)} is not a number`);
  return { kind: 'list', ranges: [[single, single + 1]] };
}

function isPort(n: number): boolean {
  return Number.isInteger(n) && n >= 0 && n <= 65535;
}

/** An IPv4 or IPv6 address, optionally with a prefix length (addresses alone are /32 or /128). */
function parseCidr(text: string): AllowedHost['host'] | null {
  const [address = '', bitsText] = text.split('/');
  const v4 = parseIpv4(address);
  const v6 = v4 ? null : parseIpv6(address.replace(/^\[|\]$/g, ''));
  const bytes = v4 ?? v6;
  if (!bytes) return null;
  const max = bytes.length * 8;
  const bits = bitsText === undefined ? max : Number(bitsText);
  if (!Number.isInteger(bits) || bits < 0 || bits > max) return null;
  return { kind: 'cidr', base: bytes, bits, v6: v6 !== null };
}

export function parseIpv4(text: string): number[] | null {
  const parts = text.split('.');
  if (parts.length !== 4 || !parts.every((p) => /^\d{1,3}$/.test(p) && Number(p) <= 255)) return null;
  return parts.map(Number);
}

export function parseIpv6(text: string): number[] | null {
  if (!text.includes(':') || !/^[0-9a-fA-F:.]+$/.test(text)) return null;
  const halves = text.split('::');
  if (halves.length > 2) return null;
  const groups = (half: string) => (half === '' ? [] : half.split(':'));
  const head = groups(halves[0] ?? '');
  const tail = halves.length === 2 ? groups(halves[1] ?? '') : [];
  const missing = 8 - head.length - tail.length;
  if ((halves.length === 1 && missing !== 0) || missing < 0) return null;
  const all = [...head, ...Array(halves.length === 2 ? missing : 0).fill('0'), ...tail];
  if (!all.every((g) => /^[0-9a-fA-F]{1,4}$/.test(g))) return null;
  return all.flatMap((g) => [parseInt(g, 16) >> 8, parseInt(g, 16) & 0xff]);
}

/** A destination: `{ scheme: 'https', host: 'example.com', port: 443 }` (port undefined = default). */
export interface OutboundUrl {
  scheme: string;
  host: string;
  port?: number;
}

export function allows(config: AllowedHost, url: OutboundUrl): boolean {
  if (config.scheme !== '*' && config.scheme !== url.scheme) return false;
  if (!hostAllows(config.host, url.host)) return false;
  if (config.port.kind === 'any') return true;
  const port = url.port ?? wellKnownPort(url.scheme);
  if (port === undefined) return false;
  return config.port.ranges.some(([start, end]) => port >= start && port < end);
}

function hostAllows(host: AllowedHost['host'], name: string): boolean {
  switch (host.kind) {
    case 'any':
      return true;
    case 'self':
      return false;
    case 'subdomain':
      return name.endsWith(host.suffix);
    case 'exact':
      return name === host.name;
    case 'cidr': {
      const bytes = host.v6 ? parseIpv6(name.replace(/^\[|\]$/g, '')) : parseIpv4(name);
      if (!bytes || bytes.length !== host.base.length) return false;
      for (let bit = 0; bit < host.bits; bit++) {
        const mask = 0x80 >> (bit % 8);
        if ((bytes[bit >> 3]! & mask) !== (host.base[bit >> 3]! & mask)) return false;
      }
      return true;
    }
  }
}

/** Whether requests to the app itself (relative URLs) are allowed: `http://self` or a host `*`. */
export function allowsSelf(configs: AllowedHost[]): boolean {
  return configs.some((c) => (c.scheme === '*' || c.scheme === 'http' || c.scheme === 'https') && (c.host.kind === 'any' || c.host.kind === 'self'));
}

/** `users.spin.internal[:port]` -> `users`; anything else -> null. */
export function serviceChainingTarget(authority: string): string | null {
  const host = authority.includes(':') ? authority.slice(0, authority.lastIndexOf(':')) : authority;
  const dot = host.indexOf('.');
  if (dot < 0) return null;
  return host.slice(dot + 1) === 'spin.internal' ? host.slice(0, dot) : null;
}

/** Parse every entry; `insecure:allow-all` alone is refused as Spin refuses it. */
export function parseAllowedHosts(entries: readonly string[]): AllowedHost[] {
  if (entries.length === 1 && entries[0] === 'insecure:allow-all') {
    throw new AllowedHostError("'insecure:allow-all' is not allowed - use '*://*:*' instead if you really want to allow all outbound traffic'");
  }
  return entries.map(parseAllowedHost);
}
