/**
 * A section-level reader and writer for core WebAssembly modules: just enough to pre-initialise
 * a module the way Wizer does (wizer.ts). Sections are copied byte for byte unless a caller
 * replaces them; only the import, export, memory and global sections are decoded, and only as far
 * as their entries go (no code is parsed). Binary format: the WebAssembly core spec, §5.
 */

export const SectionId = {
  custom: 0,
  type: 1,
  import: 2,
  function: 3,
  table: 4,
  memory: 5,
  global: 6,
  export: 7,
  start: 8,
  element: 9,
  code: 10,
  data: 11,
  dataCount: 12,
  tag: 13,
} as const;

export const ExternKind = { func: 0, table: 1, memory: 2, global: 3, tag: 4 } as const;

export class WasmFormatError extends Error {}

export interface Section {
  id: number;
  /** The payload, a view into the module's bytes. */
  payload: Uint8Array;
  /** Byte offset of the section id in the module. */
  offset: number;
}

const MAGIC = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00];

/** The sections of a core module, in order (payloads are views, not copies). */
export function readSections(bytes: Uint8Array): Section[] {
  for (let i = 0; i < MAGIC.length; i++) {
    if (bytes[i] !== MAGIC[i]) throw new WasmFormatError('not a core WebAssembly module (bad magic or version)');
  }
  const sections: Section[] = [];
  const reader = new ByteReader(bytes, 8);
  while (reader.pos < bytes.byteLength) {
    const offset = reader.pos;
    const id = reader.byte();
    const size = reader.u32();
    const start = reader.pos;
    if (start + size > bytes.byteLength) throw new WasmFormatError(`section ${id} extends past the end of the module`);
    sections.push({ id, payload: bytes.subarray(start, start + size), offset });
    reader.pos = start + size;
  }
  return sections;
}

/** The name of a custom section (its payload starts with it). */
export function customSectionName(section: Section): string {
  return new ByteReader(section.payload).name();
}

/** A module from sections: each either a `Section` kept as is or a new `{ id, payload }`. */
export function writeModule(sections: ReadonlyArray<{ id: number; payload: Uint8Array }>): Uint8Array {
  let size = MAGIC.length;
  const headers = sections.map((s) => {
    const header = [s.id, ...uleb(s.payload.byteLength)];
    size += header.length + s.payload.byteLength;
    return header;
  });
  const out = new Uint8Array(size);
  out.set(MAGIC, 0);
  let pos = MAGIC.length;
  sections.forEach((s, i) => {
    out.set(headers[i]!, pos);
    pos += headers[i]!.length;
    out.set(s.payload, pos);
    pos += s.payload.byteLength;
  });
  return out;
}

// ---------------------------------------------------------------------------------------------
// Entries of the sections the pre-initialiser touches

export interface ImportCounts {
  func: number;
  table: number;
  memory: number;
  global: number;
}

/** How many functions, tables, memories and globals a module imports (they come first in each index space). */
export function countImports(section: Section | undefined): ImportCounts {
  const counts: ImportCounts = { func: 0, table: 0, memory: 0, global: 0 };
  if (!section) return counts;
  const r = new ByteReader(section.payload);
  for (let n = r.u32(); n > 0; n--) {
    r.name();
    r.name();
    const kind = r.byte();
    if (kind === ExternKind.func) {
      r.u32();
      counts.func++;
    } else if (kind === ExternKind.table) {
      r.byte(); // reftype
      r.limits();
      counts.table++;
    } else if (kind === ExternKind.memory) {
      r.limits();
      counts.memory++;
    } else if (kind === ExternKind.global) {
      r.byte();
      r.byte();
      counts.global++;
    } else if (kind === ExternKind.tag) {
      r.byte();
      r.u32();
    } else {
      throw new WasmFormatError(`unknown import kind ${kind}`);
    }
  }
  return counts;
}

export interface ExportEntry {
  name: string;
  kind: number;
  index: number;
  /** The entry's encoding, copied as is when the export is kept. */
  raw: Uint8Array;
}

export function readExports(section: Section | undefined): ExportEntry[] {
  if (!section) return [];
  const r = new ByteReader(section.payload);
  const out: ExportEntry[] = [];
  for (let n = r.u32(); n > 0; n--) {
    const start = r.pos;
    const name = r.name();
    const kind = r.byte();
    const index = r.u32();
    out.push({ name, kind, index, raw: section.payload.subarray(start, r.pos) });
  }
  return out;
}

export function encodeExports(entries: ReadonlyArray<{ raw: Uint8Array } | { name: string; kind: number; index: number }>): Uint8Array {
  const parts: Array<Uint8Array | number[]> = [uleb(entries.length)];
  for (const entry of entries) {
    if ('raw' in entry) parts.push(entry.raw);
    else parts.push([...encodeName(entry.name), entry.kind, ...uleb(entry.index)]);
  }
  return concat(parts);
}

export interface MemoryType {
  min: number;
  max?: number;
  shared: boolean;
  memory64: boolean;
  /** Custom page sizes (flag 0x08): the log2 of the page size. */
  pageSizeLog2?: number;
}

export function readMemories(section: Section | undefined): MemoryType[] {
  if (!section) return [];
  const r = new ByteReader(section.payload);
  const out: MemoryType[] = [];
  for (let n = r.u32(); n > 0; n--) out.push(r.memoryType());
  return out;
}

export function encodeMemories(memories: readonly MemoryType[]): Uint8Array {
  const parts: Array<number[]> = [uleb(memories.length)];
  for (const m of memories) {
    const flags = (m.max !== undefined ? 1 : 0) | (m.shared ? 2 : 0) | (m.memory64 ? 4 : 0) | (m.pageSizeLog2 !== undefined ? 8 : 0);
    const part = [flags, ...uleb(m.min)];
    if (m.max !== undefined) part.push(...uleb(m.max));
    if (m.pageSizeLog2 !== undefined) part.push(...uleb(m.pageSizeLog2));
    parts.push(part);
  }
  return concat(parts);
}

/** Value types a global can have and a snapshot can write back. */
export const ValType = { i32: 0x7f, i64: 0x7e, f32: 0x7d, f64: 0x7c, v128: 0x7b } as const;

export interface GlobalType {
  valType: number;
  mutable: boolean;
}

export function readGlobalTypes(section: Section | undefined): GlobalType[] {
  if (!section) return [];
  const r = new ByteReader(section.payload);
  const out: GlobalType[] = [];
  for (let n = r.u32(); n > 0; n--) {
    const valType = r.byte();
    const mutable = r.byte() === 1;
    r.skipConstExpr();
    out.push({ valType, mutable });
  }
  return out;
}

/** Globals with constant initialisers: numbers for i32/f32/f64, bigint for i64. */
export function encodeGlobals(globals: ReadonlyArray<GlobalType & { value: number | bigint }>): Uint8Array {
  const parts: Array<number[]> = [uleb(globals.length)];
  for (const g of globals) {
    const part = [g.valType, g.mutable ? 1 : 0];
    switch (g.valType) {
      case ValType.i32:
        part.push(0x41, ...sleb(BigInt(Number(g.value) | 0)));
        break;
      case ValType.i64:
        part.push(0x42, ...sleb(BigInt.asIntN(64, BigInt(g.value))));
        break;
      case ValType.f32: {
        const b = new Uint8Array(4);
        new DataView(b.buffer).setFloat32(0, Number(g.value), true);
        part.push(0x43, ...b);
        break;
      }
      case ValType.f64: {
        const b = new Uint8Array(8);
        new DataView(b.buffer).setFloat64(0, Number(g.value), true);
        part.push(0x44, ...b);
        break;
      }
      default:
        throw new WasmFormatError(`cannot snapshot a global of type 0x${g.valType.toString(16)}`);
    }
    part.push(0x0b);
    parts.push(part);
  }
  return concat(parts);
}

/** Checks the data section for what a snapshot cannot carry over (passive segments, other memories). */
export function describeDataSegments(section: Section | undefined): { active: number; passive: number } {
  const counts = { active: 0, passive: 0 };
  if (!section) return counts;
  const r = new ByteReader(section.payload);
  for (let n = r.u32(); n > 0; n--) {
    const flags = r.u32();
    if (flags === 1) {
      counts.passive++;
    } else {
      counts.active++;
      if (flags === 2) r.u32();
      r.skipConstExpr();
    }
    const length = r.u32();
    r.pos += length;
  }
  return counts;
}

/** A data section of active segments for memory 0 at i32 offsets, their bytes taken from `memory`. */
export function encodeDataSection(segments: ReadonlyArray<{ offset: number; length: number }>, memory: Uint8Array): Uint8Array {
  let size = ulebSize(segments.length);
  for (const s of segments) size += 3 + slebSize32(s.offset | 0) + ulebSize(s.length) + s.length;
  const out = new Uint8Array(size);
  let pos = writeUleb(out, 0, segments.length);
  for (const s of segments) {
    out[pos++] = 0x00; // active, memory 0
    out[pos++] = 0x41; // i32.const
    pos = writeSleb32(out, pos, s.offset | 0);
    out[pos++] = 0x0b;
    pos = writeUleb(out, pos, s.length);
    out.set(memory.subarray(s.offset, s.offset + s.length), pos);
    pos += s.length;
  }
  return out;
}

function ulebSize(value: number): number {
  let n = 1;
  for (let v = value >>> 7; v !== 0; v >>>= 7) n++;
  return n;
}

function writeUleb(out: Uint8Array, pos: number, value: number): number {
  let v = value >>> 0;
  for (;;) {
    const byte = v & 0x7f;
    v >>>= 7;
    if (v === 0) {
      out[pos++] = byte;
      return pos;
    }
    out[pos++] = byte | 0x80;
  }
}

function slebSize32(value: number): number {
  let n = 0;
  let v = value | 0;
  for (;;) {
    const byte = v & 0x7f;
    v >>= 7;
    n++;
    if ((v === 0 && (byte & 0x40) === 0) || (v === -1 && (byte & 0x40) !== 0)) return n;
  }
}

function writeSleb32(out: Uint8Array, pos: number, value: number): number {
  let v = value | 0;
  for (;;) {
    const byte = v & 0x7f;
    v >>= 7;
    if ((v === 0 && (byte & 0x40) === 0) || (v === -1 && (byte & 0x40) !== 0)) {
      out[pos++] = byte;
      return pos;
    }
    out[pos++] = byte | 0x80;
  }
}

// ---------------------------------------------------------------------------------------------
// LEB128 and names

export function uleb(value: number): number[] {
  const out: number[] = [];
  let v = value >>> 0;
  if (value > 0xffffffff) throw new WasmFormatError(`value ${value} does not fit u32`);
  do {
    let byte = v & 0x7f;
    v >>>= 7;
    if (v !== 0) byte |= 0x80;
    out.push(byte);
  } while (v !== 0);
  return out;
}

export function sleb(value: bigint): number[] {
  const out: number[] = [];
  let v = value;
  for (;;) {
    const byte = Number(v & 0x7fn);
    v >>= 7n;
    const signBit = (byte & 0x40) !== 0;
    if ((v === 0n && !signBit) || (v === -1n && signBit)) {
      out.push(byte);
      return out;
    }
    out.push(byte | 0x80);
  }
}

export function encodeName(name: string): number[] {
  const bytes = new TextEncoder().encode(name);
  return [...uleb(bytes.byteLength), ...bytes];
}

function concat(parts: ReadonlyArray<Uint8Array | number[]>): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let pos = 0;
  for (const p of parts) {
    out.set(p, pos);
    pos += p.length;
  }
  return out;
}

export class ByteReader {
  constructor(
    readonly bytes: Uint8Array,
    public pos = 0,
  ) {}

  byte(): number {
    const b = this.bytes[this.pos++];
    if (b === undefined) throw new WasmFormatError('unexpected end of module');
    return b;
  }

  u32(): number {
    let result = 0;
    let shift = 0;
    for (;;) {
      const b = this.byte();
      result += (b & 0x7f) * 2 ** shift;
      if ((b & 0x80) === 0) return result;
      shift += 7;
      if (shift > 35) throw new WasmFormatError('malformed LEB128');
    }
  }

  /** A u64 LEB as a number (memory64 limits); exact below 2^53. */
  u64(): number {
    let result = 0;
    let shift = 0;
    for (;;) {
      const b = this.byte();
      result += (b & 0x7f) * 2 ** shift;
      if ((b & 0x80) === 0) return result;
      shift += 7;
      if (shift > 63) throw new WasmFormatError('malformed LEB128');
    }
  }

  skipLeb(): void {
    while (this.byte() & 0x80);
  }

  name(): string {
    const length = this.u32();
    const text = new TextDecoder().decode(this.bytes.subarray(this.pos, this.pos + length));
    this.pos += length;
    return text;
  }

  limits(): void {
    const flags = this.byte();
    this.u64();
    if (flags & 1) this.u64();
    if (flags & 8) this.u32();
  }

  memoryType(): MemoryType {
    const flags = this.byte();
    const m: MemoryType = { min: this.u64(), shared: (flags & 2) !== 0, memory64: (flags & 4) !== 0 };
    if (flags & 1) m.max = this.u64();
    if (flags & 8) m.pageSizeLog2 = this.u32();
    return m;
  }

  /** Skips a constant expression up to and including its `end` (the extended-const opcodes too). */
  skipConstExpr(): void {
    for (;;) {
      const op = this.byte();
      switch (op) {
        case 0x0b:
          return;
        case 0x41: // i32.const
        case 0x42: // i64.const
        case 0x23: // global.get
        case 0xd2: // ref.func
          this.skipLeb();
          break;
        case 0x43:
          this.pos += 4;
          break;
        case 0x44:
          this.pos += 8;
          break;
        case 0xd0: // ref.null t
          this.skipLeb();
          break;
        case 0x6a: // i32.add / sub / mul, i64 ones (extended-const)
        case 0x6b:
        case 0x6c:
        case 0x7c:
        case 0x7d:
        case 0x7e:
          break;
        case 0xfd: // v128.const
          this.skipLeb();
          this.pos += 16;
          break;
        default:
          throw new WasmFormatError(`unsupported opcode 0x${op.toString(16)} in a constant expression`);
      }
    }
  }
}
