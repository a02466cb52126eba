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
 * Binary format: https://webassembly.github.io/spec/core/binary/modules.html#memory-section
 */

const MEMORY_SECTION = 5;

/**
 * Limits flags: bit 0 has a maximum, bit 1 shared, bit 2 memory64 (same LEB128 encoding, u64),
 * bit 3 custom page size (its log2 follows the limits).
 */
const HAS_MAX = 0x01;
const CUSTOM_PAGE_SIZE = 0x08;

class Reader {
  offset: number;
  constructor(readonly bytes: Uint8Array, offset = 0) {
    this.offset = offset;
  }
  byte(): number {
    if (this.offset >= this.bytes.length) throw new RangeError('unexpected end');
    return this.bytes[this.offset++]!;
  }
  /** Unsigned LEB128 as a bigint (memory64 limits are u64). */
  leb(): bigint {
    let result = 0n;
    let shift = 0n;
    for (;;) {
      const b = this.byte();
      result |= BigInt(b & 0x7f) << shift;
      if ((b & 0x80) === 0) return result;
      shift += 7n;
      if (shift > 70n) throw new RangeError('LEB128 too long');
    }
  }
}

function writeLeb(value: bigint, out: number[]): void {
  do {
    let b = Number(value & 0x7fn);
    value >>= 7n;
    if (value !== 0n) b |= 0x80;
    out.push(b);
  } while (value !== 0n);
}

/**
 * `bytes` with every defined memory limited to `maxBytes` (rounded down to whole pages, but never
 * below a memory's own minimum, which it needs to instantiate at all). A memory whose declared
 * maximum is already lower keeps it. Returns `bytes` itself when nothing changes, when
 * `maxBytes <= 0` (no ceiling), or when the bytes are not a core module this can read (the
 * compiler then reports the real problem).
 */
export function capMemory(bytes: Uint8Array, maxBytes: number): Uint8Array {
  if (!(maxBytes > 0)) return bytes;
  if (bytes.length < 8 || bytes[0] !== 0 || bytes[1] !== 0x61 || bytes[2] !== 0x73 || bytes[3] !== 0x6d || bytes[4] !== 1 || bytes[5] !== 0) return bytes;
  try {
    return rewrite(bytes, maxBytes);
  } catch {
    return bytes;
  }
}

function rewrite(bytes: Uint8Array, maxBytes: number): Uint8Array {
  const reader = new Reader(bytes, 8);
  while (reader.offset < bytes.length) {
    const sectionStart = reader.offset;
    const id = reader.byte();
    const size = Number(reader.leb());
    const contentStart = reader.offset;
    const contentEnd = contentStart + size;
    if (contentEnd > bytes.length) return bytes;
    if (id !== MEMORY_SECTION) {
      reader.offset = contentEnd;
      continue;
    }
    const content = new Reader(bytes, contentStart);
    const count = Number(content.leb());
    const out: number[] = [];
    writeLeb(BigInt(count), out);
    let changed = false;
    for (let i = 0; i < count; i++) {
      const flags = content.byte();
      const min = content.leb();
      const max = flags & HAS_MAX ? content.leb() : null;
      const pageSizeLog2 = flags & CUSTOM_PAGE_SIZE ? content.leb() : 16n;
      let ceiling = BigInt(Math.floor(maxBytes)) / (1n << pageSizeLog2);
      if (ceiling < min) ceiling = min;
      const newMax = max === null || max > ceiling ? ceiling : max;
      if (newMax !== max) changed = true;
      out.push(flags | HAS_MAX);
      writeLeb(min, out);
      writeLeb(newMax, out);
      if (flags & CUSTOM_PAGE_SIZE) writeLeb(pageSizeLog2, out);
    }
    if (content.offset !== contentEnd || !changed) return bytes;
    const header: number[] = [MEMORY_SECTION];
    writeLeb(BigInt(out.length), header);
    const result = new Uint8Array(sectionStart + header.length + out.length + (bytes.length - contentEnd));
    result.set(bytes.subarray(0, sectionStart), 0);
    result.set(header, sectionStart);
    result.set(out, sectionStart + header.length);
    result.set(bytes.subarray(contentEnd), sectionStart + header.length + out.length);
    return result;
  }
  return bytes;
}

/**
 * Make every `WebAssembly.compile` in this context (the engine Worker) cap defined memories at
 * `ceilingBytes()`. Components are compiled through `compile` (components.ts for jco's core
 * modules, app-loader.ts for Spin 1 core modules), so one hook covers both; sql.js instantiates
 * its own module another way and keeps its own limits.
 */
export function installMemoryCap(ceilingBytes: () => number): void {
  const original = WebAssembly.compile.bind(WebAssembly);
  WebAssembly.compile = (source: BufferSource) => {
    const ceiling = ceilingBytes();
    if (!(ceiling > 0)) return original(source);
    const view = source instanceof Uint8Array ? source : ArrayBuffer.isView(source) ? new Uint8Array(source.buffer, source.byteOffset, source.byteLength) : new Uint8Array(source);
    return original(capMemory(view, ceiling) as Uint8Array<ArrayBuffer>);
  };
}

export const MIB = 1024 * 1024;
