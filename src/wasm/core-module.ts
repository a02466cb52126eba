/**
 * The entries of the core-module sections the playground reads or rewrites: imports (counted),
 * exports, memories, globals and data segments. No code is parsed. Used by the in-page Wizer
 * (authoring/wizer.ts), the guest memory ceiling (engine/limits.ts) and the pooled memory images
 * (engine/memory-image.ts). Core spec §5.5.
 */
import { concatBytes } from '../bytes/concat';
import { encodeName, sleb, uleb, WasmFormatError, type ByteReader } from './leb128';
import { payloadReader, type Section } from './sections';

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

/** Value types a global can have and a snapshot can write back. */
export const ValType = { i32: 0x7f, i64: 0x7e, f32: 0x7d, f64: 0x7c, v128: 0x7b } as const;

/** Limits flags: bit 0 has a maximum, bit 1 shared, bit 2 memory64 (u64 limits), bit 3 custom page size. */
const LIMITS_HAS_MAX = 0x01;
const LIMITS_SHARED = 0x02;
const LIMITS_MEMORY64 = 0x04;
const LIMITS_PAGE_SIZE = 0x08;

/** The name of a custom section (its payload starts with it). */
export function customSectionName(section: Section): string {
  return payloadReader(section).name();
}

/** Reads `count` then calls `entry` that many times; the entries must fill the payload exactly. */
function entries(section: Section | undefined, entry: (r: ByteReader) => void): void {
  if (!section) return;
  const r = payloadReader(section);
  for (let n = r.u32(); n > 0; n--) entry(r);
  if (!r.atEnd) throw r.error(`section ${section.id} has ${r.bytes.byteLength - r.pos} bytes after its last entry`);
}

export interface ImportCounts {
  func: number;
  table: number;
  memory: number;
  global: number;
}

/** How many functions, tables, memories and globals a module imports (they come first in each index space). */
export function countImports(section: Section | undefined): ImportCounts {
  const counts: ImportCounts = { func: 0, table: 0, memory: 0, global: 0 };
  entries(section, (r) => {
    r.name();
    r.name();
    const at = r.pos;
    const kind = r.byte();
    if (kind === ExternKind.func) {
      r.u32();
      counts.func++;
    } else if (kind === ExternKind.table) {
      r.byte(); // reftype
      readLimits(r);
      counts.table++;
    } else if (kind === ExternKind.memory) {
      readMemoryType(r);
      counts.memory++;
    } else if (kind === ExternKind.global) {
      r.byte();
      r.byte();
      counts.global++;
    } else if (kind === ExternKind.tag) {
      r.byte();
      r.u32();
    } else {
      throw r.error(`unknown import kind ${kind}`, at);
    }
  });
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
  const out: ExportEntry[] = [];
  entries(section, (r) => {
    const start = r.pos;
    const name = r.name();
    const kind = r.byte();
    const index = r.u32();
    out.push({ name, kind, index, raw: r.bytes.subarray(start, r.pos) });
  });
  return out;
}

export function encodeExports(list: ReadonlyArray<{ raw: Uint8Array } | { name: string; kind: number; index: number }>): Uint8Array {
  const parts: Array<Uint8Array | number[]> = [uleb(list.length)];
  for (const entry of list) {
    if ('raw' in entry) parts.push(entry.raw);
    else parts.push([...encodeName(entry.name), entry.kind, ...uleb(entry.index)]);
  }
  return concatBytes(parts);
}

export interface MemoryType {
  /** In pages; u64 limits (memory64) are exact below 2^53. */
  min: number;
  max?: number;
  shared: boolean;
  memory64: boolean;
  /** Custom page sizes (flag 0x08): the log2 of the page size. */
  pageSizeLog2?: number;
}

function readLimits(r: ByteReader): void {
  const flags = r.byte();
  r.u64();
  if (flags & LIMITS_HAS_MAX) r.u64();
  if (flags & LIMITS_PAGE_SIZE) r.u32();
}

function readMemoryType(r: ByteReader): MemoryType {
  const at = r.pos;
  const flags = r.byte();
  if (flags > 0x0f) throw r.error(`unknown memory limits flags 0x${flags.toString(16)}`, at);
  const memory64 = (flags & LIMITS_MEMORY64) !== 0;
  const limit = () => (memory64 ? r.u64() : r.u32());
  const m: MemoryType = { min: limit(), shared: (flags & LIMITS_SHARED) !== 0, memory64 };
  if (flags & LIMITS_HAS_MAX) m.max = limit();
  if (flags & LIMITS_PAGE_SIZE) m.pageSizeLog2 = r.u32();
  return m;
}

/** The memories a module defines (imported ones are in the import section). */
export function readMemories(section: Section | undefined): MemoryType[] {
  const out: MemoryType[] = [];
  entries(section, (r) => out.push(readMemoryType(r)));
  return out;
}

export function encodeMemories(memories: readonly MemoryType[]): Uint8Array {
  const parts: Array<number[]> = [uleb(memories.length)];
  for (const m of memories) {
    const flags =
      (m.max !== undefined ? LIMITS_HAS_MAX : 0) |
      (m.shared ? LIMITS_SHARED : 0) |
      (m.memory64 ? LIMITS_MEMORY64 : 0) |
      (m.pageSizeLog2 !== undefined ? LIMITS_PAGE_SIZE : 0);
    const limit = (n: number) => uleb(m.memory64 ? BigInt(n) : n);
    const part = [flags, ...limit(m.min)];
    if (m.max !== undefined) part.push(...limit(m.max));
    if (m.pageSizeLog2 !== undefined) part.push(...uleb(m.pageSizeLog2));
    parts.push(part);
  }
  return concatBytes(parts);
}

export interface GlobalType {
  valType: number;
  mutable: boolean;
}

export function readGlobalTypes(section: Section | undefined): GlobalType[] {
  const out: GlobalType[] = [];
  entries(section, (r) => {
    const valType = r.byte();
    const mutable = r.byte() === 1;
    skipConstExpr(r);
    out.push({ valType, mutable });
  });
  return out;
}

/** Globals with constant initialisers: numbers for i32/f32/f64, bigint for i64. */
export function encodeGlobals(globals: ReadonlyArray<GlobalType & { value: number | bigint }>): Uint8Array {
  const parts: Array<number[]> = [uleb(globals.length)];
  for (const g of globals) {
    const part = [g.valType, g.mutable ? 1 : 0];
    switch (g.valType) {
      case ValType.i32:
        part.push(0x41, ...sleb(Number(g.value) | 0));
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
        throw new WasmFormatError(`cannot snapshot a global of type 0x${g.valType.toString(16)}`, 0);
    }
    part.push(0x0b);
    parts.push(part);
  }
  return concatBytes(parts);
}

/** Counts the data section's segments by mode: a snapshot cannot carry passive ones over. */
export function describeDataSegments(section: Section | undefined): { active: number; passive: number } {
  const counts = { active: 0, passive: 0 };
  entries(section, (r) => {
    const flags = r.u32();
    if (flags === 1) {
      counts.passive++;
    } else {
      counts.active++;
      if (flags === 2) r.u32();
      skipConstExpr(r);
    }
    r.skip(r.u32());
  });
  return counts;
}

/** A data section of active segments for memory 0 at i32 offsets, their bytes taken from `memory`. */
export function encodeDataSection(segments: ReadonlyArray<{ offset: number; length: number }>, memory: Uint8Array): Uint8Array {
  const parts: Array<Uint8Array | number[]> = [uleb(segments.length)];
  for (const s of segments) {
    // active, memory 0; i32.const offset; end; then the bytes.
    parts.push([0x00, 0x41, ...sleb(s.offset | 0), 0x0b, ...uleb(s.length)], memory.subarray(s.offset, s.offset + s.length));
  }
  return concatBytes(parts);
}

/** Skips a constant expression up to and including its `end` (the extended-const opcodes too). */
function skipConstExpr(r: ByteReader): void {
  for (;;) {
    const at = r.pos;
    const op = r.byte();
    switch (op) {
      case 0x0b:
        return;
      case 0x41: // i32.const
      case 0x42: // i64.const
      case 0x23: // global.get
      case 0xd2: // ref.func
      case 0xd0: // ref.null t
        r.skipSigned();
        break;
      case 0x43: // f32.const
        r.skip(4);
        break;
      case 0x44: // f64.const
        r.skip(8);
        break;
      case 0x6a: // i32.add / sub / mul, and the i64 ones (extended-const)
      case 0x6b:
      case 0x6c:
      case 0x7c:
      case 0x7d:
      case 0x7e:
        break;
      case 0xfd: // v128.const
        r.skipSigned();
        r.skip(16);
        break;
      default:
        throw r.error(`unsupported opcode 0x${op.toString(16)} in a constant expression`, at);
    }
  }
}
