/**
 * Core modules built in the page ("New JS app", src/authoring/) are served with a prebuilt glue
 * template instead of being transpiled. The engine knows only this interface; the engine
 * Worker's entry (worker.ts) passes in the authoring side's implementation, so the rest of the
 * engine never imports src/authoring/ (docs/architecture.md, "Dependency rules").
 */
import type { PreparedComponent } from './components';
import type { Bridge } from './transpile-options';
import type { ComponentWorld } from './component-world';

export interface AuthoredCores {
  /** Whether `bytes` is a core module the in-page builder made (checked before the Spin 1 path). */
  isAuthoredCore(bytes: Uint8Array): boolean;
  /** A component ready to instantiate for such a core module. */
  prepare(coreModule: Uint8Array, bridge: Bridge): Promise<PreparedComponent>;
  /** The template's world once `prepare` has loaded it, for the Files panel; undefined before. */
  world(): ComponentWorld | undefined;
}

/** Without the authoring side (unit tests, tools): no core module counts as authored. */
export const NO_AUTHORED_CORES: AuthoredCores = {
  isAuthoredCore: () => false,
  prepare: () => Promise.reject(new Error('this engine was started without the in-page builder')),
  world: () => undefined,
};
