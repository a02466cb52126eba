/**
 * The in-page builder: a Spin JS handler (the `fetch` event, web Request/Response, imports of
 * `fermyon:spin/key-value@2.0.0` and `fermyon:spin/variables@2.0.0`) -> the pre-initialised main
 * core module of a real StarlingMonkey component, as `j2w` would make it (componentize-js 0.19.3
 * + Wizer), in a few hundred milliseconds and without a server:
 *
 *   spliced engine (built once, public/authoring/engine.wasm, compiled once per page)
 *     + WASI preview1 for initialisation (wasi-init.ts) with the embedding protocol (embedding.ts)
 *     -> Wizer in JS (wizer.ts) -> check_init() -> the core module
 *
 * Serve it with the glue template (prepared.ts); export it as a component with export.ts.
 */
import { CheckInit, embeddingEnv, embeddingStdin, INIT_FUNC, INITIALIZER_PATH, parseScriptErrors, type ScriptError } from './embedding';
import type { ArtifactSource, AuthoringManifest } from './manifest';
import { createInitWasi } from './wasi-init';
import { ProcExit } from '../wasi/preview1';
import { InitFailed, wizen, WizerError, WizerTemplate } from './wizer';
import { stripTypes } from './typescript';

export type { ScriptError } from './embedding';

export interface BuildOptions {
  /** The script's file name in messages and stack traces (default `source.js`). */
  sourceName?: string;
  /** `typescript`: strip types first (the line and column of every token are kept). */
  language?: 'javascript' | 'typescript';
}

export interface BuildStats {
  /** Whole build, from source to core module bytes. */
  buildMs: number;
  /** Compiling the instrumented engine (0 once cached). */
  compileMs: number;
  initMs: number;
  snapshotMs: number;
  coreBytes: number;
}

export type BuildResult =
  | {
      ok: true;
      coreModule: Uint8Array;
      stats: BuildStats;
      stdout: string;
      stderr: string;
      /** The JavaScript the engine ran (TypeScript sources: with types stripped). */
      javascript: string;
    }
  | { ok: false; errors: ScriptError[]; stdout: string; stderr: string; stats: Pick<BuildStats, 'buildMs' | 'compileMs'> };

export class JsComponentBuilder {
  readonly manifest: AuthoringManifest;
  readonly #template: WizerTemplate;
  readonly #initializer: Uint8Array;
  readonly #env: Record<string, string>;

  constructor(manifest: AuthoringManifest, engine: Uint8Array, initializer: Uint8Array) {
    this.manifest = manifest;
    this.#template = new WizerTemplate(engine);
    this.#initializer = initializer;
    this.#env = embeddingEnv({ features: manifest.features, exports: manifest.spliceExports, imports: manifest.spliceImports });
  }

  static async load(source: ArtifactSource): Promise<JsComponentBuilder> {
    const [engine, initializer] = await Promise.all([source.bytes(source.manifest.engine), source.bytes(source.manifest.initializer)]);
    return new JsComponentBuilder(source.manifest, engine, initializer);
  }

  /** Compiles the instrumented engine ahead of the first build. */
  async warm(): Promise<void> {
    await this.#template.compile();
  }

  async build(code: string, options: BuildOptions = {}): Promise<BuildResult> {
    const started = performance.now();
    const sourceName = options.sourceName ?? 'source.js';
    const failed = (errors: ScriptError[], stderr = '', stdout = '', compileMs = 0): BuildResult => ({
      ok: false,
      errors,
      stderr,
      stdout,
      stats: { buildMs: performance.now() - started, compileMs },
    });

    let script = code;
    let original = (line: number, column: number) => ({ line, column });
    if (options.language === 'typescript') {
      const stripped = await stripTypes(code);
      if (!stripped.ok) return failed(stripped.errors);
      script = stripped.code;
      original = stripped.original;
    }
    const mapBack = (errors: ScriptError[]) => errors.map((e) => ({ ...e, ...original(e.line, e.column) }));
    const unsupported = unsupportedExports(script);
    if (unsupported) return failed(mapBack([unsupported]));

    const compileStart = performance.now();
    await this.#template.compile();
    const compileMs = performance.now() - compileStart;

    const env = { ...this.#env, SOURCE_NAME: sourceName };
    const wasi = createInitWasi({
      env,
      stdin: embeddingStdin({ sourceName }),
      files: { [INITIALIZER_PATH]: this.#initializer, [`/${sourceName}`]: script },
    });
    let result;
    try {
      result = await wizen(this.#template, { initFunc: INIT_FUNC, imports: (memory) => wasi.imports(memory) });
    } catch (error) {
      if (error instanceof InitFailed) {
        const errors = parseScriptErrors(wasi.stderr, sourceName);
        if (errors.length === 0) errors.push({ line: 1, column: 1, message: describeInitFailure(error, wasi.stderr) });
        return failed(mapBack(errors), wasi.stderr, wasi.stdout, compileMs);
      }
      throw error;
    }
    const status = (result.instance.exports.check_init as () => number)();
    if (status !== CheckInit.OK) {
      const reason =
        status === CheckInit.FN_LIST
          ? 'Unable to extract expected exports list'
          : status === CheckInit.TYPE_PARSE
            ? 'Unable to parse the core ABI export types'
            : `Unknown error during initialization: ${status}`;
      const errors = parseScriptErrors(wasi.stderr, sourceName);
      if (errors.length === 0) errors.push({ line: 1, column: 1, message: [reason, wasi.stderr.trim()].filter(Boolean).join('\n') });
      return failed(mapBack(errors), wasi.stderr, wasi.stdout, compileMs);
    }
    return {
      ok: true,
      coreModule: result.wasm,
      javascript: script,
      stdout: wasi.stdout,
      stderr: wasi.stderr,
      stats: {
        buildMs: performance.now() - started,
        compileMs,
        initMs: result.stats.initMs,
        snapshotMs: result.stats.snapshotMs,
        coreBytes: result.wasm.byteLength,
      },
    };
  }
}

function describeInitFailure(error: InitFailed, stderr: string): string {
  const last = stderr.trim().split('\n').filter(Boolean).slice(-3).join('\n');
  if (error.cause instanceof ProcExit) return last || `the script failed to initialise (exit status ${error.cause.code})`;
  if (error.cause instanceof WizerError) return `${error.cause.message}: host calls cannot run at the top level of the script, only inside the handler`;
  return [last, error.message].filter(Boolean).join('\n');
}

/**
 * componentize-js disables the `fetch-event` feature when the script exports `incomingHandler`
 * (a hand-written wasi:http handler); that needs a differently spliced engine, which is not built.
 */
function unsupportedExports(code: string): ScriptError | null {
  const match = /\bexport\s+(?:(?:const|let|var|function\*?|class)\s+incomingHandler\b|\{[^}]*\bincomingHandler\b[^}]*\})/.exec(code);
  if (!match) return null;
  const before = code.slice(0, match.index).split('\n');
  return {
    line: before.length,
    column: before[before.length - 1]!.length + 1,
    message:
      'Exporting `incomingHandler` (a hand-written wasi:http handler) is not supported in the playground; ' +
      "handle requests with addEventListener('fetch', (event) => event.respondWith(...)) instead",
  };
}
