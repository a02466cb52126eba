/**
 * The chunks one after another, in a new array (a body read in parts, records built one by one, a
 * WebAssembly section from its encoded parts). A chunk may be a plain array of byte values.
 */
export function concatBytes(chunks: ReadonlyArray<Uint8Array | readonly number[]>): Uint8Array {
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.length;
  }
  return out;
}
