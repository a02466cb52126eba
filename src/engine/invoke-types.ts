/**
 * What running a component needs and gives back, shared by invoke.ts (WASI 0.2 and 0.3 components) and
 * invoke-spin1.ts (Spin 1 components and core modules). A leaf, so the two import it and not
 * each other.
 */
import type { LogEntry } from '../protocol/messages';
import type { SqliteKvStore } from '../storage/sqlite-store';
import type { SqliteDatabases } from '../storage/sqlite-databases';
import type { InternalRequest, InternalResponse } from '../host/outbound-http';
import type { KvLimits } from '../host/key-value-limits';

export interface InvokeDeps {
  kv: SqliteKvStore;
  sqlite: SqliteDatabases;
  onSqliteWrite?(label: string): void;
  log(entry: Omit<LogEntry, 'time'>): void;
  origin: { scheme: 'http' | 'https'; host: string };
  flush(): Promise<void>;
  onKvWrite?(store: string): void;
  internal(target: { self: true } | { component: string }, request: InternalRequest): Promise<InternalResponse>;
  fetch: typeof fetch;
  bridge: 'jspi' | 'sync';
  /** Every host call the component makes, for the request's trace (async calls: with their start). */
  onHostCall?(call: string, outcome: string, startedAt?: number): void;
  /** The loaded app's key-value limits; without it writes are not checked. */
  kvLimits?: KvLimits;
  /** Which reused instance serves the request (WASI 0.3 components), for the trace. */
  onInstance?(info: { id: number; request: number; maxReuse: number; inFlight: number }): void;
}

export interface InvokeResult {
  status: number;
  headers: Array<[string, string]>;
  body: Uint8Array | ReadableStream<Uint8Array>;
  instantiateMs: number;
  /** What making the serving instance took, wherever it was made (ahead of the request, for WASI 0.2). */
  instanceMs?: number;
  handlerMs: number;
  persistMs: number;
}
