/**
 * Which imported interfaces the playground provides, and a precise sentence for every one it
 * does not. The decision is made at load time from the component's own import names, so an
 * unsupported import fails before the first request, naming the import (docs/spin-behaviour.md §1).
 */
import { HOST_INTERFACES } from './versions';

export type Support = { supported: true; key: string } | { supported: false; reason: string };

/** `wasi:io/poll@0.2.12` -> { ns: 'wasi', pkg: 'io', iface: 'poll', version: '0.2.12' } */
export function parseInterfaceName(name: string) {
  const match = /^([a-z0-9-]+):([a-z0-9-]+)\/([a-z0-9-]+)(?:@(.+))?$/.exec(name);
  if (!match) return null;
  const [, ns = '', pkg = '', iface = '', version] = match;
  return { ns, pkg, iface, version };
}

const WASI_02_PACKAGES = new Set(['cli', 'clocks', 'io', 'random', 'filesystem', 'sockets', 'http']);
const HOSTED = new Set(HOST_INTERFACES.map((h) => h.name));
/** Spin 1 interfaces the playground serves outside the host table: types only, and outbound HTTP. */
const SPIN1_EXTRA = new Set(['fermyon:spin/http-types', 'fermyon:spin/http']);
/** Async (WASIp3) versions of Spin interfaces; everything `spin:*@3.x` except the sync ones is async. */
const SYNC_SPIN3 = new Set(['spin:sqlite/sqlite@3.0.0', 'spin:postgres/postgres@3.0.0']);

/** WASI 0.3 releases a Spin 4 component may import (spin:up@4.1.0 lists both). */
export const P3_VERSIONS = new Set(['0.3.0-rc-2026-03-15', '0.3.0']);
/** WASI 0.3 interfaces the playground serves (keys without version, as the glue reads them). */
const P3_HOSTED = new Set([
  'wasi:http/types',
  'wasi:http/client',
  ...['environment', 'exit', 'stdin', 'stdout', 'stderr', 'types'].map((i) => `wasi:cli/${i}`),
  ...['terminal-input', 'terminal-output', 'terminal-stdin', 'terminal-stdout', 'terminal-stderr'].map((i) => `wasi:cli/${i}`),
  'wasi:clocks/monotonic-clock',
  'wasi:clocks/system-clock',
  'wasi:clocks/types',
  'wasi:random/random',
  'wasi:random/insecure',
  'wasi:random/insecure-seed',
  'wasi:filesystem/types',
  'wasi:filesystem/preopens',
]);

/**
 * Interfaces whose 0.2 and 0.3 versions cannot share the glue's one unversioned key: both have a
 * `descriptor` resource with the same method names and different types (docs/spin4.md).
 */
const ONE_GENERATION_ONLY = new Set(['wasi:filesystem/types', 'wasi:filesystem/preopens']);

/** Imports refused because the component also imports the other generation of the same interface. */
export function generationClashes(importNames: string[]): Array<{ name: string; reason: string }> {
  const p3 = importNames.filter((n) => P3_VERSIONS.has(n.split('@')[1] ?? ''));
  return p3.flatMap((name) => {
    const key = name.split('@')[0]!;
    const other = importNames.find((n) => n.split('@')[0] === key && !p3.includes(n));
    if (!ONE_GENERATION_ONLY.has(key) || !other) return [];
    const reason = `the component also imports ${other}, and the playground cannot serve both versions of this interface in one instance`;
    return [{ name, reason: `${reason} (jco reads both under one name)` }];
  });
}

export function supportFor(name: string): Support {
  const parsed = parseInterfaceName(name);
  if (!parsed) return { supported: false, reason: 'it is not an interface name the playground knows' };
  const { ns, pkg, iface, version } = parsed;
  const key = `${ns}:${pkg}/${iface}`;
  if (HOSTED.has(name) || SPIN1_EXTRA.has(name)) return { supported: true, key };
  if (ns === 'wasi' && P3_VERSIONS.has(version ?? '') && P3_HOSTED.has(key)) return { supported: true, key };
  if (version?.startsWith('0.3.')) {
    return {
      supported: false,
      reason: `the playground does not provide this WASI 0.3 interface yet (it provides ${[...P3_HOSTED].map((k) => `${k}@0.3.x`).join(', ')})`,
    };
  }
  if (ns === 'spin' && /^[34]\./.test(version ?? '') && !SYNC_SPIN3.has(name)) {
    return { supported: false, reason: 'this Spin 4 async interface is not provided yet ("unsupported: WASIp3 / async interface")' };
  }
  if (ns === 'wasi' && WASI_02_PACKAGES.has(pkg) && version?.startsWith('0.2.')) {
    if (version.includes('-rc-'))
      return { supported: false, reason: `the WASI ${version} release candidate is not supported; rebuild with a current Spin SDK` };
    return { supported: true, key };
  }
  if (ns === 'fermyon' || ns === 'spin' || (ns === 'wasi' && (pkg === 'keyvalue' || pkg === 'config'))) {
    return {
      supported: false,
      reason:
        `this version of the interface is not one the playground provides (it has: ` +
        `${[...HOSTED].filter((h) => h.startsWith(`${key}@`) || h === key).join(', ') || 'none'})`,
    };
  }
  return { supported: false, reason: 'it is not a Spin or WASI interface the playground provides' };
}

/** Exports a Spin HTTP component may have (docs/spin-behaviour.md §6.1). */
export function handlerKind(exportName: string): 'wasi-http-0.2' | 'wasi-http-0.3' | 'spin1-inbound-http' | 'unsupported-handler' | null {
  if (/^wasi:http\/incoming-handler@0\.2\.\d+$/.test(exportName)) return 'wasi-http-0.2';
  if (exportName.startsWith('wasi:http/handler@') && P3_VERSIONS.has(exportName.slice('wasi:http/handler@'.length))) return 'wasi-http-0.3';
  if (/^wasi:http\/incoming-handler@0\.2\.0-rc-/.test(exportName)) return 'unsupported-handler';
  if (/^wasi:http\/handler@0\.3\./.test(exportName)) return 'unsupported-handler';
  if (exportName === 'fermyon:spin/inbound-http') return 'spin1-inbound-http';
  return null;
}
