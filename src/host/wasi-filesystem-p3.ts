/**
 * `wasi:filesystem/types` and `preopens` @0.3 (WASI 0.3): the component's `files`, mounted
 * read-only at `/` as for 0.2 (wasi.ts). Reads go out as a `stream<u8>` the glue lowers from an
 * async iterable; directory listings as a `stream<directory-entry>`; every `async func` returns a
 * Promise whose rejection is the guest's `err(error-code)` (docs/spin4.md). Anything that would
 * write is `not-permitted`, wasmtime's answer for a mount without write permission, and a path
 * that leaves the mount (absolute, or `..` above it) is `not-permitted` too.
 *
 * In 0.3 `error-code` and `descriptor-type` are variants (`other(option<string>)`), so their
 * values are `{ tag }` objects, not the bare strings of 0.2's enums.
 */
type Node = { dir: Record<string, Node> } | { source: Uint8Array };
type ErrorCode = { tag: string; val?: string };
type Flags = Record<string, boolean>;
type DescriptorType = { tag: 'directory' } | { tag: 'regular-file' };

const fail = (tag: string): ErrorCode => ({ tag });
const ok = { tag: 'ok', val: undefined } as const;
const isDir = (node: Node): node is { dir: Record<string, Node> } => 'dir' in node;
const typeOf = (node: Node): DescriptorType => (isDir(node) ? { tag: 'directory' } : { tag: 'regular-file' });
const has = (o: object, key: string) => Object.hasOwn(o, key);

/** Resolves `path` below `base`, never above the mount's root (`stack[0]`). */
function resolve(stack: Node[], path: string): Node {
  if (path.startsWith('/')) throw fail('not-permitted');
  const at = [...stack];
  for (const part of path.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') {
      if (at.length === 1) throw fail('not-permitted');
      at.pop();
      continue;
    }
    const here = at[at.length - 1]!;
    if (!isDir(here)) throw fail('not-directory');
    if (!has(here.dir, part)) throw fail('no-entry');
    at.push(here.dir[part]!);
  }
  return at[at.length - 1]!;
}

/** The path of directories from the root to `path` (for `open-at`, so `..` works from the result). */
function resolveStack(stack: Node[], path: string): Node[] {
  const at = [...stack];
  for (const part of path.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') at.pop();
    else at.push((at[at.length - 1] as { dir: Record<string, Node> }).dir[part]!);
  }
  return at;
}

export function createFilesystemP3(files: { dir: Record<string, unknown> } | undefined) {
  const ids = new WeakMap<Node, bigint>();
  let nextId = 1n;
  const idOf = (node: Node) => {
    if (!ids.has(node)) ids.set(node, nextId++);
    return ids.get(node)!;
  };
  const stat = (node: Node) => ({
    type: typeOf(node),
    linkCount: 1n,
    size: isDir(node) ? 0n : BigInt(node.source.byteLength),
    dataAccessTimestamp: undefined,
    dataModificationTimestamp: undefined,
    statusChangeTimestamp: undefined,
  });
  const refuse = async (): Promise<never> => {
    throw fail('not-permitted');
  };

  class Descriptor {
    readonly #stack: Node[];
    constructor(stack: Node[]) {
      this.#stack = stack;
    }
    get #node(): Node {
      return this.#stack[this.#stack.length - 1]!;
    }
    readViaStream(offset: bigint): [AsyncIterable<Uint8Array>, Promise<unknown>] {
      const node = this.#node;
      if (isDir(node)) return [(async function* () {})(), Promise.resolve({ tag: 'err', val: fail('is-directory') })];
      const bytes = node.source.subarray(Math.min(Number(offset), node.source.byteLength));
      return [
        (async function* () {
          for (let at = 0; at < bytes.byteLength; at += 65536) yield bytes.slice(at, at + 65536);
        })(),
        Promise.resolve(ok),
      ];
    }
    writeViaStream(data: { [Symbol.dispose]?(): void }, _offset?: bigint): Promise<unknown> {
      data[Symbol.dispose]?.();
      return Promise.resolve({ tag: 'err', val: fail('not-permitted') });
    }
    appendViaStream(data: { [Symbol.dispose]?(): void }): Promise<unknown> {
      return this.writeViaStream(data);
    }
    async advise(): Promise<void> {}
    async syncData(): Promise<void> {}
    async sync(): Promise<void> {}
    async getFlags() {
      return { read: true, write: false, fileIntegritySync: false, dataIntegritySync: false, requestedWriteSync: false, mutateDirectory: false };
    }
    async getType(): Promise<DescriptorType> {
      return typeOf(this.#node);
    }
    setSize = refuse;
    setTimes = refuse;
    setTimesAt = refuse;
    linkAt = refuse;
    createDirectoryAt = refuse;
    removeDirectoryAt = refuse;
    renameAt = refuse;
    symlinkAt = refuse;
    unlinkFileAt = refuse;
    readDirectory(): [AsyncIterable<{ type: DescriptorType; name: string }>, Promise<unknown>] {
      const node = this.#node;
      if (!isDir(node)) return [(async function* () {})(), Promise.resolve({ tag: 'err', val: fail('not-directory') })];
      const entries = Object.keys(node.dir)
        .sort()
        .map((name) => ({ type: typeOf(node.dir[name]!), name }));
      return [
        (async function* () {
          yield* entries;
        })(),
        Promise.resolve(ok),
      ];
    }
    async stat() {
      return stat(this.#node);
    }
    async statAt(_pathFlags: unknown, path: string) {
      return stat(resolve(this.#stack, path));
    }
    async openAt(_pathFlags: unknown, path: string, openFlags: Flags | undefined, flags: Flags | undefined): Promise<Descriptor> {
      if (openFlags?.create || openFlags?.truncate || openFlags?.exclusive || flags?.write || flags?.mutateDirectory) throw fail('not-permitted');
      const node = resolve(this.#stack, path);
      if (openFlags?.directory && !isDir(node)) throw fail('not-directory');
      return new Descriptor(resolveStack(this.#stack, path));
    }
    async readlinkAt(path: string): Promise<string> {
      resolve(this.#stack, path);
      throw fail('invalid'); // the mounts hold no symbolic links
    }
    async isSameObject(other: Descriptor): Promise<boolean> {
      return other instanceof Descriptor && other.#node === this.#node;
    }
    async metadataHash() {
      return { lower: idOf(this.#node), upper: 0n };
    }
    async metadataHashAt(_pathFlags: unknown, path: string) {
      return { lower: idOf(resolve(this.#stack, path)), upper: 0n };
    }
  }

  const root = files ? (files as { dir: Record<string, Node> }) : undefined;
  return {
    types: { Descriptor },
    preopens: { getDirectories: (): Array<[Descriptor, string]> => (root ? [[new Descriptor([root]), '/']] : []) },
  };
}
