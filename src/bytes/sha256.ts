/**
 * SHA-256 through WebCrypto (browsers, Workers and Node ≥ 19): the hex digest keys the transpile
 * cache and the authored-core cache; `sha256:<hex>` is how Spin writes a source's `digest`.
 */

/** The lowercase hex SHA-256 of `bytes`. */
export async function sha256Hex(bytes: Uint8Array, subtle: SubtleCrypto = globalThis.crypto.subtle): Promise<string> {
  const digest = await subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>);
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('');
}

/** `sha256:<hex>` of `bytes`, as Spin writes `digest`. */
export async function sha256Digest(bytes: Uint8Array, subtle: SubtleCrypto = globalThis.crypto.subtle): Promise<string> {
  return `sha256:${await sha256Hex(bytes, subtle)}`;
}
