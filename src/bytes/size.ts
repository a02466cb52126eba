/**
 * The one byte-size format, in binary units named as such (B, KiB, MiB, GiB): the limits it
 * states are powers of two (a share link's 64 KiB of key-value data), so they print exactly.
 *
 * @example formatBytes(512) // "512 B"
 * @example formatBytes(1536) // "1.5 KiB"
 * @example formatBytes(64 * 1024) // "64 KiB"
 */
export function formatBytes(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB'];
  let value = bytes;
  let unit = 0;
  // Step up while the value would print as 1024 or more (1023.97 KiB is "1 MiB", not "1024 KiB").
  while (Math.abs(+value.toFixed(1)) >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return unit === 0 ? `${bytes} B` : `${+value.toFixed(1)} ${units[unit]}`;
}
