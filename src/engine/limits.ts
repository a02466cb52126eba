/**
 * The guest memory ceiling. A component's core modules declare their linear memories with a
 * minimum and, usually, no maximum, so a runaway guest can grow each one to wasm's 4 GiB and take
 * the renderer down with it. Before a core module is compiled, `capMemory` rewrites the limits of
 * every memory the module *defines* so that `memory.grow` past the ceiling fails (returns -1; the
 * guest then traps or reports out-of-memory), exactly as it would on a machine without more memory.
 *
 * Imported memories are left alone: they are the defining module's memory, capped there.
 * `spin up` has no such ceiling (wasmtime's default is 4 GiB per memory); see the README.
 *
 * The memory section is read and written by src/wasm/core-module.ts.
 */

import { encodeMemories, readMemories, SectionId } from '../wasm/core-module';
import { readSections, replaceSection } from '../wasm/sections';

/**
 * `bytes` with every defined memory limited to `maxBytes` (rounded down to whole pages, but never
 * below a memory's own minimum, which it needs to instantiate at all). A memory whose declared
 * maximum is already lower keeps it. Returns `bytes` itself when nothing changes, when
 * `maxBytes <= 0` (no ceiling), or when the bytes are not a core module this can read (the
 * compiler then reports the real problem).
 */
export function capMemory(bytes: Uint8Array, maxBytes: number): Uint8Array {
  if (!(maxBytes > 0)) return bytes;
  try {
    const section = readSections(bytes, 'core-module').find((s) => s.id === SectionId.memory);
    if (!section) return bytes;
    const memories = readMemories(section);
    let changed = false;
    const capped = memories.map((m) => {
      const pageSize = 2 ** (m.pageSizeLog2 ?? 16);
      const ceiling = Math.max(m.min, Math.floor(Math.floor(maxBytes) / pageSize));
      const max = m.max === undefined || m.max > ceiling ? ceiling : m.max;
      if (max !== m.max) changed = true;
      return { ...m, max };
    });
    return changed ? replaceSection(bytes, section, encodeMemories(capped)) : bytes;
  } catch {
    return bytes;
  }
}

/**
 * Make every `WebAssembly.compile` in this context (the engine Worker) cap defined memories at
 * `ceilingBytes()`. Components are compiled through `compile` (components.ts for jco's core
 * modules, app-loader.ts for Spin 1 core modules), so one hook covers both; sql.js instantiates
 * its own module another way and keeps its own limits.
 */
export function installMemoryCap(ceilingBytes: () => number): void {
  installedCeiling = ceilingBytes;
  const original = WebAssembly.compile.bind(WebAssembly);
  WebAssembly.compile = (source: BufferSource) => {
    const ceiling = ceilingBytes();
    if (!(ceiling > 0)) return original(source);
    const view =
      source instanceof Uint8Array
        ? source
        : ArrayBuffer.isView(source)
          ? new Uint8Array(source.buffer, source.byteOffset, source.byteLength)
          : new Uint8Array(source);
    return original(capMemory(view, ceiling) as Uint8Array<ArrayBuffer>);
  };
}

let installedCeiling: () => number = () => 0;

/** The ceiling `installMemoryCap` enforces, in bytes (0: none); memory-pool.ts gives it to the memories it makes. */
export function memoryCeilingBytes(): number {
  return installedCeiling();
}

export const MIB = 1024 * 1024;
