/**
 * Wizer's pre-initialisation, in JavaScript (Wizer 10, as componentize-js 0.19.3 runs it):
 *
 * 1. instrument: export every defined global and memory (`__wizer_global_N`, `__wizer_memory_N`);
 * 2. instantiate with the imports the caller allows (every other import traps, naming itself);
 * 3. call `_initialize`, then the init function (`componentize.wizer`);
 * 4. snapshot the globals and memories, and rewrite the original module: memory minimum = the
 *    snapshot's pages, global initialisers = the snapshot's values, data segments = the non-zero
 *    runs of memory (merged across gaps of at most 4 bytes, then across the smallest gaps down to 10,000 segments), the init
 *    function's and `_initialize`'s exports removed, the start section dropped, the data count
 *    updated. Every other section is copied byte for byte, so the output matches native Wizer's.
 *
 * The instrumented module does not depend on what the init function does, so it is compiled once
 * and reused for every build (`WizerTemplate`).
 */
import {
  countImports,
  customSectionName,
  describeDataSegments,
  encodeDataSection,
  encodeExports,
  encodeGlobals,
  encodeMemories,
  ExternKind,
  readExports,
  readGlobalTypes,
  readMemories,
  SectionId,
  type GlobalType,
  type MemoryType,
} from '../wasm/core-module';
import { uleb } from '../wasm/leb128';
import { readSections, writeBinary, type Section } from '../wasm/sections';

const WASM_PAGE_SIZE = 65536;
/** Wizer 10 emits at most this many data segments (headroom below engines' limits). */
const MAX_DATA_SEGMENTS = 10_000;
/** Wizer merges segments this close: the least overhead of a separate active segment. */
const MIN_ACTIVE_SEGMENT_OVERHEAD = 4;

export class WizerError extends Error {}

/** The module to pre-initialise, analysed and instrumented once. */
export class WizerTemplate {
  readonly sections: Section[];
  readonly globals: GlobalType[];
  readonly memories: MemoryType[];
  readonly importedGlobals: number;
  readonly importedMemories: number;
  readonly hasInitialize: boolean;
  readonly instrumented: Uint8Array;
  #compiled: Promise<WebAssembly.Module> | undefined;

  constructor(readonly original: Uint8Array) {
    this.sections = readSections(original, 'core-module');
    const find = (id: number) => this.sections.find((s) => s.id === id);
    const imports = countImports(find(SectionId.import));
    this.importedGlobals = imports.global;
    this.importedMemories = imports.memory;
    this.globals = readGlobalTypes(find(SectionId.global));
    this.memories = readMemories(find(SectionId.memory));
    if (imports.memory > 0) throw new WizerError('cannot pre-initialise a module that imports its memory');
    if (this.memories.length !== 1) throw new WizerError(`expected exactly one memory, found ${this.memories.length}`);
    if (this.memories[0]!.memory64) throw new WizerError('64-bit memories are not supported');
    const data = describeDataSegments(find(SectionId.data));
    if (data.passive > 0) throw new WizerError('passive data segments are not supported');
    const exports = readExports(find(SectionId.export));
    this.hasInitialize = exports.some((e) => e.name === '_initialize' && e.kind === ExternKind.func);
    const added = [
      ...this.globals.map((_, i) => ({ name: `__wizer_global_${i}`, kind: ExternKind.global, index: imports.global + i })),
      ...this.memories.map((_, i) => ({ name: `__wizer_memory_${i}`, kind: ExternKind.memory, index: imports.memory + i })),
    ];
    const exportSection = { id: SectionId.export, payload: encodeExports([...exports, ...added]) };
    const out: Array<{ id: number; payload: Uint8Array }> = this.sections.filter((s) => s.id !== SectionId.export);
    // The export section goes where it was, or in id order (before start, element, code, ...).
    const at = out.findIndex((s) => s.id !== SectionId.custom && s.id > SectionId.export);
    out.splice(at < 0 ? out.length : at, 0, exportSection);
    this.instrumented = writeBinary('core-module', out);
  }

  /** The instrumented module, compiled once. */
  compile(): Promise<WebAssembly.Module> {
    this.#compiled ??= WebAssembly.compile(this.instrumented as Uint8Array<ArrayBuffer>);
    this.#compiled.catch(() => (this.#compiled = undefined));
    return this.#compiled;
  }
}

export interface WizenOptions {
  /** The init function's export name (componentize-js: `componentize.wizer`). */
  initFunc: string;
  /**
   * The imports initialisation may use, by module and name. `memory()` gives the instance's
   * memory once it exists. Any other import traps with a message naming it.
   */
  imports(memory: () => WebAssembly.Memory): Record<string, Record<string, unknown>>;
}

export interface WizenResult {
  /** The pre-initialised module. */
  wasm: Uint8Array;
  /** The instance after initialisation (e.g. to call `check_init`). */
  instance: WebAssembly.Instance;
  stats: { instantiateMs: number; initMs: number; scanMs: number; snapshotMs: number; dataSegments: number; memoryPages: number };
}

/** Thrown when the init function (or `_initialize`) fails; `cause` is what it threw. */
export class InitFailed extends Error {
  constructor(
    message: string,
    override readonly cause: unknown,
    readonly instance: WebAssembly.Instance,
  ) {
    super(message);
  }
}

/** Pre-initialises `template`'s module: instantiate, run the init function, snapshot, rewrite. */
export async function wizen(template: WizerTemplate, options: WizenOptions): Promise<WizenResult> {
  const module = await template.compile();
  const started = performance.now();
  let instance: WebAssembly.Instance | undefined;
  const memory = () => {
    const m = instance?.exports.__wizer_memory_0;
    if (!(m instanceof WebAssembly.Memory)) throw new WizerError('the instance has no memory yet');
    return m;
  };
  const allowed = options.imports(memory);
  const imports: Record<string, Record<string, WebAssembly.ImportValue>> = {};
  for (const { module: mod, name, kind } of WebAssembly.Module.imports(module)) {
    const provided = allowed[mod]?.[name];
    const table = (imports[mod] ??= {});
    if (provided !== undefined) table[name] = provided as WebAssembly.ImportValue;
    else if (kind === 'function') table[name] = trap(mod, name);
    else throw new WizerError(`the module imports ${kind} ${mod}#${name}, which initialisation cannot provide`);
  }
  instance = await WebAssembly.instantiate(module, imports);
  const instantiateMs = performance.now() - started;

  const initStart = performance.now();
  const call = (name: string) => {
    const fn = instance!.exports[name];
    if (typeof fn !== 'function') throw new WizerError(`the module has no function export ${name}`);
    try {
      (fn as () => unknown)();
    } catch (error) {
      throw new InitFailed(`the \`${name}\` function trapped: ${error instanceof Error ? error.message : String(error)}`, error, instance!);
    }
  };
  if (template.hasInitialize) call('_initialize');
  call(options.initFunc);
  const initMs = performance.now() - initStart;

  const snapshotStart = performance.now();
  const globals = template.globals.map((type, i) => {
    const g = instance!.exports[`__wizer_global_${i}`];
    if (!(g instanceof WebAssembly.Global)) throw new WizerError(`instrumented export __wizer_global_${i} is missing`);
    return { ...type, value: g.value as number | bigint };
  });
  const mem = new Uint8Array(memory().buffer);
  const segments = nonZeroSegments(mem);
  const scanMs = performance.now() - snapshotStart;
  const wasm = rewrite(template, options.initFunc, globals, mem, segments);
  return {
    wasm,
    instance,
    stats: {
      instantiateMs,
      initMs,
      scanMs,
      snapshotMs: performance.now() - snapshotStart,
      dataSegments: segments.length,
      memoryPages: mem.byteLength / WASM_PAGE_SIZE,
    },
  };
}

function trap(module: string, name: string): () => never {
  return () => {
    throw new WizerError(`unexpected call to ${module}#${name} during initialisation (only WASI is available then)`);
  };
}

export interface DataSegment {
  offset: number;
  length: number;
}

/** The non-zero runs of `memory`, merged as Wizer merges them. */
export function nonZeroSegments(memory: Uint8Array): DataSegment[] {
  const segments: DataSegment[] = [];
  const length = memory.byteLength;
  // Four bytes at a time where possible (memories are page-aligned, so the word view covers them).
  const words = length % 4 === 0 && memory.byteOffset % 4 === 0 ? new Uint32Array(memory.buffer, memory.byteOffset, length >>> 2) : new Uint32Array(0);
  const wordCount = words.length;
  let lastOffset = -1;
  let lastEnd = 0;
  let pos = 0;
  while (pos < length) {
    // Skip zeros.
    while (pos < length && (pos & 3) !== 0 && memory[pos] === 0) pos++;
    if ((pos & 3) === 0 && wordCount > 0) {
      let w = pos >>> 2;
      while (w < wordCount && words[w] === 0) w++;
      pos = w << 2;
    }
    while (pos < length && memory[pos] === 0) pos++;
    if (pos >= length) break;
    // Skip non-zeros: whole words without a zero byte, then byte by byte.
    const start = pos;
    while (pos < length && (pos & 3) !== 0 && memory[pos] !== 0) pos++;
    if ((pos & 3) === 0 && wordCount > 0) {
      let w = pos >>> 2;
      while (w < wordCount) {
        const v = words[w]!;
        if (((v - 0x01010101) & ~v & 0x80808080) !== 0) break;
        w++;
      }
      pos = w << 2;
    }
    while (pos < length && memory[pos] !== 0) pos++;
    if (lastOffset >= 0 && start - lastEnd <= MIN_ACTIVE_SEGMENT_OVERHEAD) {
      lastEnd = pos;
    } else {
      if (lastOffset >= 0) segments.push({ offset: lastOffset, length: lastEnd - lastOffset });
      lastOffset = start;
      lastEnd = pos;
    }
  }
  if (lastOffset >= 0) segments.push({ offset: lastOffset, length: lastEnd - lastOffset });
  return removeExcessSegments(segments);
}

/** Wizer's `remove_excess_segments`: merge across the smallest gaps until under the engines' limit. */
function removeExcessSegments(segments: DataSegment[]): DataSegment[] {
  if (segments.length < MAX_DATA_SEGMENTS) return segments;
  const excess = segments.length - MAX_DATA_SEGMENTS;
  const gaps = segments.slice(0, -1).map((s, index) => ({ gap: segments[index + 1]!.offset - (s.offset + s.length), index }));
  // Wizer sorts with Rust's sort_unstable_by_key, so which of several equal gaps it merges is an
  // implementation detail; here ties go to the lower address. Either way the memory image is the same.
  gaps.sort((a, b) => a.gap - b.gap || a.index - b.index);
  const chosen = gaps.slice(0, excess).sort((a, b) => b.index - a.index);
  for (const { index } of chosen) {
    const a = segments[index]!;
    const b = segments[index + 1]!;
    segments[index] = { offset: a.offset, length: b.offset + b.length - a.offset };
    // swap_remove, as Wizer does; the final sort restores the order.
    segments[index + 1] = segments[segments.length - 1]!;
    segments.pop();
  }
  return segments.sort((a, b) => a.offset - b.offset);
}

function rewrite(
  template: WizerTemplate,
  initFunc: string,
  globals: Array<GlobalType & { value: number | bigint }>,
  memory: Uint8Array,
  segments: DataSegment[],
): Uint8Array {
  const data = segments.length > 0 ? { id: SectionId.data, payload: encodeDataSection(segments, memory) } : null;
  let dataAdded = false;
  const addData = (out: Array<{ id: number; payload: Uint8Array }>) => {
    if (data && !dataAdded) out.push(data);
    dataAdded = true;
  };
  const out: Array<{ id: number; payload: Uint8Array }> = [];
  for (const section of template.sections) {
    switch (section.id) {
      case SectionId.custom:
        if (customSectionName(section) === 'name') addData(out);
        out.push(section);
        break;
      case SectionId.memory:
        out.push({
          id: SectionId.memory,
          payload: encodeMemories(template.memories.map((m) => ({ ...m, min: memory.byteLength / WASM_PAGE_SIZE }))),
        });
        break;
      case SectionId.global:
        out.push({ id: SectionId.global, payload: encodeGlobals(globals) });
        break;
      case SectionId.export: {
        const kept = readExports(section).filter((e) => e.name !== initFunc && !(template.hasInitialize && e.name === '_initialize'));
        out.push({ id: SectionId.export, payload: encodeExports(kept) });
        break;
      }
      case SectionId.start:
        break;
      case SectionId.dataCount:
        out.push({ id: SectionId.dataCount, payload: new Uint8Array(uleb(segments.length)) });
        break;
      case SectionId.data:
        addData(out);
        break;
      default:
        out.push(section);
    }
  }
  addData(out);
  return writeBinary('core-module', out);
}
