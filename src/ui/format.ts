/** Display formats shared by the panels: durations, bytes as text or hex (sizes: src/bytes/size.ts). */
import { formatBytes } from '../bytes/size';

/**
 * Browser timers are coarse (0.1 ms without cross-origin isolation), so anything below that
 * shows as "<0.1 ms" rather than with false precision.
 *
 * @example formatMs(0.04) // "<0.1 ms"
 * @example formatMs(12.345) // "12.3 ms"
 */
export function formatMs(ms: number): string {
  if (ms < 0.1) return '<0.1 ms';
  if (ms < 100) return `${ms.toFixed(1)} ms`;
  if (ms < 10_000) return `${Math.round(ms)} ms`;
  return `${(ms / 1000).toFixed(1)} s`;
}

/** The bytes as UTF-8 text, or null if they are not valid UTF-8 (binary). */
export function utf8OrNull(bytes: Uint8Array): string | null {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return null;
  }
}

/** A hex dump: offset, 16 bytes in hex, and their printable ASCII. */
export function hexDump(bytes: Uint8Array, limit = 4096): string {
  const lines: string[] = [];
  const end = Math.min(bytes.byteLength, limit);
  for (let offset = 0; offset < end; offset += 16) {
    const row = bytes.subarray(offset, Math.min(offset + 16, end));
    const hex = Array.from(row, (b) => b.toString(16).padStart(2, '0')).join(' ');
    const ascii = Array.from(row, (b) => (b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : '.')).join('');
    lines.push(`${offset.toString(16).padStart(8, '0')}  ${hex.padEnd(47)}  ${ascii}`);
  }
  if (bytes.byteLength > end) lines.push(`… ${formatBytes(bytes.byteLength - end)} more`);
  return lines.join('\n');
}

/** Pretty JSON if the text parses as JSON, else null. */
export function prettyJson(text: string): string | null {
  const trimmed = text.trim();
  if (!trimmed || !/^[[{"\d\-tfn]/.test(trimmed)) return null;
  try {
    return JSON.stringify(JSON.parse(trimmed), null, 2);
  } catch {
    return null;
  }
}
