/**
 * The names a component imports and exports, read from its top-level import (10) and export (11)
 * sections, without transpiling it. Nested components and core modules are skipped by size by the
 * shared section walker (src/wasm/sections.ts). Binary format: WebAssembly component-model `Binary.md`.
 */
import type { ByteReader } from '../wasm/leb128';
import { payloadReader, readSections } from '../wasm/sections';

export interface ComponentWorld {
  imports: string[];
  exports: string[];
}

const IMPORT_SECTION = 10;
const EXPORT_SECTION = 11;

/** Throws a `WasmFormatError` (src/wasm/leb128.ts) naming the offset when the bytes are not a readable component. */
export function readComponentWorld(bytes: Uint8Array): ComponentWorld {
  const world: ComponentWorld = { imports: [], exports: [] };
  for (const section of readSections(bytes, 'component')) {
    if (section.id !== IMPORT_SECTION && section.id !== EXPORT_SECTION) continue;
    const r = payloadReader(section);
    for (let n = r.u32(); n > 0; n--) {
      if (section.id === IMPORT_SECTION) {
        world.imports.push(externName(r));
        externDesc(r);
      } else {
        world.exports.push(externName(r));
        sortIdx(r);
        if (r.byte() === 0x01) externDesc(r);
      }
    }
  }
  return world;
}

/** `0x00 name` or `0x01 name versionsuffix` (older encoders). */
function externName(r: ByteReader): string {
  const kind = r.byte();
  const name = r.name();
  if (kind === 0x01) r.name();
  return name;
}

function externDesc(r: ByteReader): void {
  const at = r.pos;
  const kind = r.byte();
  if (kind === 0x00) {
    r.byte(); // 0x11 core module
    r.u32();
  } else if (kind === 0x01 || kind === 0x04 || kind === 0x05) {
    r.u32();
  } else if (kind === 0x02) {
    if (r.byte() === 0x00) r.u32();
    else valType(r);
  } else if (kind === 0x03) {
    if (r.byte() === 0x00) r.u32();
  } else {
    throw r.error(`unknown extern kind 0x${kind.toString(16)}`, at);
  }
}

/** A primitive value type is one byte in 0x64..0x7f; anything else is a type index (s33). */
function valType(r: ByteReader): void {
  const first = r.bytes[r.pos] ?? 0;
  if (first >= 0x64 && first <= 0x7f) r.pos++;
  else r.skipSigned();
}

function sortIdx(r: ByteReader): void {
  if (r.byte() === 0x00) r.byte();
  r.u32();
}
