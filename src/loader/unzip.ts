/**
 * Every zip the page opens (an app zip, a bundle file, a zipped folder) goes through
 * `unzipCapped`: the caps are checked against the whole archive before anything is inflated,
 * and every entry's path is normalised, with entries that would leave the app's folder
 * (`../`, absolute, a drive letter) left out and reported.
 */
import { unzipSync } from 'fflate';
import { formatCap, MAX_IMPORT_BYTES, MAX_IMPORT_ENTRIES } from './byte-caps';

export interface UnzipCaps {
  /** The most the entries may expand to, in total. */
  bytes: number;
  /** The most entries (files and folders) the archive may hold. */
  entries: number;
}

export const IMPORT_CAPS: UnzipCaps = { bytes: MAX_IMPORT_BYTES, entries: MAX_IMPORT_ENTRIES };

export class ZipError extends Error {
  constructor(
    message: string,
    /** `too-big`: over a cap (nothing was inflated); `unreadable`: not a zip fflate can read. */
    readonly reason: 'too-big' | 'unreadable',
  ) {
    super(message);
  }
}

export interface Unzipped {
  /** File contents by normalised path, in archive order. */
  files: Map<string, Uint8Array>;
  /** Entry names left out because they leave the archive's root. */
  outside: string[];
}

/**
 * The files of a zip, refused whole with a `ZipError` if its entries declare more than
 * `caps.bytes` in total or number more than `caps.entries`. fflate inflates each entry into a
 * buffer of the size its header declares, so the declared sizes bound what is really produced.
 */
export function unzipCapped(bytes: Uint8Array, caps: UnzipCaps = IMPORT_CAPS): Unzipped {
  const refuse = () =>
    new ZipError(`the zip expands to more than ${formatCap(caps.bytes)} or holds more than ${caps.entries} entries, the caps for a zip`, 'too-big');
  let total = 0;
  let count = 0;
  const wanted = new Map<string, string>();
  const outside: string[] = [];
  const read = (filter: Parameters<typeof unzipSync>[1]) => {
    try {
      return unzipSync(bytes, filter);
    } catch (error) {
      if (error instanceof ZipError) throw error;
      throw new ZipError(`this is not a zip file the playground can read (${error instanceof Error ? error.message : String(error)})`, 'unreadable');
    }
  };
  // First pass: sizes and names only (the filter refuses every entry, so nothing is inflated).
  read({
    filter: (file) => {
      count++;
      if (count > caps.entries) throw refuse();
      if (file.name.endsWith('/') || file.name.startsWith('__MACOSX/')) return false;
      total += file.originalSize;
      if (total > caps.bytes) throw refuse();
      const path = normalizeAppPath(file.name);
      if (path === undefined) outside.push(file.name);
      else wanted.set(file.name, path);
      return false;
    },
  });
  const raw = read({ filter: (file) => wanted.has(file.name) });
  const files = new Map<string, Uint8Array>();
  for (const [name, path] of wanted) {
    // fflate returns a plain object: an entry named `__proto__` became its prototype, not a key.
    const content = name === '__proto__' ? (Object.getPrototypeOf(raw) as unknown) : Object.hasOwn(raw, name) ? raw[name] : undefined;
    if (content instanceof Uint8Array) files.set(path, content);
  }
  return { files, outside };
}

/** A path inside the app's folder (`./a//b`, `a\b` → `a/b`), or `undefined` if it leaves it. */
export function normalizeAppPath(path: string): string | undefined {
  const segments = path
    .replace(/\\/g, '/')
    .split('/')
    .filter((s) => s !== '' && s !== '.');
  if (/^[\\/]/.test(path) || segments.length === 0 || segments.some((s) => s === '..') || /^[A-Za-z]:$/.test(segments[0]!)) return undefined;
  return segments.join('/');
}
