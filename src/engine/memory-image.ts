/**
 * Spin (Wasmtime) makes an instance cheap with a pooling allocator and copy-on-write memory
 * images: a new instance's memory is a slot that was used before, reset to the module's initial
 * image. A browser has no copy-on-write, but it has the half that matters on a slow machine:
 * a `WebAssembly.Memory` whose pages were already touched costs no page faults to write again.
 * Writing a StarlingMonkey module's data segments into fresh pages is most of what its
 * instantiation costs (docs/toolchain.md §4, "Pooled memories").
 *
 * So a core module that defines one memory and initialises it only with constant data segments
 * (what Wizer and componentize-js produce) is rewritten to import that memory instead, with its
 * segments made passive (kept, so `memory.init` still finds them, but no longer copied at
 * instantiation). The image — the memory's bytes after those segments — is rebuilt from the
 * segments, and memory-pool.ts restores it into a reused memory with one copy.
 *
 * Anything else (a start function, an imported memory, several memories, memory64, shared or
 * custom-page memories, a segment offset that is not a constant) is left as it is.
 *
 * Binary format: https://webassembly.github.io/spec/core/binary/modules.html; the module is read and
 * written through the shared reader (src/wasm/).
 */
import { countImports, ExternKind, SectionId } from '../wasm/core-module';
import { concatBytes } from '../bytes/concat';
import { encodeName, uleb } from '../wasm/leb128';
import { payloadReader, readSections, type Section } from '../wasm/sections';

/** Where the rewritten module takes its memory from. */
export const IMAGE_MEMORY_IMPORT = { module: 'spin-playground:memory-image', name: 'memory' } as const;

export interface MemoryImage {
  /** The memory's initial and declared maximum size, in 64 KiB pages (null: no maximum). */
  initialPages: number;
  maximumPages: number | null;
  /** The active data segments, in order: writing them at their offsets makes the image. */
  segments: Array<{ offset: number; bytes: Uint8Array }>;
}

const PAGE = 65536;

/** Null when the module is not one this can rewrite (see above); it then runs unchanged. */
export function splitMemoryImage(bytes: Uint8Array): { module: Uint8Array; image: MemoryImage } | null {
  try {
    return split(bytes);
  } catch {
    // Not a core module, or malformed (a `WasmFormatError` naming the offset): run it unchanged.
    return null;
  }
}

function split(bytes: Uint8Array): { module: Uint8Array; image: MemoryImage } | null {
  const sections = readSections(bytes, 'core-module');
  const find = (id: number) => sections.find((s) => s.id === id);
  const memory = find(SectionId.memory);
  const data = find(SectionId.data);
  if (!memory || !data || find(SectionId.start)) return null;

  // The one defined memory: plain 32-bit limits (flags 0 or 1), nothing shared or custom.
  const mem = payloadReader(memory);
  if (mem.u32() !== 1) return null;
  const flags = mem.byte();
  if (flags !== 0 && flags !== 1) return null;
  const initialPages = mem.u32();
  const maximumPages = flags === 1 ? mem.u32() : null;
  if (!mem.atEnd) return null;

  // No memory is imported already (the defined one must stay memory 0).
  const imports = find(SectionId.import);
  if (countImports(imports).memory > 0) return null;
  const importsReader = imports ? payloadReader(imports) : null;
  const importCount = importsReader ? importsReader.u32() : 0;
  const oldImports = imports && importsReader ? imports.payload.subarray(importsReader.pos) : new Uint8Array();

  // Active segments into memory 0 at constant offsets become passive; their bytes make the image.
  const d = payloadReader(data);
  const count = d.u32();
  const dataParts: Array<Uint8Array | number[]> = [uleb(count)];
  const segments: MemoryImage['segments'] = [];
  for (let i = 0; i < count; i++) {
    const kind = d.u32();
    if (kind === 2 && d.u32() !== 0) return null;
    let offset: number | null = null;
    if (kind === 0 || kind === 2) {
      if (d.byte() !== 0x41) return null; // i32.const
      offset = d.s32() >>> 0;
      if (d.byte() !== 0x0b) return null; // end
    } else if (kind !== 1) return null;
    const length = d.u32();
    const body = d.take(length);
    if (offset !== null) {
      if (offset + length > initialPages * PAGE) return null; // instantiation would trap: keep that
      segments.push({ offset, bytes: body });
    }
    dataParts.push([1, ...uleb(length)], body);
  }
  if (!d.atEnd) return null;

  // The import that replaces the memory section: same limits, so a memory from the pool fits.
  const importPayload = concatBytes([
    uleb(importCount + 1),
    oldImports,
    encodeName(IMAGE_MEMORY_IMPORT.module),
    encodeName(IMAGE_MEMORY_IMPORT.name),
    [ExternKind.memory, flags],
    uleb(initialPages),
    maximumPages === null ? [] : uleb(maximumPages),
  ]);
  const dataPayload = concatBytes(dataParts);

  // Kept sections are copied with their original encoding (a size LEB128 may be padded).
  const parts: Array<Uint8Array | number[]> = [bytes.subarray(0, 8)];
  const encoded = (s: Section) => bytes.subarray(s.offset, s.payloadOffset + s.payload.byteLength);
  let importWritten = false;
  for (const s of sections) {
    // Sections keep their order; the import section comes before the memory section (ids 2 < 5).
    if (!importWritten && s.id !== SectionId.custom && s.id >= SectionId.import) {
      parts.push([SectionId.import, ...uleb(importPayload.byteLength)], importPayload);
      importWritten = true;
    }
    if (s.id === SectionId.import || s.id === SectionId.memory) continue;
    if (s.id === SectionId.data) parts.push([SectionId.data, ...uleb(dataPayload.byteLength)], dataPayload);
    else parts.push(encoded(s));
  }
  return { module: concatBytes(parts), image: { initialPages, maximumPages, segments } };
}
