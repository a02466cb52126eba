/**
 * What kind of bytes a component `source` holds, from the preamble alone (docs/spin-behaviour.md §1):
 * a component starts `00 61 73 6d 0d 00 01 00`, a core module `00 61 73 6d 01 00 00 00`.
 */
export type WasmKind = 'component' | 'core-module' | 'not-wasm' | 'unknown-version';

export function wasmKind(bytes: Uint8Array): WasmKind {
  if (bytes.byteLength < 8 || bytes[0] !== 0x00 || bytes[1] !== 0x61 || bytes[2] !== 0x73 || bytes[3] !== 0x6d) {
    return 'not-wasm';
  }
  const version = (bytes[4] ?? 0) | ((bytes[5] ?? 0) << 8);
  const layer = (bytes[6] ?? 0) | ((bytes[7] ?? 0) << 8);
  if (layer === 1 && version === 0x0d) return 'component';
  if (layer === 0 && version === 1) return 'core-module';
  return 'unknown-version';
}

/**
 * A sentence for the user saying why these bytes are not a component, or null if they are one.
 * A core module may still run as a Spin 1 module: the loader tries that first and uses this
 * sentence only to begin its error when the module is not one.
 */
export function describeNonComponent(bytes: Uint8Array, file: string): string | null {
  switch (wasmKind(bytes)) {
    case 'component':
      return null;
    case 'not-wasm': {
      const head = Array.from(bytes.subarray(0, 8), (b) => b.toString(16).padStart(2, '0')).join(' ');
      return `${file} is not a WebAssembly file (${bytes.byteLength} bytes, starting ${head || 'with nothing'}; expected 00 61 73 6d)`;
    }
    case 'core-module':
      return `${file} is a core WebAssembly module, not a component`;
    case 'unknown-version':
      return (
        `${file} is WebAssembly of an unknown binary version or layer (bytes 4-7: ` +
        `${Array.from(bytes.subarray(4, 8), (b) => b.toString(16).padStart(2, '0')).join(' ')})`
      );
  }
}
