/**
 * How many bytes the page takes in from outside: a zip, a manifest, a downloaded source. Each is
 * untrusted (a share link, an `?app=` URL or a dropped file chooses it), and the page holds it
 * whole in memory, so each is read up to its cap and refused past it, with the cap named.
 */

const MiB = 1024 * 1024;

/** The most a zip may expand to, and the most entries it may hold. */
export const MAX_IMPORT_BYTES = 512 * MiB;
export const MAX_IMPORT_ENTRIES = 20_000;
/** A `spin.toml` fetched by URL. */
export const MAX_MANIFEST_BYTES = 1 * MiB;
/** Each component source or file downloaded by URL: the same as a whole zip. */
export const MAX_DOWNLOAD_BYTES = MAX_IMPORT_BYTES;

export class ByteCapError extends Error {}

/** `1048576` → `1 MiB`; smaller or uneven caps in bytes. */
export function formatCap(bytes: number): string {
  return bytes >= MiB && bytes % MiB === 0 ? `${bytes / MiB} MiB` : `${bytes} bytes`;
}

/**
 * A response body, read chunk by chunk and cancelled as soon as it passes `cap` bytes (so a
 * server that never stops sending costs at most `cap` of memory). `what` names the download in
 * the error: `ByteCapError("<what> is larger than the 1 MiB cap for …")`.
 */
export async function readBodyCapped(response: Response, cap: number, what: string): Promise<Uint8Array> {
  const declared = Number(response.headers.get('content-length') ?? NaN);
  if (declared > cap) {
    await response.body?.cancel().catch(() => {});
    throw new ByteCapError(`${what} is ${declared} bytes, larger than the cap of ${formatCap(cap)}`);
  }
  if (!response.body) return new Uint8Array(await response.arrayBuffer());
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > cap) {
      await reader.cancel().catch(() => {});
      throw new ByteCapError(`${what} is larger than the cap of ${formatCap(cap)}; the download was stopped there`);
    }
    chunks.push(value);
  }
  if (chunks.length === 1) return chunks[0]!;
  const out = new Uint8Array(total);
  let at = 0;
  for (const chunk of chunks) {
    out.set(chunk, at);
    at += chunk.byteLength;
  }
  return out;
}
