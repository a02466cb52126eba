/**
 * Memory and layout helpers for the wit-bindgen 0.2 canonical ABI that Spin 1 core modules use
 * (docs/spin1-abi.md, "Memory and ownership"). Every read and write makes fresh views, because
 * any call into the guest (its `canonical_abi_realloc` included) may grow memory and detach them.
 */

/** The guest exports the host needs to move values in and out. */
export interface GuestExports {
  memory: WebAssembly.Memory;
  canonical_abi_realloc(oldPtr: number, oldSize: number, align: number, newSize: number): number;
}

/** A response record as the guest returned it (`http-types.response`). */
export interface Spin1Response {
  status: number;
  headers: Array<[string, string]> | undefined;
  body: Uint8Array | undefined;
}

/**
 * Where each field of the returned `response` sits: the wit-bindgen 0.2 record for
 * `handle-http-request`, one 8-byte slot per value for Spin 0.1's `handler`.
 */
export const RESPONSE_LAYOUTS = {
  'handle-http-request': { status: 0, headersTag: 4, headersPtr: 8, headersLen: 12, bodyTag: 16, bodyPtr: 20, bodyLen: 24 },
  handler: { status: 0, headersTag: 8, headersPtr: 16, headersLen: 24, bodyTag: 32, bodyPtr: 40, bodyLen: 48 },
} as const;

/** Which handler export a module has, by name. */
export type HandlerExport = keyof typeof RESPONSE_LAYOUTS;

const utf8 = new TextDecoder('utf-8', { fatal: true });
const encoder = new TextEncoder();

/** Reads and writes guest memory; `guest()` is looked up on each use, since imports exist before the instance. */
export class GuestMemory {
  readonly #guest: () => GuestExports;

  constructor(guest: () => GuestExports) {
    this.#guest = guest;
  }

  /** A fresh view of the whole memory. */
  view(): DataView {
    return new DataView(this.#guest().memory.buffer);
  }

  /** A copy of `len` bytes at `ptr`, so later growth cannot detach it. */
  readBytes(ptr: number, len: number): Uint8Array {
    const buffer = this.#guest().memory.buffer;
    if (ptr + len > buffer.byteLength) throw new RangeError(`guest pointer ${ptr}+${len} is outside memory`);
    return new Uint8Array(buffer, ptr, len).slice();
  }

  /** UTF-8 at `ptr`; invalid UTF-8 throws, as Spin's host does for a `string`. */
  readString(ptr: number, len: number): string {
    return utf8.decode(this.readBytes(ptr, len));
  }

  /** A list of `{k_ptr, k_len, v_ptr, v_len}` pairs; all pointers are read before any string. */
  readPairs(ptr: number, len: number): Array<[string, string]> {
    const view = this.view();
    if (ptr + len * 16 > view.byteLength) throw new RangeError(`guest list ${ptr}+${len}×16 is outside memory`);
    const spans = Array.from({ length: len }, (_, i) => [0, 4, 8, 12].map((field) => view.getUint32(ptr + i * 16 + field, true)));
    return spans.map(([kp, kl, vp, vl]) => [this.readString(kp!, kl!), this.readString(vp!, vl!)]);
  }

  /** Allocates in the guest, as its own `canonical_abi_realloc(0, 0, align, size)`. */
  alloc(align: number, size: number): number {
    return this.#guest().canonical_abi_realloc(0, 0, align, size) >>> 0;
  }

  /** Copies bytes into a new guest allocation (align 1); the guest owns it afterwards. */
  writeBytes(data: Uint8Array): [number, number] {
    const ptr = this.alloc(1, data.byteLength);
    new Uint8Array(this.#guest().memory.buffer).set(data, ptr);
    return [ptr, data.byteLength];
  }

  /** A string as UTF-8 in its own allocation. */
  writeString(text: string): [number, number] {
    return this.writeBytes(encoder.encode(text));
  }

  /** A `list<tuple<string, string>>`: a 16-byte-element array (align 4) plus one allocation per string. */
  writePairs(pairs: ReadonlyArray<readonly [string, string]>): [number, number] {
    const ptr = this.alloc(4, pairs.length * 16);
    pairs.forEach(([key, value], i) => {
      const [kp, kl] = this.writeString(key);
      const [vp, vl] = this.writeString(value);
      const view = this.view();
      view.setUint32(ptr + i * 16, kp, true);
      view.setUint32(ptr + i * 16 + 4, kl, true);
      view.setUint32(ptr + i * 16 + 8, vp, true);
      view.setUint32(ptr + i * 16 + 12, vl, true);
    });
    return [ptr, pairs.length];
  }

  /** A `list<string>`: an 8-byte-element array (align 4) plus one allocation per string. */
  writeStringList(list: readonly string[]): [number, number] {
    const ptr = this.alloc(4, list.length * 8);
    list.forEach((text, i) => {
      const [sp, sl] = this.writeString(text);
      const view = this.view();
      view.setUint32(ptr + i * 8, sp, true);
      view.setUint32(ptr + i * 8 + 4, sl, true);
    });
    return [ptr, list.length];
  }

  /** Reads the `response` record at `ptr` in the given export's layout. */
  readResponse(ptr: number, layout: HandlerExport): Spin1Response {
    const at = RESPONSE_LAYOUTS[layout];
    const view = this.view();
    const status = view.getUint16(ptr + at.status, true);
    const headersTag = optionTag(view.getUint8(ptr + at.headersTag), 'headers');
    const headersPtr = view.getUint32(ptr + at.headersPtr, true);
    const headersLen = view.getUint32(ptr + at.headersLen, true);
    const bodyTag = optionTag(view.getUint8(ptr + at.bodyTag), 'body');
    const bodyPtr = view.getUint32(ptr + at.bodyPtr, true);
    const bodyLen = view.getUint32(ptr + at.bodyLen, true);
    return {
      status,
      headers: headersTag ? this.readPairs(headersPtr, headersLen) : undefined,
      body: bodyTag ? this.readBytes(bodyPtr, bodyLen) : undefined,
    };
  }
}

function optionTag(tag: number, field: string): boolean {
  if (tag > 1) throw new Error(`invalid option discriminant ${tag} for the response ${field}`);
  return tag === 1;
}
