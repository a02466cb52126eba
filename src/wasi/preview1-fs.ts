/**
 * What `preview1.ts` works on: the read-only file tree (a component's `files`, keyed by
 * absolute guest path, with path resolution that never leaves the preopen), the records WASI
 * lays out in guest memory, and the output sinks (line-buffered for a log, or kept whole).
 */

/** A file in the tree; `ino` is stable for the life of the tree. */
export interface FileNode {
  kind: 'file';
  data: Uint8Array;
  ino: bigint;
}

/** A directory in the tree. Directories exist implicitly as ancestors of files. */
export interface DirNode {
  kind: 'dir';
  children: Map<string, FsNode>;
  ino: bigint;
}

/** A node of the tree. */
export type FsNode = FileNode | DirNode;

/** WASI preview1 `filetype` values. */
export const FILETYPE_CHARACTER_DEVICE = 2;
export const FILETYPE_DIRECTORY = 3;
export const FILETYPE_REGULAR_FILE = 4;

const ENOENT = 44;
const ENOTDIR = 54;
const ENOTCAPABLE = 76;

/** Builds the tree, and path look-ups relative to a directory given as its segments from `/`. */
export function createReadOnlyTree(files: ReadonlyMap<string, Uint8Array>) {
  let nextIno = 1n;
  const root: DirNode = { kind: 'dir', children: new Map(), ino: nextIno++ };
  for (const [path, data] of files) {
    const segments = path.split('/').filter((s) => s !== '' && s !== '.');
    const name = segments.pop();
    if (name === undefined) continue;
    let dir = root;
    for (const segment of segments) {
      let next = dir.children.get(segment);
      if (next?.kind !== 'dir') {
        next = { kind: 'dir', children: new Map(), ino: nextIno++ };
        dir.children.set(segment, next);
      }
      dir = next;
    }
    dir.children.set(name, { kind: 'file', data, ino: nextIno++ });
  }

  const walk = (segments: readonly string[]): FsNode | number => {
    let node: FsNode = root;
    for (const segment of segments) {
      if (node.kind !== 'dir') return ENOTDIR;
      const child: FsNode | undefined = node.children.get(segment);
      if (!child) return ENOENT;
      node = child;
    }
    return node;
  };

  return {
    root,
    /** Resolves `path` against `base`; an errno when it is missing or would escape the preopen. */
    resolve(base: readonly string[], path: string): { node: FsNode; path: string[] } | number {
      if (path.startsWith('/')) return ENOTCAPABLE;
      const stack = [...base];
      for (const segment of path.split('/')) {
        if (segment === '' || segment === '.') continue;
        if (segment === '..') {
          if (stack.length === 0) return ENOTCAPABLE;
          stack.pop();
        } else {
          stack.push(segment);
        }
      }
      const node = walk(stack);
      if (typeof node === 'number') return node;
      if (path.endsWith('/') && node.kind !== 'dir') return ENOTDIR;
      return { node, path: stack };
    },
    /** Entries of a directory for `fd_readdir`: `.`, `..`, then the children by name. */
    list(dir: DirNode, path: readonly string[]): Array<{ name: string; node: FsNode }> {
      const parent = walk(path.slice(0, -1));
      const children = [...dir.children].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
      return [{ name: '.', node: dir }, { name: '..', node: typeof parent === 'number' ? dir : parent }, ...children.map(([name, node]) => ({ name, node }))];
    },
  };
}

/** A 64-byte WASI `filestat`; `node` is null for stdio. */
export function encodeFilestat(node: FsNode | null, filetype: number): Uint8Array {
  const record = new Uint8Array(64);
  const view = new DataView(record.buffer);
  view.setBigUint64(8, node?.ino ?? 0n, true);
  view.setUint8(16, filetype);
  view.setBigUint64(24, 1n, true);
  view.setBigUint64(32, BigInt(node?.kind === 'file' ? node.data.byteLength : 0), true);
  return record;
}

/**
 * `fd_readdir` records from entry `cookie` on, at most `bufLen` bytes. A record cut short at the
 * end tells libc to retry with a larger buffer.
 */
export function encodeDirents(entries: ReadonlyArray<{ name: string; node: FsNode }>, cookie: number, bufLen: number): Uint8Array {
  const records: Uint8Array[] = [];
  let used = 0;
  for (let i = cookie; i < entries.length && used < bufLen; i++) {
    const { name, node } = entries[i]!;
    const encoded = new TextEncoder().encode(name);
    const record = new Uint8Array(24 + encoded.byteLength);
    const view = new DataView(record.buffer);
    view.setBigUint64(0, BigInt(i + 1), true);
    view.setBigUint64(8, node.ino, true);
    view.setUint32(16, encoded.byteLength, true);
    view.setUint8(20, node.kind === 'dir' ? FILETYPE_DIRECTORY : FILETYPE_REGULAR_FILE);
    record.set(encoded, 24);
    records.push(record.subarray(0, Math.min(record.byteLength, bufLen - used)));
    used += records[records.length - 1]!.byteLength;
  }
  const out = new Uint8Array(used);
  let offset = 0;
  for (const record of records) {
    out.set(record, offset);
    offset += record.byteLength;
  }
  return out;
}

/** Line-buffers one output stream, as a terminal shows it. */
export function lineSink(emit: (line: string) => void): { write(bytes: Uint8Array): void; flush(): void } {
  const decoder = new TextDecoder();
  let pending = '';
  return {
    write(bytes: Uint8Array) {
      pending += decoder.decode(bytes, { stream: true });
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) emit(line.endsWith('\r') ? line.slice(0, -1) : line);
    },
    flush() {
      pending += decoder.decode();
      if (pending) emit(pending);
      pending = '';
    },
  };
}

/** Keeps one output stream whole; `text()` decodes what was written so far. */
export function textSink(): { write(bytes: Uint8Array): void; flush(): void; text(): string } {
  const chunks: Uint8Array[] = [];
  return {
    write: (bytes) => void chunks.push(bytes),
    flush() {},
    text() {
      const all = new Uint8Array(chunks.reduce((n, c) => n + c.byteLength, 0));
      let offset = 0;
      for (const c of chunks) {
        all.set(c, offset);
        offset += c.byteLength;
      }
      return new TextDecoder().decode(all);
    },
  };
}

/** Encodes `strings` NUL-terminated, as `args_get`/`environ_get` lay them out. */
export function cStrings(strings: readonly string[]): Uint8Array[] {
  const encoder = new TextEncoder();
  return strings.map((s) => encoder.encode(`${s}\0`));
}
