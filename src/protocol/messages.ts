/**
 * Every message that crosses an execution context, in one place. Each type says who sends it to
 * whom. This module is a leaf: it imports nothing from `src/` and holds no logic but guards.
 *
 * Contexts: UI page (UI origin) · runner frame (preview origin) · service worker (preview origin)
 * · engine Worker (started by the runner).
 */

/** An HTTP request as plain data, transferable between contexts. */
export interface WireRequest {
  method: string;
  /** Path and query as the client sent them, e.g. `/api/items?x=1`. */
  pathWithQuery: string;
  headers: Array<[string, string]>;
  body: ArrayBuffer | null;
}

/** An HTTP response as plain data, with the timing split the request console shows. */
export interface WireResponse {
  status: number;
  headers: Array<[string, string]>;
  /** Bytes, or a (transferred) stream when the component is still writing its body. */
  body: ArrayBuffer | ReadableStream<Uint8Array> | null;
  timing?: RequestTiming;
}

export interface RequestTiming {
  routeMs: number;
  instantiateMs: number;
  handlerMs: number;
  persistMs: number;
  totalMs: number;
  /** Matched component id, or the reserved/static handler name. */
  handledBy?: string;
}

/** The app as files: its manifest and every file the manifest names, keyed by manifest path. */
export interface AppBundle {
  manifestText: string;
  /** Where the manifest came from (for messages and relative URLs); absent for uploads. */
  manifestUrl?: string;
  /** Component binaries and other files, keyed by the path or URL written in the manifest. */
  files: Record<string, ArrayBuffer>;
  /** Values for the app's `[variables]`, as `spin up --variable name=value` would set them. */
  variables?: Record<string, string>;
}

export interface LoadedRoute {
  component: string;
  route: string;
  wildcard: boolean;
}

export type LoadResult =
  | { ok: true; routes: LoadedRoute[]; components: string[] }
  | { ok: false; error: string; line?: number; column?: number; file?: string };

export type LogLevel = 'info' | 'warn' | 'error' | 'stdout' | 'stderr';

export interface LogEntry {
  time: number;
  level: LogLevel;
  /** The component or host part that produced the line. */
  source: string;
  message: string;
}

/** Sent from the UI to the engine (over the port the runner hands over). */
export type UiToEngine =
  | { type: 'load'; id: number; bundle: AppBundle }
  | { type: 'request'; id: number; request: WireRequest }
  /** Time `count` calls of the engine's own `handle()`, with no service worker or message hop. */
  | { type: 'time-direct'; id: number; request: WireRequest; count: number };

/** Sent from the engine to the UI. */
export type EngineToUi =
  | { type: 'loaded'; id: number; result: LoadResult }
  | { type: 'response'; id: number; response: WireResponse }
  | { type: 'timed'; id: number; durationsMs: number[] }
  | { type: 'log'; entry: LogEntry }
  | { type: 'kv-changed'; stores: string[] };

/** Sent from the service worker to the engine, and answered on the same port. */
export type SwToEngine = { type: 'fetch'; id: number; request: WireRequest };
export type EngineToSw = { type: 'response'; id: number; response: WireResponse };

/** Sent from the runner to the service worker: the port to the engine. */
export interface EnginePortMessage {
  type: 'engine-port';
  port: MessagePort;
}
/** Sent from the service worker to the runner when it has no port (it was stopped). */
export interface NeedPortMessage {
  type: 'need-port';
}
/** Sent from a page to the service worker after a hard reload, which leaves the page uncontrolled. */
export interface ClaimMessage {
  type: 'claim';
}

/** Sent from the UI to the runner frame: a port to talk to the engine directly. */
export interface ConnectMessage {
  type: 'connect';
  port: MessagePort;
}

/** Sent from the runner to the UI (window.parent). */
export type RunnerToUi =
  | { type: 'runner-ready' }
  | { type: 'runner-error'; message: string };

/** Path prefix of the playground's own files on every origin (Vite `base`). */
export const RESERVED_PREFIX = '/__pg/';
/** A path the service worker answers by itself (204): a health check, and the benchmark's floor. */
export const SW_PING_PATH = `${RESERVED_PREFIX}sw-ping`;
/** Path of the runner page on a preview origin. */
export const RUNNER_PATH = `${RESERVED_PREFIX}runner.html`;

export function isMessage<T extends { type: string }>(data: unknown, type: T['type']): data is T {
  return typeof data === 'object' && data !== null && (data as { type?: unknown }).type === type;
}
