/**
 * Where a component's core modules sit in its own bytes. jco's output `.wasm` files are the core
 * module sections of the component, byte for byte, so the transpile cache and the build-time
 * transpiles of the bundled examples keep only their offsets: the bytes are already in the
 * component the engine was given (docs/toolchain.md, "Transpile cache").
 * The component's sections are walked by the shared reader (src/wasm/sections.ts).
 */
import { WasmFormatError } from '../wasm/leb128';
import { binaryKind, readSections } from '../wasm/sections';

/** A byte range of the component: `[offset, offset + length)`. */
export interface Slice {
  offset: number;
  length: number;
}

/** The id of a core module section in a component (component model Binary.md). */
const CORE_MODULE_SECTION = 1;

/** The top-level core module sections of a component binary, in order (none for a core module). */
export function coreModuleSections(component: Uint8Array): Slice[] {
  if (binaryKind(component) !== 'component') return [];
  let sections: ReturnType<typeof readSections>;
  try {
    sections = readSections(component, 'component');
  } catch (e) {
    if (e instanceof WasmFormatError) throw new WasmFormatError(`component binary: ${e.message.replace(/ \(at byte \d+\)$/, '')}`, e.offset);
    throw e;
  }
  return sections.filter((s) => s.id === CORE_MODULE_SECTION).map((s) => ({ offset: s.payloadOffset, length: s.payload.byteLength }));
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
