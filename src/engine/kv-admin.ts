/**
 * The key-value explorer's operations, run inside the engine against the same store the app
 * uses, so every change goes through `SqliteKvStore` and persistence journals it like an app
 * write (and `flush` makes it durable before the UI hears back).
 */
import type { KvAdminOp, KvAdminResult } from '../protocol/messages';
import type { SqliteKvStore } from '../storage/sqlite-store';

export interface KvAdminDeps {
  kv: SqliteKvStore;
  flush(): Promise<void>;
  /** Tells listeners (the explorer, other tabs' explorers) that a store changed. */
  onKvWrite?(store: string): void;
}

const toBuffer = (bytes: Uint8Array): ArrayBuffer => bytes.slice().buffer as ArrayBuffer;

export async function runKvAdmin(op: KvAdminOp, deps: KvAdminDeps): Promise<KvAdminResult> {
  const { kv } = deps;
  try {
    switch (op.op) {
      case 'stores':
        return { op: 'stores', stores: kv.stores().map((name) => ({ name, keys: kv.keys(name).length })) };
      case 'list': {
        const all = kv.keys(op.store);
        const matched = op.prefix ? all.filter((key) => key.startsWith(op.prefix)) : all;
        return { op: 'list', keys: matched.slice(0, op.limit), total: all.length, matched: matched.length };
      }
      case 'get': {
        const value = kv.get(op.store, op.key);
        return { op: 'get', value: value ? toBuffer(value) : null };
      }
      case 'export':
        return { op: 'export', entries: kv.getMany(op.store, kv.keys(op.store)).map(([key, value]): [string, ArrayBuffer] => [key, toBuffer(value)]) };
      case 'set':
        kv.set(op.store, op.key, new Uint8Array(op.value));
        return await written(deps, [op.store], 1);
      case 'delete':
        kv.deleteMany(op.store, op.keys);
        return await written(deps, [op.store], op.keys.length);
      case 'import':
        kv.setMany(
          op.store,
          op.entries.map(([key, value]): [string, Uint8Array] => [key, new Uint8Array(value)]),
        );
        return await written(deps, [op.store], op.entries.length);
      case 'clear': {
        const stores = op.store === null ? kv.stores() : [op.store];
        let changed = 0;
        for (const store of stores) {
          const keys = kv.keys(store);
          if (keys.length > 0) kv.deleteMany(store, keys);
          changed += keys.length;
        }
        return await written(deps, stores, changed);
      }
    }
  } catch (error) {
    return { op: 'error', message: error instanceof Error ? error.message : String(error) };
  }
}

async function written(deps: KvAdminDeps, stores: string[], changed: number): Promise<KvAdminResult> {
  await deps.flush();
  for (const store of stores) deps.onKvWrite?.(store);
  return { op: 'done', changed };
}
