/**
 * The section walker shared by every binary reader: a core module and a component are both an
 * 8-byte preamble followed by `id size payload` sections (core spec §5.5.2; component model
 * Binary.md). Payloads are views into the binary, never copies; nothing inside them is decoded here.
 */
import { concatBytes } from '../bytes/concat';
import { ByteReader, uleb, WasmFormatError } from './leb128';

/** `\0asm`, then version 1 and layer 0. */
export const CORE_MODULE_PREAMBLE = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00] as const;
/** `\0asm`, then version 0x0d and layer 1. */
export const COMPONENT_PREAMBLE = [0x00, 0x61, 0x73, 0x6d, 0x0d, 0x00, 0x01, 0x00] as const;

export type BinaryKind = 'core-module' | 'component';

export interface Section {
  id: number;
  /** The payload, a view into the binary's bytes. */
  payload: Uint8Array;
  /** Byte offset of the section id in the binary. */
  offset: number;
  /** Byte offset of the payload in the binary (after the id and the size). */
  payloadOffset: number;
}

/** Which kind of binary the preamble announces, or null when it is neither. */
export function binaryKind(bytes: Uint8Array): BinaryKind | null {
  if (hasPreamble(bytes, CORE_MODULE_PREAMBLE)) return 'core-module';
  if (hasPreamble(bytes, COMPONENT_PREAMBLE)) return 'component';
  return null;
}

function hasPreamble(bytes: Uint8Array, preamble: readonly number[]): boolean {
  return bytes.byteLength >= 8 && preamble.every((b, i) => bytes[i] === b);
}

/**
 * The top-level sections of a binary of the `expected` kind, in order. Throws a `WasmFormatError`
 * naming the offset when the preamble is another kind's or a section runs past the end. A
 * component's nested modules and components are sections like any other: skipped by size.
 */
export function readSections(bytes: Uint8Array, expected: BinaryKind): Section[] {
  const kind = binaryKind(bytes);
  if (kind !== expected) {
    const what = kind === null ? 'not WebAssembly (bad magic, version or layer)' : `a ${kind.replace('-', ' ')}`;
    throw new WasmFormatError(`expected a ${expected.replace('-', ' ')}, found ${what}`, 0);
  }
  const sections: Section[] = [];
  const reader = new ByteReader(bytes, 8);
  while (!reader.atEnd) {
    const offset = reader.pos;
    const id = reader.byte();
    const size = reader.u32();
    const payloadOffset = reader.pos;
    if (payloadOffset + size > bytes.byteLength) {
      throw new WasmFormatError(`section ${id} of ${size} bytes runs past the end (${bytes.byteLength - payloadOffset} left; truncated?)`, offset);
    }
    sections.push({ id, payload: bytes.subarray(payloadOffset, payloadOffset + size), offset, payloadOffset });
    reader.pos = payloadOffset + size;
  }
  return sections;
}

/** A reader over a section's payload that reports offsets in the whole binary. */
export function payloadReader(section: Section): ByteReader {
  return new ByteReader(section.payload, 0, section.payloadOffset);
}

/** A binary of `kind` from sections: each either a `Section` kept as is or a new `{ id, payload }`. */
export function writeBinary(kind: BinaryKind, sections: ReadonlyArray<{ id: number; payload: Uint8Array }>): Uint8Array {
  const parts: Array<Uint8Array | readonly number[]> = [kind === 'core-module' ? CORE_MODULE_PREAMBLE : COMPONENT_PREAMBLE];
  for (const s of sections) parts.push([s.id, ...uleb(s.payload.byteLength)], s.payload);
  return concatBytes(parts);
}

/** `bytes` with one section's whole encoding (id, size, payload) replaced by `id` and `payload`. */
export function replaceSection(bytes: Uint8Array, section: Section, payload: Uint8Array): Uint8Array {
  const end = section.payloadOffset + section.payload.byteLength;
  return concatBytes([bytes.subarray(0, section.offset), [section.id, ...uleb(payload.byteLength)], payload, bytes.subarray(end)]);
}
