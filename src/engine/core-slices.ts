/**
 * Where a component's core modules sit in its own bytes. jco's output `.wasm` files are the core
 * module sections of the component, byte for byte, so the transpile cache and the build-time
 * transpiles of the bundled examples keep only their offsets: the bytes are already in the
 * component the engine was given (docs/toolchain.md, "Transpile cache").
 */

/** A byte range of the component: `[offset, offset + length)`. */
export interface Slice {
  offset: number;
  length: number;
}

const CORE_MODULE_SECTION = 1;

function leb128(bytes: Uint8Array, at: number): [value: number, next: number] {
  let value = 0;
  let shift = 0;
  for (let i = at; i < bytes.length && shift < 35; i++, shift += 7) {
    value += (bytes[i]! & 0x7f) * 2 ** shift;
    if ((bytes[i]! & 0x80) === 0) return [value, i + 1];
  }
  throw new Error(`component binary: bad LEB128 at byte ${at}`);
}

/** The top-level core module sections of a component binary, in order (none for a core module). */
export function coreModuleSections(component: Uint8Array): Slice[] {
  // A component's preamble: `\0asm`, then version 0x0d 0x00 and layer 0x01 0x00.
  if (component.length < 8 || component[4] !== 0x0d || component[6] !== 0x01) return [];
  const out: Slice[] = [];
  let at = 8;
  while (at < component.length) {
    const id = component[at]!;
    const [size, start] = leb128(component, at + 1);
    if (start + size > component.length) throw new Error(`component binary: section at byte ${at} runs past the end`);
    if (id === CORE_MODULE_SECTION) out.push({ offset: start, length: size });
    at = start + size;
  }
  return out;
}

/** The slice of `component` that holds exactly `module`'s bytes, if it is one of its core modules. */
export function findCoreModule(component: Uint8Array, sections: Slice[], module: Uint8Array): Slice | undefined {
  return sections.find((s) => s.length === module.length && sameBytes(component.subarray(s.offset, s.offset + s.length), module));
}

/** The bytes of a slice, checked to lie inside the component and to start like a core module. */
export function sliceOf(component: Uint8Array, slice: Slice, what: string): Uint8Array {
  const { offset, length } = slice;
  if (!Number.isSafeInteger(offset) || !Number.isSafeInteger(length) || offset < 0 || length < 8 || offset + length > component.length) {
    throw new Error(`${what}: byte range ${offset}+${length} is not inside the ${component.length}-byte component`);
  }
  const bytes = component.subarray(offset, offset + length);
  if (bytes[0] !== 0 || bytes[1] !== 0x61 || bytes[2] !== 0x73 || bytes[3] !== 0x6d || bytes[4] !== 1) {
    throw new Error(`${what}: byte range ${offset}+${length} of the component is not a core module`);
  }
  return bytes;
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
