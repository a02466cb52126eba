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
 * Binary format: https://webassembly.github.io/spec/core/binary/modules.html
 */

/** Where the rewritten module takes its memory from. */
export const IMAGE_MEMORY_IMPORT = { module: 'spin-playground:memory-image', name: 'memory' } as const;

export interface MemoryImage {
  /** The memory's initial and declared maximum size, in 64 KiB pages (null: no maximum). */
  initialPages: number;
  maximumPages: number | null;
  /** The active data segments, in order: writing them at their offsets makes the image. */
  segments: Array<{ offset: number; bytes: Uint8Array }>;
}

const SECTION = { import: 2, memory: 5, start: 8, data: 11 } as const;
const PAGE = 65536;

class Reader {
  constructor(
    readonly bytes: Uint8Array,
    public offset: number,
  ) {}
  byte(): number {
    if (this.offset >= this.bytes.length) throw new RangeError('unexpected end');
    return this.bytes[this.offset++]!;
  }
  u32(): number {
    let result = 0;
    for (let shift = 0; shift < 35; shift += 7) {
      const b = this.byte();
      result += (b & 0x7f) * 2 ** shift;
      if ((b & 0x80) === 0) return result;
    }
    throw new RangeError('LEB128 too long');
  }
  /** A signed 32-bit LEB128 (an `i32.const` operand). */
  i32(): number {
    let result = 0;
    let shift = 0;
    let b: number;
    do {
      b = this.byte();
      result |= (b & 0x7f) << shift;
      shift += 7;
    } while (b & 0x80 && shift < 35);
    if (b & 0x80) throw new RangeError('LEB128 too long');
    return shift < 32 && b & 0x40 ? result | (-1 << shift) : result;
  }
  skipName(): void {
    const length = this.u32();
    this.offset += length;
  }
}

function leb(value: number, out: number[]): void {
  do {
    let b = value % 128;
    value = Math.floor(value / 128);
    if (value !== 0) b |= 0x80;
    out.push(b);
  } while (value !== 0);
}

function section(id: number, content: number[] | Uint8Array): Uint8Array {
  const header: number[] = [id];
  leb(content.length, header);
  const out = new Uint8Array(header.length + content.length);
  out.set(header, 0);
  out.set(content, header.length);
  return out;
}

function encodeName(text: string, out: number[]): void {
  const bytes = new TextEncoder().encode(text);
  leb(bytes.length, out);
  out.push(...bytes);
}

/** Null when the module is not one this can rewrite (see above); it then runs unchanged. */
export function splitMemoryImage(bytes: Uint8Array): { module: Uint8Array; image: MemoryImage } | null {
  if (bytes.length < 8 || bytes[0] !== 0 || bytes[1] !== 0x61 || bytes[2] !== 0x73 || bytes[3] !== 0x6d || bytes[4] !== 1 || bytes[5] !== 0) return null;
  try {
    return split(bytes);
  } catch {
    return null;
  }
}

function split(bytes: Uint8Array): { module: Uint8Array; image: MemoryImage } | null {
  const sections: Array<{ id: number; start: number; contentStart: number; end: number }> = [];
  const reader = new Reader(bytes, 8);
  while (reader.offset < bytes.length) {
    const start = reader.offset;
    const id = reader.byte();
    const size = reader.u32();
    const contentStart = reader.offset;
    reader.offset += size;
    if (reader.offset > bytes.length) return null;
    sections.push({ id, start, contentStart, end: reader.offset });
  }
  const find = (id: number) => sections.find((s) => s.id === id);
  const memory = find(SECTION.memory);
  const data = find(SECTION.data);
  if (!memory || !data || find(SECTION.start)) return null;

  // The one defined memory: plain 32-bit limits (flags 0 or 1), nothing shared or custom.
  const mem = new Reader(bytes, memory.contentStart);
  if (mem.u32() !== 1) return null;
  const flags = mem.byte();
  if (flags !== 0 && flags !== 1) return null;
  const initialPages = mem.u32();
  const maximumPages = flags === 1 ? mem.u32() : null;
  if (mem.offset !== memory.end) return null;

  // No memory is imported already (the defined one must stay memory 0).
  const imports = find(SECTION.import);
  const importCount = imports ? new Reader(bytes, imports.contentStart).u32() : 0;
  if (imports) {
    const r = new Reader(bytes, imports.contentStart);
    r.u32();
    for (let i = 0; i < importCount; i++) {
      r.skipName();
      r.skipName();
      const kind = r.byte();
      if (kind === 0) r.u32();
      else if (kind === 1) {
        r.byte();
        const f = r.byte();
        r.u32();
        if (f & 1) r.u32();
      } else if (kind === 2) return null;
      else if (kind === 3) r.offset += 2;
      else if (kind === 4) {
        r.byte();
        r.u32();
      } else return null;
    }
    if (r.offset !== imports.end) return null;
  }

  // Active segments into memory 0 at constant offsets become passive; their bytes make the image.
  const d = new Reader(bytes, data.contentStart);
  const count = d.u32();
  const newData: number[] = [];
  leb(count, newData);
  const chunks: Uint8Array[] = [];
  const segments: MemoryImage['segments'] = [];
  let pending: number[] = newData;
  const flush = () => {
    chunks.push(Uint8Array.from(pending));
    pending = [];
  };
  for (let i = 0; i < count; i++) {
    const kind = d.u32();
    if (kind === 2 && d.u32() !== 0) return null;
    let offset: number | null = null;
    if (kind === 0 || kind === 2) {
      if (d.byte() !== 0x41) return null; // i32.const
      offset = d.i32() >>> 0;
      if (d.byte() !== 0x0b) return null; // end
    } else if (kind !== 1) return null;
    const length = d.u32();
    const body = bytes.subarray(d.offset, d.offset + length);
    d.offset += length;
    if (offset !== null) {
      if (offset + length > initialPages * PAGE) return null; // instantiation would trap: keep that
      segments.push({ offset, bytes: body });
    }
    pending.push(1);
    leb(length, pending);
    flush();
    chunks.push(body);
  }
  if (d.offset !== data.end) return null;

  // The import that replaces the memory section: same limits, so a memory from the pool fits.
  const newImports: number[] = [];
  leb(importCount + 1, newImports);
  const oldImports = imports ? bytes.subarray(new Reader(bytes, imports.contentStart).offset + lebLength(importCount), imports.end) : new Uint8Array();
  const tail: number[] = [];
  encodeName(IMAGE_MEMORY_IMPORT.module, tail);
  encodeName(IMAGE_MEMORY_IMPORT.name, tail);
  tail.push(2, flags);
  leb(initialPages, tail);
  if (maximumPages !== null) leb(maximumPages, tail);
  const importContent = new Uint8Array(newImports.length + oldImports.length + tail.length);
  importContent.set(newImports, 0);
  importContent.set(oldImports, newImports.length);
  importContent.set(tail, newImports.length + oldImports.length);
  const dataContent = concat(chunks);

  const parts: Uint8Array[] = [bytes.subarray(0, 8)];
  let importWritten = false;
  for (const s of sections) {
    // Sections keep their order; the import section comes before the memory section (ids 2 < 5).
    if (!importWritten && s.id !== 0 && s.id >= SECTION.import) {
      parts.push(section(SECTION.import, importContent));
      importWritten = true;
    }
    if (s.id === SECTION.import || s.id === SECTION.memory) continue;
    parts.push(s.id === SECTION.data ? section(SECTION.data, dataContent) : bytes.subarray(s.start, s.end));
  }
  return { module: concat(parts), image: { initialPages, maximumPages, segments } };
}

function lebLength(value: number): number {
  const out: number[] = [];
  leb(value, out);
  return out.length;
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
