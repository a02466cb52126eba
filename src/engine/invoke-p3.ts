/**
 * WASI 0.3 components run on reused instances (Spin 4's model, instance-pool.ts): an instance is
 * made with its imports once and then serves many requests, several at a time. Its host
 * interfaces outlive any one request, so the per-request hooks (the trace's host calls, the
 * in-process routes of the request's trace) are reached through `forward`, which points at the
 * latest request's dependencies. With requests in flight at once, a host call is recorded in the
 * trace of the request that started last (the glue does not say which task made it).
 */
import { buildImports, type InstanceContext } from '../host/imports';
import type { LoadedComponent } from './app-loader';
import { InstancePool, SPIN4_INSTANCE_LIMITS, type Lease } from './instance-pool';
import { describeTrap, type HandlerRun } from './executors/wasi-http';
import { TRAP_AFTER_RETURN_IMPORT } from './glue-rewrites';
import type { InvokeDeps } from './invoke-types';

export interface P3Instance {
  exports: Record<string, unknown>;
  forward: { deps: InvokeDeps };
  finish(): void;
}

type Context = (deps: InvokeDeps) => InstanceContext;

export function poolFor(entry: LoadedComponent, first: InvokeDeps, contextFor: Context): InstancePool<P3Instance> {
  if (entry.pool) return entry.pool as InstancePool<P3Instance>;
  const pool = new InstancePool<P3Instance>({
    limits: entry.instanceLimits ?? SPIN4_INSTANCE_LIMITS,
    create: async (poison) => {
      const forward = { deps: first };
      const relay: InvokeDeps = {
        ...first,
        onHostCall: (call, outcome, startedAt) => forward.deps.onHostCall?.(call, outcome, startedAt),
        internal: (target, request) => forward.deps.internal(target, request),
      };
      const { imports, finish } = buildImports(entry.prepared!.world.imports, contextFor(relay));
      // A trap while a response body streams reaches no request's promise: it poisons the instance.
      const onTrap = (error: unknown) => poison(describeTrap(error));
      const exports = await entry.prepared!.instantiate({ ...imports, [TRAP_AFTER_RETURN_IMPORT]: onTrap });
      return { exports, forward, finish };
    },
    destroy: (instance) => instance.finish(),
  });
  entry.pool = pool as InstancePool<unknown>;
  return pool;
}

/**
 * A run on a shared instance: if a request on it traps, this one fails too (500 before its head, a
 * cut-short body after), as every task of a trapped Wasmtime store fails. A trap after a response
 * went out cannot be pinned on one request, so the message names the instance, not a request.
 */
export function guardPoisoned(run: HandlerRun & { done: Promise<{ failure?: string; trapped?: boolean }> }, lease: Lease<P3Instance>): HandlerRun {
  const poisoned = lease.instance.whenPoisoned.then((reason) => ({
    failure: `Error processing request: the component instance (#${lease.instance.id}) was dropped after a trap in a request on it: ${reason}`,
  }));
  const done = Promise.race([run.done, poisoned]);
  void done.then((result) => {
    if ('trapped' in result && result.trapped) lease.poison(result.failure ?? 'trap');
    lease.release();
  });
  return { head: Promise.race([run.head, poisoned.then(() => null)]), done };
}

export function instanceInfo(lease: Lease<P3Instance>) {
  return { id: lease.instance.id, request: lease.ordinal, maxReuse: lease.instance.maxReuse, inFlight: lease.instance.inFlight };
}
