/**
 * Assembles the import object for one fresh instance of one component: WASI, `wasi:http`, and
 * the Spin interfaces it imports, each with that component's own permissions. jco's glue reads
 * interfaces by name without version (toolchain-notes §4), so that is how they are keyed.
 */
import * as sockets from '@bytecodealliance/preview2-shim/sockets';
import type { SpinComponent } from '../manifest/types';
import type { SqliteKvStore } from '../kv/sqlite-store';
import { createKeyValueV2 } from './key-value';
import { supportFor } from './interfaces';
import { createWasiHost } from './wasi';
import { createWasiHttpTypes } from './wasi-http';
import { createOutgoingHandler, type OutboundHttpContext } from './outbound-http';

export interface InstanceContext {
  component: SpinComponent;
  kv: SqliteKvStore;
  onStdout(line: string): void;
  onStderr(line: string): void;
  onWarning(message: string): void;
  onHostCall?(call: string, outcome: string): void;
  onKvWrite?(store: string): void;
  /** The component's `files` tree, mounted read-only at `/`. */
  files?: { dir: Record<string, unknown> };
  /** Outbound HTTP for this component: its allowed hosts and the engine's in-process routes. */
  outbound: Omit<OutboundHttpContext, 'onWarning' | 'onCall'>;
}

export function buildImports(importNames: string[], ctx: InstanceContext): { imports: Record<string, unknown>; finish(): void } {
  const wasi = createWasiHost({
    environment: ctx.component.environment,
    ...(ctx.files ? { files: ctx.files } : {}),
    onStdout: ctx.onStdout,
    onStderr: ctx.onStderr,
  });
  const providers: Record<string, () => unknown> = {
    ...Object.fromEntries(Object.entries(wasi.imports).map(([k, v]) => [k, () => v])),
    'wasi:sockets/instance-network': () => sockets.instanceNetwork,
    'wasi:sockets/network': () => sockets.network,
    'wasi:sockets/ip-name-lookup': () => sockets.ipNameLookup,
    'wasi:sockets/tcp-create-socket': () => sockets.tcpCreateSocket,
    'wasi:sockets/tcp': () => sockets.tcp,
    'wasi:sockets/udp-create-socket': () => sockets.udpCreateSocket,
    'wasi:sockets/udp': () => sockets.udp,
    'wasi:http/types': () => createWasiHttpTypes(),
    'wasi:http/outgoing-handler': () =>
      createOutgoingHandler({ ...ctx.outbound, onWarning: ctx.onWarning, onCall: ctx.onHostCall }),
    'fermyon:spin/key-value': () =>
      createKeyValueV2({
        store: ctx.kv,
        allowedStores: ctx.component.keyValueStores,
        onCall: ctx.onHostCall,
        onWrite: ctx.onKvWrite,
      }),
  };
  const imports: Record<string, unknown> = {};
  for (const name of importNames) {
    const support = supportFor(name);
    if (!support.supported) throw new Error(`unsupported import ${name}: ${support.reason}`);
    const provide = providers[support.key];
    if (!provide) throw new Error(`unsupported import ${name}: the playground has no implementation of it`);
    imports[support.key] ??= provide();
  }
  return { imports, finish: wasi.finish };
}

/** Load-time check: every import this component has must be one the playground provides. */
export function unsupportedImports(importNames: string[]): Array<{ name: string; reason: string }> {
  return importNames.flatMap((name) => {
    const support = supportFor(name);
    return support.supported ? [] : [{ name, reason: support.reason }];
  });
}
