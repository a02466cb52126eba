/**
 * Assembles the import object for one fresh instance of one component: WASI, `wasi:http`, and
 * the Spin interfaces it imports, each with that component's own permissions. jco's glue reads
 * interfaces by name without version (docs/toolchain.md §4), so that is how they are keyed; where
 * two versions share a key (`fermyon:spin/key-value` and `@2.0.0`), the one the component
 * imports is served.
 */
import * as sockets from '@bytecodealliance/preview2-shim/sockets';
import type { SpinComponent } from '../manifest/types';
import type { SqliteKvStore } from '../storage/sqlite-store';
import type { SqliteDatabases } from '../storage/sqlite-databases';
import { createKeyValueSpin1, createKeyValueV2, createWasiKeyValue, type KeyValueContext } from './key-value';
import type { KvWriteGuard } from './key-value-limits';
import { createKeyValueV3 } from './key-value-p3';
import { createSpinConfigV1, createVariablesV2, createVariablesV3, createWasiConfig, type VariableResolver } from './variables';
import { createSqliteSpin1, createSqliteV2, createSqliteV3, createSqliteV31 } from './sqlite';
import { createUnavailableHosts } from './stubs';
import { HOST_INTERFACES } from './versions';
import { generationClashes, P3_VERSIONS, supportFor } from './interfaces';
import { createWasiHost } from './wasi';
import { createWasiHttpTypes } from './wasi-http';
import { createWasiHttpTypesP3 } from './wasi-http-p3';
import { createFilesystemP3 } from './wasi-filesystem-p3';
import { createEnvironmentP3, createMonotonicClockP3, createOutputP3, createStdinP3, createSystemClockP3 } from './wasi-p3';
import { createOutgoingHandler, type OutboundHttpContext } from './outbound-http';
import { createSpin1Http } from './outbound-http-spin1';
import { createHttpClientP3 } from './outbound-http-p3';

export interface InstanceContext {
  component: SpinComponent;
  kv: SqliteKvStore;
  sqlite: SqliteDatabases;
  variables: VariableResolver;
  onStdout(line: string): void;
  onStderr(line: string): void;
  onWarning(message: string): void;
  /** `startedAt` (a `performance.now()`): where an async (WASI 0.3) call started. */
  onHostCall?(call: string, outcome: string, startedAt?: number): void;
  onKvWrite?(store: string): void;
  /** Key-value size and count limits for this component (warn or refuse); none when absent. */
  kvLimits?: KvWriteGuard;
  onSqliteWrite?(label: string): void;
  /** The component's `files` tree, mounted read-only at `/`. */
  files?: { dir: Record<string, unknown> };
  /** How waits are bridged: JSPI, or synchronously where the browser lacks it. */
  bridge: 'jspi' | 'sync';
  /** Outbound HTTP for this component: its allowed hosts and the engine's in-process routes. */
  outbound: Omit<OutboundHttpContext, 'onWarning' | 'onCall'>;
}

export function buildImports(importNames: string[], ctx: InstanceContext): { imports: Record<string, unknown>; finish(): void } {
  const wasi = createWasiHost({
    environment: ctx.component.environment,
    bridge: ctx.bridge,
    ...(ctx.files ? { files: ctx.files } : {}),
    onStdout: ctx.onStdout,
    onStderr: ctx.onStderr,
  });
  const finishers: Array<() => void> = [wasi.finish];
  const kvContext: KeyValueContext = {
    store: ctx.kv,
    allowedStores: ctx.component.keyValueStores,
    onCall: ctx.onHostCall,
    onWrite: ctx.onKvWrite,
    ...(ctx.kvLimits ? { limits: ctx.kvLimits } : {}),
  };
  const sqliteContext = { databases: ctx.sqlite, allowedDatabases: ctx.component.sqliteDatabases, onCall: ctx.onHostCall, onWrite: ctx.onSqliteWrite };
  const variablesContext = { resolver: ctx.variables, onCall: ctx.onHostCall };
  const outbound = { ...ctx.outbound, onWarning: ctx.onWarning, onCall: ctx.onHostCall };
  // One instance of each factory per component instance, created on first use.
  const once = <T>(make: () => T) => {
    let value: T | undefined;
    return () => (value ??= make());
  };
  const wasiKeyValue = once(() => createWasiKeyValue(kvContext));
  const unavailable = once(() => createUnavailableHosts(ctx.onHostCall));
  const withFinish = <T extends { finish(): void }>(host: T) => {
    finishers.push(() => host.finish());
    return host;
  };
  const byName: Record<string, () => unknown> = {
    'fermyon:spin/key-value': () => createKeyValueSpin1(kvContext),
    'fermyon:spin/key-value@2.0.0': () => createKeyValueV2(kvContext),
    'spin:key-value/key-value@3.0.0': () => createKeyValueV3(kvContext),
    'wasi:keyvalue/store@0.2.0-draft2': () => wasiKeyValue().store,
    'wasi:keyvalue/atomics@0.2.0-draft2': () => wasiKeyValue().atomics,
    'wasi:keyvalue/batch@0.2.0-draft2': () => wasiKeyValue().batch,
    'fermyon:spin/variables@2.0.0': () => createVariablesV2(variablesContext),
    'spin:variables/variables@3.0.0': () => createVariablesV3(variablesContext),
    'wasi:config/store@0.2.0-draft-2024-09-27': () => createWasiConfig(variablesContext),
    'fermyon:spin/config': () => createSpinConfigV1(variablesContext),
    'fermyon:spin/sqlite': () => withFinish(createSqliteSpin1(sqliteContext)),
    'fermyon:spin/sqlite@2.0.0': () => withFinish(createSqliteV2(sqliteContext)),
    'spin:sqlite/sqlite@3.0.0': () => withFinish(createSqliteV3(sqliteContext)),
    'spin:sqlite/sqlite@3.1.0': () => withFinish(createSqliteV31(sqliteContext)),
    'fermyon:spin/http-types': () => ({}),
    'fermyon:spin/http': () => createSpin1Http(outbound),
    'wasi:http/types': () => createWasiHttpTypes(),
    'wasi:http/types@0.3.0-rc-2026-03-15': () => createWasiHttpTypesP3(),
    'wasi:http/types@0.3.0': () => createWasiHttpTypesP3(),
    ...wasiP3(wasi),
    ...filesystemP3(ctx.files),
    'wasi:http/outgoing-handler': () => createOutgoingHandler(outbound),
    'wasi:http/client@0.3.0-rc-2026-03-15': () => createHttpClientP3(outbound),
    'wasi:http/client@0.3.0': () => createHttpClientP3(outbound),
    'wasi:sockets/instance-network': () => sockets.instanceNetwork,
    'wasi:sockets/network': () => sockets.network,
    'wasi:sockets/ip-name-lookup': () => sockets.ipNameLookup,
    'wasi:sockets/tcp-create-socket': () => sockets.tcpCreateSocket,
    'wasi:sockets/tcp': () => sockets.tcp,
    'wasi:sockets/udp-create-socket': () => sockets.udpCreateSocket,
    'wasi:sockets/udp': () => sockets.udp,
  };
  for (const entry of HOST_INTERFACES) if (entry.family === 'unavailable') byName[entry.name] = () => unavailable()[entry.name];

  const clash = generationClashes(importNames)[0];
  if (clash) throw new Error(`unsupported import ${clash.name}: ${clash.reason}`);
  const imports: Record<string, unknown> = {};
  const seen = new Set<string>();
  const keyOf = (name: string) => name.split('@')[0]!;
  const isP3 = (name: string) => P3_VERSIONS.has(name.split('@')[1] ?? '');
  // Keys imported in both generations (e.g. wasi:cli/stdout@0.2.6 and @0.3.0-rc-2026-03-15).
  const mixed = new Set(
    importNames
      .filter(isP3)
      .map(keyOf)
      .filter((key) => importNames.some((n) => keyOf(n) === key && !isP3(n))),
  );
  for (const name of importNames) {
    const support = supportFor(name);
    if (!support.supported) throw new Error(`unsupported import ${name}: ${support.reason}`);
    if (seen.has(name) || (support.key in imports && !mixed.has(support.key))) continue;
    seen.add(name);
    const provide = byName[name] ?? byName[support.key] ?? (() => wasi.imports[support.key]);
    const value = provide();
    if (value === undefined) throw new Error(`unsupported import ${name}: the playground has no implementation of it`);
    // A WASI 0.3 component also imports 0.2 interfaces, and the glue reads both versions under
    // one unversioned key: serve the union (their function names differ where their types do).
    imports[support.key] = support.key in imports ? { ...(imports[support.key] as object), ...(value as object) } : value;
  }
  return {
    imports,
    finish() {
      for (const finisher of finishers) finisher();
    },
  };
}

/**
 * WASI 0.3 `cli`, `clocks` and `random` under both published names. Functions whose name and type
 * did not change since 0.2 are served by the 0.2 host object (docs/spin4.md).
 */
function wasiP3(wasi: ReturnType<typeof createWasiHost>): Record<string, () => unknown> {
  const w = wasi.imports;
  const environment = w['wasi:cli/environment'] as { initialCwd(): string | undefined };
  const make: Record<string, () => unknown> = {
    'wasi:cli/environment': () => ({ ...environment, ...createEnvironmentP3(environment) }),
    'wasi:cli/exit': () => w['wasi:cli/exit'],
    'wasi:cli/stdin': () => createStdinP3(),
    'wasi:cli/stdout': () => createOutputP3(wasi.stdout),
    'wasi:cli/stderr': () => createOutputP3(wasi.stderr),
    // Types only (`error-code`, `duration`): nothing for the glue to call.
    'wasi:cli/types': () => ({}),
    'wasi:clocks/types': () => ({}),
    'wasi:cli/terminal-input': () => w['wasi:cli/terminal-input'],
    'wasi:cli/terminal-output': () => w['wasi:cli/terminal-output'],
    'wasi:cli/terminal-stdin': () => w['wasi:cli/terminal-stdin'],
    'wasi:cli/terminal-stdout': () => w['wasi:cli/terminal-stdout'],
    'wasi:cli/terminal-stderr': () => w['wasi:cli/terminal-stderr'],
    'wasi:clocks/monotonic-clock': () => createMonotonicClockP3(),
    'wasi:clocks/system-clock': () => createSystemClockP3(),
    'wasi:random/random': () => w['wasi:random/random'],
    'wasi:random/insecure': () => w['wasi:random/insecure'],
    'wasi:random/insecure-seed': () => w['wasi:random/insecure-seed'],
  };
  const out: Record<string, () => unknown> = {};
  for (const version of P3_VERSIONS) for (const [key, value] of Object.entries(make)) out[`${key}@${version}`] = value;
  return out;
}

/** `wasi:filesystem` @0.3: one filesystem per instance, so `preopens` hands out `types`' own class. */
function filesystemP3(files: InstanceContext['files']): Record<string, () => unknown> {
  let filesystem: ReturnType<typeof createFilesystemP3> | undefined;
  const get = () => (filesystem ??= createFilesystemP3(files));
  const out: Record<string, () => unknown> = {};
  for (const version of P3_VERSIONS) {
    out[`wasi:filesystem/types@${version}`] = () => get().types;
    out[`wasi:filesystem/preopens@${version}`] = () => get().preopens;
  }
  return out;
}

/** Load-time check: every import this component has must be one the playground provides. */
export function unsupportedImports(importNames: string[]): Array<{ name: string; reason: string }> {
  const unsupported = importNames.flatMap((name) => {
    const support = supportFor(name);
    return support.supported ? [] : [{ name, reason: support.reason }];
  });
  return [...unsupported, ...generationClashes(importNames)];
}
