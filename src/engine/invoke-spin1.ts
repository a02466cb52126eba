/**
 * Runs a Spin 1 guest for one request: a component exporting `fermyon:spin/inbound-http`, or a
 * core module through the Spin 1 adapter. Both take a fully buffered request and give a fully
 * buffered response (Spin 1 has no streaming), with Spin 1's method, status and header rules.
 */
import { createKeyValueCore } from '../host/key-value';
import type { LoadedComponent } from './app-loader';
import type { InvokeDeps, InvokeResult } from './invoke-types';
import { findInboundHttp, runInboundHttp, spin1Accepts, type Spin1Request } from './executors/inbound-http';
import { createSpin1CoreHandler, type Spin1ConfigResult } from './executors/spin1-core';

export async function invokeSpin1(
  entry: LoadedComponent,
  request: Spin1Request,
  imports: Record<string, unknown>,
  finish: () => void,
  deps: InvokeDeps,
): Promise<InvokeResult> {
  const id = entry.component.id;
  const started = performance.now();
  let result: { status: number; headers: Array<[string, string]>; body: Uint8Array; failure?: string };
  let instantiateMs = 0;
  if (!spin1Accepts(request.method)) {
    // Outside Spin 1's method enum: 405 without calling the guest.
    result = { status: 405, headers: [], body: new Uint8Array() };
  } else if (entry.kind === 'spin1-core') {
    const handler = createSpin1CoreHandler(entry.coreModule!, {
      kv: createKeyValueCore({
        store: deps.kv,
        allowedStores: entry.component.keyValueStores,
        onWrite: deps.onKvWrite,
        ...(deps.kvLimits ? { limits: deps.kvLimits.forComponent(id) } : {}),
      }),
      config: (key) => spin1Config(entry, key),
      files: entry.mounts ?? new Map(),
      env: entry.component.environment,
      onStdout: (line) => deps.log({ level: 'stdout', source: id, message: line }),
      onStderr: (line) => deps.log({ level: 'stderr', source: id, message: line }),
      onWarning: (message) => deps.log({ level: 'warn', source: id, message }),
    });
    result = await handler.handle(request);
  } else {
    try {
      const instance = await entry.prepared!.instantiate(imports);
      instantiateMs = performance.now() - started;
      result = await runInboundHttp(findInboundHttp(instance), request);
      // The handler returned and the body is copied out: this instance never runs again.
      entry.prepared!.release?.(instance);
    } catch (error) {
      result = {
        status: 500,
        headers: [],
        body: new Uint8Array(),
        failure: `Error processing request: ${error instanceof Error ? error.message : String(error)}`,
      };
    }
  }
  finish();
  const handlerMs = performance.now() - started - instantiateMs;
  if (result.failure) {
    deps.log({ level: 'error', source: id, message: `${request.method} ${request.uri}: ${result.failure}` });
    result = { status: 500, headers: [], body: new Uint8Array() };
  }
  const persistStart = performance.now();
  await deps.flush();
  return { status: result.status, headers: result.headers, body: result.body, instantiateMs, handlerMs, persistMs: performance.now() - persistStart };
}

/** Spin 1 `config.get-config`: variables, with `invalid-name` as `invalid-key` and `undefined` as `provider`. */
function spin1Config(entry: LoadedComponent, key: string): Spin1ConfigResult {
  const result = entry.variables.get(key);
  if (result.ok) return { ok: result.value };
  const { tag, val } = result.error;
  const kind = tag === 'invalid-name' ? 'invalid-key' : tag === 'undefined' || tag === 'provider' ? 'provider' : 'other';
  return { err: { kind, message: val } };
}
