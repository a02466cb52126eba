/**
 * The page's API for writing Spin JS components (docs/authoring.md). Builds run in a dedicated Worker
 * (build-worker.ts); the result is the pre-initialised main core module that the engine serves
 * with the glue template (prepared.ts, `prepareAuthored`) and, on request, the full component for
 * "Export .wasm" (export.ts).
 *
 *   const result = await buildJsComponent(code);
 *   if (!result.ok) showMarkers(result.errors); // [{ line, column, message }]
 *   else load the app with result.coreModule (see src/authoring/README.md)
 */
import type { BuildOptions, BuildResult } from './builder';
import { defaultArtifactBase } from './manifest';
import type { FromBuildWorker, ToBuildWorker } from './protocol';

export type { BuildOptions, BuildResult, BuildStats, ScriptError } from './builder';

export type JsBuildResult = BuildResult & {
  /** The full component (when asked for with `component: true`). */
  component?: Uint8Array;
  componentMs?: number;
};

export interface AuthoringClientOptions {
  /** Where public/authoring/ is served (default: `<vite base>authoring/` of this page). */
  artifactsBase?: string;
}

/**
 * How long a build may take. Building runs the source's top-level code (Wizer pre-initialises
 * it), so a top-level endless loop would never return: the Worker is stopped instead.
 */
export const BUILD_TIMEOUT_MS = 30_000;

/** The build ran out of time; its Worker was terminated (the next request starts a new one). */
export class BuildTimeoutError extends Error {}

type Request = ToBuildWorker extends infer T ? (T extends unknown ? Omit<T, 'id' | 'artifactsBase'> : never) : never;
type Pending = { resolve(message: FromBuildWorker): void; reject(error: Error): void };

export class AuthoringClient {
  readonly #base: string;
  #worker: Worker | undefined;
  #nextId = 1;
  readonly #pending = new Map<number, Pending>();

  constructor(options: AuthoringClientOptions = {}) {
    this.#base = options.artifactsBase ?? defaultArtifactBase();
  }

  #request(message: Request, transfer: Transferable[] = []): Promise<FromBuildWorker> {
    if (!this.#worker) {
      this.#worker = new Worker(new URL('./build-worker.ts', import.meta.url), { type: 'module', name: 'spin-authoring' });
      this.#worker.onmessage = (event: MessageEvent<FromBuildWorker>) => {
        const pending = this.#pending.get(event.data.id);
        this.#pending.delete(event.data.id);
        pending?.resolve(event.data);
      };
      this.#worker.onerror = (event) => {
        const error = new Error(`the authoring Worker failed: ${event.message || 'could not start'}`);
        for (const p of this.#pending.values()) p.reject(error);
        this.#pending.clear();
        this.#worker?.terminate();
        this.#worker = undefined;
      };
    }
    const id = this.#nextId++;
    const worker = this.#worker;
    return new Promise<FromBuildWorker>((resolve, reject) => {
      this.#pending.set(id, { resolve, reject });
      worker.postMessage({ ...message, id, artifactsBase: this.#base } as ToBuildWorker, transfer);
    }).then((reply) => {
      if (reply.type === 'failed') throw new Error(reply.message);
      return reply;
    });
  }

  /** Downloads the engine and compiles it, so that the first build is fast too. Resolves with the time taken. */
  async warm(): Promise<number> {
    const reply = await this.#request({ type: 'warm' });
    return reply.type === 'warmed' ? reply.ms : 0;
  }

  /**
   * Builds `code`; with `component: true` the full component (for export) comes back too. Throws
   * `BuildTimeoutError` when the build takes longer than `timeoutMs` (default `BUILD_TIMEOUT_MS`)
   * after the Worker is warm, having stopped the Worker.
   */
  async build(code: string, options: BuildOptions & { component?: boolean; timeoutMs?: number } = {}): Promise<JsBuildResult> {
    const { timeoutMs = BUILD_TIMEOUT_MS, ...buildOptions } = options;
    // The time limit is for the script: downloading and compiling the builder (the Worker's
    // warm-up, once per Worker, slow on a busy machine) runs no user code and comes first.
    await this.warm();
    let expired: BuildTimeoutError | undefined;
    const timer = setTimeout(() => {
      expired = new BuildTimeoutError(
        `the build did not finish within ${formatSeconds(timeoutMs)} and was stopped. Building runs the script's top-level code: look for a loop ` +
          `that never ends outside the handler`,
      );
      // Rejects the pending build (and anything else queued on this Worker).
      this.terminate();
    }, timeoutMs);
    try {
      const reply = await this.#request({ type: 'build', code, options: buildOptions });
      if (reply.type !== 'built') throw new Error(`unexpected reply ${reply.type}`);
      return reply.result;
    } catch (error) {
      throw expired ?? error;
    } finally {
      clearTimeout(timer);
    }
  }

  /** The full component for a core module from `build` (componentNew with the preview1 adapter, stubWasi, metadata). */
  async exportComponent(coreModule: Uint8Array): Promise<Uint8Array> {
    const copy = coreModule.slice();
    const reply = await this.#request({ type: 'export', coreModule: copy }, [copy.buffer]);
    if (reply.type !== 'exported') throw new Error(`unexpected reply ${reply.type}`);
    return reply.component;
  }

  terminate(): void {
    this.#worker?.terminate();
    this.#worker = undefined;
    for (const p of this.#pending.values()) p.reject(new Error('the authoring Worker was stopped'));
    this.#pending.clear();
  }
}

const formatSeconds = (ms: number) => (ms % 1000 === 0 ? `${ms / 1000} s` : `${(ms / 1000).toFixed(1)} s`);

let shared: AuthoringClient | undefined;

/** The page's shared builder. */
export function authoringClient(): AuthoringClient {
  shared ??= new AuthoringClient();
  return shared;
}

/** Builds a Spin JS handler into a real component's core module, in a Worker (see AuthoringClient.build). */
export function buildJsComponent(source: string, options: BuildOptions & { component?: boolean; timeoutMs?: number } = {}): Promise<JsBuildResult> {
  return authoringClient().build(source, options);
}
