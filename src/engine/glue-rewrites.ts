/**
 * The one place where the glue jco generates is changed before it runs: the WASI 0.3 stream
 * runtime (docs/spin4.md, "Byte streams"; docs/toolchain.md §6). jco-transpile 0.15.0 moves
 * every `stream<u8>` element through plain JS arrays (`Array.from`, `concat`, a per-byte `push`)
 * and wakes waiting tasks by polling with timers (a 10 ms idle tick, `setInterval` for host
 * reads), so a 1 MiB body took seconds. The rewrites below keep jco's logic and change only:
 *
 * - bytes: for `stream<u8>` a copy is a `Uint8Array` (`subarray`/`set`), never an array of numbers;
 * - wake-ups: a waitable that gets an event wakes the scheduler and host readers at once (on the
 *   next macrotask). The scheduler keeps jco's timers as a fallback; a host read or write waits
 *   for its end's event alone (nothing else can make it ready);
 * - a trap in a callback after `task.return` (while the guest writes its body) marks the instance
 *   trapped and reaches the host through the `TRAP_AFTER_RETURN_IMPORT` hook, where jco reports it
 *   to no one.
 *
 * Every edit names the text it expects and how often. If jco's output differs (another version,
 * another shape), nothing is changed and the reason is returned, so the loader logs it and the
 * component runs on jco's own (slow but correct) code. Glue without the stream runtime (WASI 0.2,
 * Spin 1) is left alone.
 */

import { PRELUDE, TAKE_METHOD } from './glue-prelude';

export interface GlueRewriteResult {
  source: string;
  /** Names of the edits made; empty when the glue has no stream runtime or could not be edited. */
  applied: string[];
  /** Why the glue was left as jco made it although it has the stream runtime. */
  problem: string | null;
}

/** Marks glue with jco's WASI 0.3 stream runtime: only such glue is edited. */
const STREAM_RUNTIME = 'class ManagedBuffer {';

interface Edit {
  name: string;
  find: RegExp;
  replace: string;
  /** How many matches jco 0.15.0's glue has; any other count abandons every edit. */
  min: number;
  max: number;
  /**
   * The edit belongs to a part of the runtime that jco emits only for some components, marked by
   * this text: glue without it must have no match either, and the edit is left out.
   */
  part?: string;
}

/**
 * jco emits the host-to-guest stream writer (a queue of host values that a guest read drains)
 * only for components that read a stream the host writes, such as a request body. A handler that
 * never reads one (the Spin 4 template, a key-value app) has the rest of the runtime without it.
 */
const HOST_WRITER = 'class PendingValueQueue {';

/**
 * jco lowers a guest's async call of a host import in one of two ways; the one for `async func`
 * imports (Spin 4's key-value, sqlite, variables) hands the result back on a zero-delay timer.
 */
const ASYNC_IMPORT_RESULT = '// NOTE: whether the import settled before this timer fires';

const ws = (text: string) => new RegExp(text.split(/\s+/).filter(Boolean).map(escapeRegExp).join('\\s*'), 'g');
function escapeRegExp(token: string): string {
  return token.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

const isBytes = (name: string) => `!(${name} instanceof Uint8Array)`;

/**
 * The import name under which the host may pass `(error) => void` to hear of a trap that jco's
 * glue would otherwise swallow: one in a callback after the task has called `task.return` (a trap
 * while the guest writes its response body). jco marks the task rejected and stops there, so the
 * host's read of that body would wait for ever and the trapped instance would keep serving.
 */
export const TRAP_AFTER_RETURN_IMPORT = 'spin-playground:trap-after-return';

export const EDITS: Edit[] = [
  {
    name: 'prelude',
    find: ws('export function instantiate('),
    replace: `${PRELUDE}export function instantiate(`,
    min: 1,
    max: 1,
  },
  // Traps after `task.return`.
  {
    name: 'trap hook from the imports',
    find: ws('export function instantiate(getCoreModule, imports, instantiateCore = WebAssembly.instantiate) {'),
    replace:
      'export function instantiate(getCoreModule, imports, instantiateCore = WebAssembly.instantiate) {\n' +
      `  const _pgTrapAfterReturn = typeof imports?.['${TRAP_AFTER_RETURN_IMPORT}'] === 'function' ? imports['${TRAP_AFTER_RETURN_IMPORT}'] : null;`,
    min: 1,
    max: 1,
  },
  {
    name: 'trap after return reaches the host',
    find: /(const handleError = \(err\) => \{[\s\S]{0,800}?)(task\.setErrored\(err\);\s*task\.reject\(err\);\s*if \(!task\.isExited\(\)\) \{)/g,
    replace: '$1if (task.isResolvedState()) { cstate.markTrapped(err); _pgTrapAfterReturn?.(err); }\n      $2',
    min: 1,
    max: 1,
  },
  // Wake-ups.
  { name: 'notify on event', find: ws('this.#pendingEventFn = fn;'), replace: 'this.#pendingEventFn = fn; _pgNotify();', min: 1, max: 1 },
  {
    name: 'scheduler idle wait',
    find: ws('await new Promise((resolve) => setTimeout(resolve, delay));'),
    replace: 'await _pgIdle(delay);',
    min: 1,
    max: 1,
  },
  {
    name: 'scheduler first tick',
    find: /setTimeout\(async \(\) => \{(\s*let result = this\.tick\(\);[\s\S]*?this\.#tickLoop = null;\s*\}), 10\);/g,
    replace: '_pgIdle(10).then(async () => {$1);',
    min: 1,
    max: 1,
  },
  {
    // Every async-lowered host call (key-value, variables, sqlite in a p3 component) suspends the
    // guest until this zero-delay timer runs. Nested timers are clamped to 4 ms after five levels
    // (HTML's timer nesting rule), and a request's host calls nest; a message task is not clamped.
    name: 'import result on the next task',
    find: new RegExp(
      String.raw`setTimeout\(\(\) => \{(\s*\/\/ NOTE: whether the import settled before this timer fires[\s\S]{0,4000}?` +
        String.raw`resolve\(res\);\s*\} catch \(err\) \{\s*reject\(err\);\s*\}\s*)\}, 0\);`,
      'g',
    ),
    replace: '_pgNextTask().then(() => {$1});',
    min: 1,
    max: 1,
    part: ASYNC_IMPORT_RESULT,
  },
  {
    name: 'host waits for copy event',
    find: new RegExp(
      String.raw`await new Promise\(\(resolve\) => \{\s*let waitInterval = setInterval\((?:async )?\(\) => \{\s*` +
        String.raw`if \(!this\.hasPendingEvent\(\)\) \{ return; \}\s*clearInterval\(waitInterval\);\s*resolve\(\);\s*\}\);\s*\}\);`,
      'g',
    ),
    replace: 'await _pgUntil(() => this.hasPendingEvent());',
    min: 2,
    max: 4,
  },
  // Bytes: ManagedBuffer.
  {
    name: 'buffer accepts bytes',
    find: ws('if (args.data !== undefined && !Array.isArray(args.data)) {'),
    replace: `if (args.data !== undefined && !Array.isArray(args.data) && ${isBytes('args.data')}) {`,
    min: 1,
    max: 1,
  },
  {
    name: 'buffer reads guest bytes as a copy',
    find: ws('values = Array.from(new Uint8Array(this.#memory.buffer, this.#ptr, count));'),
    replace: 'values = new Uint8Array(this.#memory.buffer, this.#ptr, count).slice();',
    min: 1,
    max: 1,
  },
  {
    name: 'buffer hands out host bytes without a copy',
    find: ws('values = this.#hostOnlyData.slice(0, count);'),
    replace: 'values = ArrayBuffer.isView(this.#hostOnlyData) ? this.#hostOnlyData.subarray(0, count) : this.#hostOnlyData.slice(0, count);',
    min: 1,
    max: 1,
  },
  {
    name: 'buffer keeps the rest of host bytes',
    find: ws('this.#hostOnlyData = this.#hostOnlyData.slice(count);'),
    replace: 'this.#hostOnlyData = _pgRest(this.#hostOnlyData, count);',
    min: 1,
    max: 1,
  },
  {
    name: 'buffer write accepts bytes',
    find: ws("if (!Array.isArray(values)) { throw new TypeError('values input to write() must be an array'); }"),
    replace: `if (!Array.isArray(values) && ${isBytes('values')}) { throw new TypeError('values input to write() must be an array'); }`,
    min: 1,
    max: 1,
  },
  {
    name: 'buffer appends host bytes',
    find: ws('this.#hostOnlyData = this.#hostOnlyData.concat(values);'),
    replace: 'this.#hostOnlyData = _pgJoin(this.#hostOnlyData, values);',
    min: 1,
    max: 1,
  },
  {
    name: 'host read takes bytes as they are',
    find: ws('const value = typedArray === undefined ? count === 1 ? values[0] : values : new typedArray(values);'),
    replace: 'const value = typedArray === undefined ? count === 1 ? values[0] : values : values instanceof typedArray ? values : new typedArray(values);',
    min: 1,
    max: 1,
  },
  // Bytes: host values lowered into a guest stream (a request body).
  {
    name: 'writeMany accepts bytes',
    find: ws('if (!Array.isArray(values)) { throw new TypeError("writeMany values must be an array"); }'),
    replace: `if (!Array.isArray(values) && ${isBytes('values')}) { throw new TypeError("writeMany values must be an array"); }`,
    min: 1,
    max: 1,
  },
  { name: 'queue takes bytes', find: ws('drainInto(target, maxCount) {'), replace: TAKE_METHOD, min: 1, max: 1, part: HOST_WRITER },
  {
    name: 'inject collects bytes',
    find: /const values = \[\];(\s*const hasPendingReadBuffer)/g,
    replace: 'let values = [];$1',
    min: 1,
    max: 1,
    part: HOST_WRITER,
  },
  {
    name: 'inject drains bytes',
    find: ws('count -= pendingValues.drainInto(values, count);'),
    replace: '{ const taken = pendingValues.take(values, count); values = taken.values; count -= taken.n; }',
    min: 1,
    max: 1,
    part: HOST_WRITER,
  },
  {
    name: 'cancel drains bytes',
    find: /const cancelValues = \[\];\s*pendingValues\.drainInto\(cancelValues, buffer\.remaining\(\)\);/g,
    replace: 'const cancelValues = pendingValues.take([], buffer.remaining()).values;',
    min: 1,
    max: 1,
    part: HOST_WRITER,
  },
];

/**
 * Apply every edit, or none: the edits depend on each other (bytes made by one are accepted by
 * another). Edits of a part the glue does not have are left out (`Edit.part`).
 */
export function rewriteGlue(source: string, edits: Edit[] = EDITS): GlueRewriteResult {
  if (!source.includes(STREAM_RUNTIME)) return { source, applied: [], problem: null };
  let out = source;
  const applied: string[] = [];
  for (const edit of edits) {
    const found = out.match(edit.find)?.length ?? 0;
    const present = edit.part === undefined || source.includes(edit.part);
    const [min, max] = present ? [edit.min, edit.max] : [0, 0];
    if (found < min || found > max) {
      const expected = min === max ? `${min}` : `${min} to ${max}`;
      return {
        source,
        applied: [],
        problem:
          `jco's glue does not have the shape the stream rewrite "${edit.name}" expects (${expected} matches, found ${found}); ` +
          "streams run on jco's own element-by-element code (slow, but correct). See docs/spin4.md.",
      };
    }
    if (!present) continue;
    // A function replacer, so that `$` in the new text is literal; `$1`, `$2` stand for the groups.
    out = out.replace(edit.find, (...match: string[]) => edit.replace.replace(/\$([12])/g, (_, n: string) => match[Number(n)] ?? ''));
    applied.push(edit.name);
  }
  return { source: out, applied, problem: null };
}
