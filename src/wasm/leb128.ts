/**
 * LEB128 integers and length-prefixed names, the encoding every WebAssembly binary (core module or
 * component) is made of: the core spec §5.2.2, and the component model's Binary.md, which reuses it.
 * A leaf: the binary readers of the engine (limits.ts, component-world.ts, memory-image.ts,
 * core-slices.ts) and of the in-page builder (wizer.ts, prepared.ts) all read and write through this
 * file (docs/architecture.md §4).
 */

/** Bytes that are not the WebAssembly they claim to be; the message names the byte offset. */
export class WasmFormatError extends Error {
  constructor(
    message: string,
    /** Offset in the whole binary where the problem was found. */
    readonly offset: number,
  ) {
    super(`${message} (at byte ${offset})`);
    this.name = 'WasmFormatError';
  }
}

/**
 * A cursor over a binary. `base` is the offset of `bytes` in the whole file, so a reader over a
 * section's payload still reports offsets in the file.
 */
export class ByteReader {
  constructor(
    readonly bytes: Uint8Array,
    public pos = 0,
    readonly base = 0,
  ) {}

  get atEnd(): boolean {
    return this.pos >= this.bytes.byteLength;
  }

  /** A `WasmFormatError` at the current position (or at `pos`). */
  error(message: string, pos = this.pos): WasmFormatError {
    return new WasmFormatError(message, this.base + pos);
  }

  byte(): number {
    const b = this.bytes[this.pos];
    if (b === undefined) throw this.error('unexpected end of input');
    this.pos++;
    return b;
  }

  /** `n` bytes as a view (not a copy). */
  take(n: number): Uint8Array {
    if (this.pos + n > this.bytes.byteLength) {
      throw this.error(`${n} bytes needed but only ${this.bytes.byteLength - this.pos} left (truncated?)`);
    }
    const out = this.bytes.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }

  skip(n: number): void {
    this.take(n);
  }

  /** An unsigned LEB128 of at most 32 bits (5 bytes). */
  u32(): number {
    const start = this.pos;
    let result = 0;
    for (let i = 0; i < 5; i++) {
      const b = this.byte();
      result += (b & 0x7f) * 2 ** (7 * i);
      if ((b & 0x80) === 0) {
        if (result > 0xffffffff) throw this.error('LEB128 integer does not fit in u32', start);
        return result;
      }
    }
    throw this.error('LEB128 integer longer than 5 bytes (u32)', start);
  }

  /** An unsigned LEB128 of at most 64 bits (memory64 limits), as a number: exact below 2^53. */
  u64(): number {
    return Number(this.unsigned(64));
  }

  /** An unsigned LEB128 of at most `bits` bits, exactly. */
  unsigned(bits: 32 | 64): bigint {
    const start = this.pos;
    const maxBytes = Math.ceil(bits / 7);
    let result = 0n;
    for (let i = 0; ; i++) {
      const b = this.byte();
      result |= BigInt(b & 0x7f) << BigInt(7 * i);
      if ((b & 0x80) === 0) {
        if (result >> BigInt(bits) !== 0n) throw this.error(`LEB128 integer does not fit in u${bits}`, start);
        return result;
      }
      if (i + 1 >= maxBytes) throw this.error(`LEB128 integer longer than ${maxBytes} bytes (u${bits})`, start);
    }
  }

  /** A signed LEB128 of at most 32 bits (an `i32.const` operand), as a signed number. */
  s32(): number {
    const start = this.pos;
    let result = 0;
    let shift = 0;
    let b: number;
    do {
      if (shift >= 35) throw this.error('LEB128 integer longer than 5 bytes (s32)', start);
      b = this.byte();
      result |= (b & 0x7f) << shift;
      shift += 7;
    } while (b & 0x80);
    return shift < 32 && b & 0x40 ? result | (-1 << shift) : result;
  }

  /** Skips a signed LEB128 of at most 64 bits (s33 type indices, i32/i64 constants). */
  skipSigned(): void {
    const start = this.pos;
    for (let i = 0; this.byte() & 0x80; i++) {
      if (i + 1 >= 10) throw this.error('LEB128 integer longer than 10 bytes', start);
    }
  }

  /** A UTF-8 name prefixed by its length in bytes. */
  name(): string {
    const length = this.u32();
    return new TextDecoder().decode(this.take(length));
  }
}

/** `value` (a u32, or a u64 as a bigint) as unsigned LEB128. */
export function uleb(value: number | bigint): number[] {
  if (typeof value === 'number' && !(Number.isInteger(value) && value >= 0 && value <= 0xffffffff)) {
    throw new RangeError(`${value} is not a u32`);
  }
  let v = BigInt(value);
  if (v < 0n || v >> 64n !== 0n) throw new RangeError(`${value} is not a u64`);
  const out: number[] = [];
  do {
    let byte = Number(v & 0x7fn);
    v >>= 7n;
    if (v !== 0n) byte |= 0x80;
    out.push(byte);
  } while (v !== 0n);
  return out;
}

/** `value` as signed LEB128 (i32 and i64 constants). */
export function sleb(value: bigint | number): number[] {
  const out: number[] = [];
  let v = BigInt(value);
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

/** A name: its UTF-8 length as LEB128, then the bytes. */
export function encodeName(name: string): number[] {
  const bytes = new TextEncoder().encode(name);
  return [...uleb(bytes.byteLength), ...bytes];
}
