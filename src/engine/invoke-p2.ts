/**
 * WASI 0.2 components: a fresh instance per request, as Spin does, made ahead while the engine is
 * idle (spare-instance.ts). An instance is made before anyone knows which request it will serve,
 * so its host interfaces reach the request's own hooks (the trace's host calls, the in-process
 * routes of the request's trace) through `forward`, set when a request takes it. Making one runs
 * no guest code that touches data, and nothing is recorded for it in any request's trace.
 */
import { buildImports, type InstanceContext } from '../host/imports';
import type { LoadedComponent } from './app-loader';
import type { InvokeDeps } from './invoke-types';
import { SpareInstances } from './spare-instance';

export interface P2Instance {
  exports: Record<string, unknown>;
  forward: { deps: InvokeDeps | null };
  /** The request is over for good: flush the guest's output and let its memories be reused. */
  done(): void;
}

type Context = (deps: InvokeDeps) => InstanceContext;

/** The component's spare instances, made on first use (`base`: the engine's dependencies, no request's hooks). */
export function sparesFor(entry: LoadedComponent, base: InvokeDeps, contextFor: Context): SpareInstances<P2Instance> {
  if (entry.spares) return entry.spares as SpareInstances<P2Instance>;
  const prepared = entry.prepared!;
  const spares = new SpareInstances<P2Instance>({
    create: async () => {
      const forward: P2Instance['forward'] = { deps: null };
      const relay: InvokeDeps = {
        ...base,
        onHostCall: (call, outcome) => forward.deps?.onHostCall?.(call, outcome),
        internal: (target, request) => {
          if (!forward.deps) return Promise.reject(new Error('no request is running on this instance'));
          return forward.deps.internal(target, request);
        },
      };
      const { imports, finish } = buildImports(prepared.world.imports, contextFor(relay));
      const exports = await prepared.instantiate(imports);
      return {
        exports,
        forward,
        done: () => {
          finish();
          prepared.release?.(exports);
        },
      };
    },
    // An unused spare never ran: only its memories go back.
    destroy: (instance) => prepared.release?.(instance.exports),
  });
  entry.spares = spares as SpareInstances<unknown>;
  return spares;
}
