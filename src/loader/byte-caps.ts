/**
 * How many bytes the page takes in from outside: a zip, a manifest, a downloaded source. Each is
 * untrusted (a share link, an `?app=` URL or a dropped file chooses it), and the page holds it
 * whole in memory, so each is read up to its cap and refused past it, with the cap named.
 */
import { concatBytes } from '../bytes/concat';

const MiB = 1024 * 1024;

/** The most a zip may expand to, and the most entries it may hold. */
export const MAX_IMPORT_BYTES = 512 * MiB;
export const MAX_IMPORT_ENTRIES = 20_000;
/** A `spin.toml` fetched by URL. */
export const MAX_MANIFEST_BYTES = 1 * MiB;
/** Each component source or file downloaded by URL: the same as a whole zip. */
export const MAX_DOWNLOAD_BYTES = MAX_IMPORT_BYTES;

/** A cap and what it is for, as the error names it: `the cap of 1 MiB for a manifest`. */
export interface ByteCap {
  bytes: number;
  for: string;
}
export const MANIFEST_CAP: ByteCap = { bytes: MAX_MANIFEST_BYTES, for: 'a manifest' };
export const DOWNLOAD_CAP: ByteCap = { bytes: MAX_DOWNLOAD_BYTES, for: 'a downloaded file' };

export class ByteCapError extends Error {}

/** `1048576` → `1 MiB`; smaller or uneven caps in bytes. */
export function formatCap(bytes: number): string {
  return bytes >= MiB && bytes % MiB === 0 ? `${bytes / MiB} MiB` : `${bytes} bytes`;
}

/**
 * A response body, read chunk by chunk and cancelled as soon as it passes the cap (so a
 * server that never stops sending costs at most `cap` of memory). The error names `what` and
 * the cap: `https://…/spin.toml is larger than the cap of 1 MiB for a manifest`.
 */
export async function readBodyCapped(response: Response, { bytes: cap, for: capFor }: ByteCap, what: string): Promise<Uint8Array> {
  const declared = Number(response.headers.get('content-length') ?? NaN);
  if (declared > cap) {
    await response.body?.cancel().catch(() => {});
    throw new ByteCapError(`${what} is ${declared} bytes, larger than the cap of ${formatCap(cap)} for ${capFor}`);
  }
  // A null body is an empty one (a 204, a HEAD).
  if (!response.body) return new Uint8Array();
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > cap) {
      await reader.cancel().catch(() => {});
      throw new ByteCapError(`${what} is larger than the cap of ${formatCap(cap)} for ${capFor}; the download was stopped there`);
    }
    chunks.push(value);
  }
  return chunks.length === 1 ? chunks[0]! : concatBytes(chunks);
}

/** The most of a response body the request console keeps to show; the rest is counted only. */
export const MAX_CONSOLE_BODY_BYTES = 16 * MiB;

/**
 * A body read to its end, keeping only its first `cap` bytes: the stream is drained (so the app's
 * response completes as it would), but memory holds at most `cap`. `total` counts every byte.
 */
export async function readKeeping(body: ReadableStream<Uint8Array> | ArrayBuffer | null, cap: number): Promise<{ kept: Uint8Array; total: number }> {
  if (body === null) return { kept: new Uint8Array(), total: 0 };
  if (body instanceof ArrayBuffer) return { kept: new Uint8Array(body, 0, Math.min(cap, body.byteLength)), total: body.byteLength };
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let kept = 0;
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (kept < cap) {
      const part = value.byteLength <= cap - kept ? value : value.subarray(0, cap - kept);
      chunks.push(part);
      kept += part.byteLength;
    }
  }
  return { kept: concatBytes(chunks), total };
}

/** The bytes as an ArrayBuffer of exactly their length (no copy when they fill their buffer). */
export function exactBuffer(bytes: Uint8Array): ArrayBuffer {
  return bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength ? (bytes.buffer as ArrayBuffer) : (bytes.slice().buffer as ArrayBuffer);
}
