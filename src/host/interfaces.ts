/**
 * Which imported interfaces the playground provides, and a precise sentence for every one it
 * does not. The decision is made at load time from the component's own import names, so an
 * unsupported import fails before the first request, naming the import (spin-host-reference §1).
 */

export type Support = { supported: true; key: string } | { supported: false; reason: string };

/** `wasi:io/poll@0.2.12` -> { ns: 'wasi', pkg: 'io', iface: 'poll', version: '0.2.12' } */
export function parseInterfaceName(name: string) {
  const match = /^([a-z0-9-]+):([a-z0-9-]+)\/([a-z0-9-]+)(?:@(.+))?$/.exec(name);
  if (!match) return null;
  const [, ns = '', pkg = '', iface = '', version] = match;
  return { ns, pkg, iface, version };
}

const WASI_02_PACKAGES = new Set(['cli', 'clocks', 'io', 'random', 'filesystem', 'sockets']);
/** Known Spin and WASI capabilities that later work adds; they fail clearly until then. */
const NOT_YET = new Set([
  'fermyon:spin/variables', 'fermyon:spin/sqlite', 'fermyon:spin/redis', 'fermyon:spin/mysql',
  'fermyon:spin/postgres', 'fermyon:spin/mqtt', 'fermyon:spin/llm', 'fermyon:spin/config',
  'fermyon:spin/http', 'fermyon:spin/key-value', 'fermyon:spin/http-types', 'fermyon:spin/rdbms-types',
  'wasi:keyvalue/store', 'wasi:keyvalue/atomics', 'wasi:keyvalue/batch', 'wasi:config/store',
  'spin:postgres/postgres', 'spin:sqlite/sqlite',
]);

export function supportFor(name: string): Support {
  const parsed = parseInterfaceName(name);
  if (!parsed) return { supported: false, reason: 'it is not an interface name the playground knows' };
  const { ns, pkg, iface, version } = parsed;
  const key = `${ns}:${pkg}/${iface}`;
  if (version?.startsWith('0.3.') || (ns === 'spin' && /^3\./.test(version ?? '') && pkg !== 'postgres' && pkg !== 'sqlite')) {
    return { supported: false, reason: 'Spin 4 async (WASIp3) worlds are not supported yet ("unsupported: WASIp3 / async world")' };
  }
  if (ns === 'wasi' && (WASI_02_PACKAGES.has(pkg) || pkg === 'http') && version?.startsWith('0.2.')) {
    if (version.includes('-rc-')) return { supported: false, reason: `the WASI ${version} release candidate is not supported; rebuild with a current Spin SDK` };
    return { supported: true, key };
  }
  if (key === 'fermyon:spin/key-value' && version === '2.0.0') return { supported: true, key };
  if (NOT_YET.has(key)) return { supported: false, reason: 'this Spin interface is not available in the playground yet' };
  return { supported: false, reason: 'it is not a Spin or WASI interface the playground provides' };
}

/** Exports a Spin HTTP component may have (spin-host-reference §6.1). */
export function handlerKind(exportName: string): 'wasi-http-0.2' | 'spin1-inbound-http' | 'unsupported-handler' | null {
  if (/^wasi:http\/incoming-handler@0\.2\.\d+$/.test(exportName)) return 'wasi-http-0.2';
  if (/^wasi:http\/incoming-handler@0\.2\.0-rc-/.test(exportName)) return 'unsupported-handler';
  if (/^wasi:http\/handler@0\.3\./.test(exportName)) return 'unsupported-handler';
  if (exportName === 'fermyon:spin/inbound-http') return 'spin1-inbound-http';
  return null;
}
