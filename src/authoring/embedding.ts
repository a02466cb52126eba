/**
 * componentize-js 0.19.3's embedding protocol with StarlingMonkey, which Wizer runs: what the
 * engine reads while it is pre-initialised (src/componentize.js in that package).
 *
 * - stdin: the runtime arguments, `--initializer-script-path /initializer.js --strip-path-prefix / source.js`;
 * - environment: SOURCE_NAME, EXPORT_CNT (+ EXPORT<i>_NAME/_ARGS/_RET/_RETSIZE), FEATURE_CLOCKS,
 *   IMPORT_CNT (+ IMPORT<i>_NAME/_ARGCNT) from the splicer's lists, and DEBUG. A missing variable
 *   crashes the engine;
 * - files: the splicer's bindings script (`/initializer.js`) and the user's code (`/source.js`);
 * - init function: `componentize.wizer`; afterwards `check_init()` returns 0 when all went well.
 *
 * Tied to that version: pin it (package.json) and keep the fidelity test (test/unit/authoring-*).
 */

export const COMPONENTIZE_JS_VERSION = '0.19.3';
export const INIT_FUNC = 'componentize.wizer';
export const DEFAULT_FEATURES = ['stdio', 'random', 'clocks', 'http', 'fetch-event'] as const;

/** `check_init()` results (componentize.js). */
export const CheckInit = { OK: 0, FN_LIST: 1, TYPE_PARSE: 2 } as const;

/** One export the splicer found in the world: [name, core signature]. */
export type SpliceExport = [string, { params: string[]; ret?: string | null; retptr: boolean; retsize: number; paramptr: boolean }];
/** One import of the splicer's list: [specifier, name, argument count]. */
export type SpliceImport = [string, string, number];

export interface EmbeddingInput {
  features: readonly string[];
  exports: readonly SpliceExport[];
  imports: readonly SpliceImport[];
  sourceName?: string;
  /** Extra runtime arguments before componentize's own (j2w: `--enable-script-debugging`, ...). */
  runtimeArgs?: string;
}

/** The environment componentize-js gives Wizer (and Wizer passes on with `--inherit-env`). */
export function embeddingEnv(input: EmbeddingInput): Record<string, string> {
  const env: Record<string, string> = {
    DEBUG: '',
    SOURCE_NAME: input.sourceName ?? 'source.js',
    EXPORT_CNT: String(input.exports.length),
    FEATURE_CLOCKS: input.features.includes('clocks') ? '1' : '',
  };
  input.exports.forEach(([name, fn], i) => {
    env[`EXPORT${i}_NAME`] = name;
    env[`EXPORT${i}_ARGS`] = (fn.paramptr ? '*' : '') + fn.params.join(',');
    env[`EXPORT${i}_RET`] = (fn.retptr ? '*' : '') + (fn.ret || '');
    env[`EXPORT${i}_RETSIZE`] = String(fn.retsize);
  });
  input.imports.forEach(([, name, argCount], i) => {
    env[`IMPORT${i}_NAME`] = name;
    env[`IMPORT${i}_ARGCNT`] = String(argCount);
  });
  env.IMPORT_CNT = String(input.imports.length);
  return env;
}

/** Where the files are in the guest's view: one preopen `/`. */
export const INITIALIZER_PATH = '/initializer.js';

/** What componentize-js writes to the engine's stdin. */
export function embeddingStdin(input: Pick<EmbeddingInput, 'sourceName' | 'runtimeArgs'>): string {
  const args = `--initializer-script-path ${INITIALIZER_PATH} --strip-path-prefix / ${input.sourceName ?? 'source.js'}`;
  return input.runtimeArgs ? `${input.runtimeArgs} ${args}` : args;
}

export interface ScriptError {
  line: number;
  column: number;
  message: string;
}

/**
 * Script errors from the engine's stderr. StarlingMonkey prints them as
 * `source.js:LINE:COL SyntaxError: ...` (uncaught exceptions at the top level as
 * `source.js:LINE:COL Error: ...`, followed by a stack). Lines that name no position are kept as
 * messages at line 1, column 1 when nothing better was found.
 */
export function parseScriptErrors(stderr: string, sourceName = 'source.js'): ScriptError[] {
  const errors: Array<ScriptError & { context: string[] }> = [];
  const escaped = sourceName.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const pattern = new RegExp(`^(?:.*[\\s(/@])?${escaped}:(\\d+):(\\d+)(?:\\s(.*))?$`);
  let current: (ScriptError & { context: string[] }) | undefined;
  for (const raw of stderr.split('\n')) {
    const match = pattern.exec(raw.trimEnd());
    if (!match) {
      current = undefined;
      continue;
    }
    const line = Number(match[1]);
    const column = Number(match[2]);
    const text = match[3] ?? '';
    // Stack frames (`@source.js:3:5`, `at f (source.js:3:5)`) repeat a position without a message.
    if (/^\s*(?:@|at\s)/.test(raw) || text.trim() === '') continue;
    if (current && current.line === line && current.column === column) {
      // SpiderMonkey prints the offending line and a caret under the message, with the same prefix.
      current.context.push(text);
      continue;
    }
    current = { line, column, message: text.trim(), context: [] };
    errors.push(current);
  }
  return errors.map(({ line, column, message, context }) => ({
    line,
    column,
    message: context.length > 0 ? message.replace(/:$/, '') : message,
  }));
}
