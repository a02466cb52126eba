/**
 * The read-only file tree behind `wasi-preview1.ts`: a component's `files`, keyed by absolute
 * guest path, as directories and files, with path resolution that never leaves the preopen.
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

export type FsNode = FileNode | DirNode;

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
      return [
        { name: '.', node: dir },
        { name: '..', node: typeof parent === 'number' ? dir : parent },
        ...children.map(([name, node]) => ({ name, node })),
      ];
    },
  };
}
