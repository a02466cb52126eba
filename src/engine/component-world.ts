/**
 * The names a component imports and exports, read from its top-level import (10) and export (11)
 * sections, without transpiling it. Nested components and core modules are skipped by size.
 * Binary format: WebAssembly component-model `Binary.md`.
 */
export interface ComponentWorld {
  imports: string[];
  exports: string[];
}

export class ComponentFormatError extends Error {}

export function readComponentWorld(bytes: Uint8Array): ComponentWorld {
  const reader = new Reader(bytes);
  reader.pos = 8; // preamble
  const world: ComponentWorld = { imports: [], exports: [] };
  while (reader.pos < bytes.byteLength) {
    const id = reader.byte();
    const size = reader.u32();
    const end = reader.pos + size;
    if (end > bytes.byteLength) throw new ComponentFormatError('section extends past the end of the file (truncated?)');
    if (id === 10) {
      for (let n = reader.u32(); n > 0; n--) {
        world.imports.push(reader.externName());
        reader.externDesc();
      }
    } else if (id === 11) {
      for (let n = reader.u32(); n > 0; n--) {
        world.exports.push(reader.externName());
        reader.sortIdx();
        if (reader.byte() === 0x01) reader.externDesc();
      }
    }
    reader.pos = end;
  }
  return world;
}

class Reader {
  pos = 0;
  constructor(private readonly bytes: Uint8Array) {}

  byte(): number {
    const value = this.bytes[this.pos++];
    if (value === undefined) throw new ComponentFormatError('unexpected end of file (truncated?)');
    return value;
  }

  u32(): number {
    let result = 0;
    let shift = 0;
    for (;;) {
      const b = this.byte();
      result |= (b & 0x7f) << shift;
      if ((b & 0x80) === 0) return result >>> 0;
      shift += 7;
      if (shift > 35) throw new ComponentFormatError('malformed LEB128 integer');
    }
  }

  s33(): void {
    while (this.byte() & 0x80);
  }

  string(): string {
    const length = this.u32();
    const text = new TextDecoder().decode(this.bytes.subarray(this.pos, this.pos + length));
    this.pos += length;
    return text;
  }

  /** `0x00 name` or `0x01 name versionsuffix` (older encoders). */
  externName(): string {
    const kind = this.byte();
    const name = this.string();
    if (kind === 0x01) this.string();
    return name;
  }

  externDesc(): void {
    const kind = this.byte();
    if (kind === 0x00) {
      this.byte(); // 0x11 core module
      this.u32();
    } else if (kind === 0x01 || kind === 0x04 || kind === 0x05) {
      this.u32();
    } else if (kind === 0x02) {
      if (this.byte() === 0x00) this.u32();
      else this.valType();
    } else if (kind === 0x03) {
      if (this.byte() === 0x00) this.u32();
    } else {
      throw new ComponentFormatError(`unknown extern kind 0x${kind.toString(16)}`);
    }
  }

  valType(): void {
    const first = this.bytes[this.pos] ?? 0;
    if (first >= 0x64 && first <= 0x7f) this.pos++;
    else this.s33();
  }

  sortIdx(): void {
    if (this.byte() === 0x00) this.byte();
    this.u32();
  }
}
