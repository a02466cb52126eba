/**
 * The WASI preview1 (`wasi_snapshot_preview1`) the engine sees while it is pre-initialised, as
 * Wizer's `--allow-wasi` gives it: arguments and environment, stdin (componentize-js passes the
 * runtime arguments there), stdout/stderr captured (script errors arrive on stderr), clocks,
 * random, and one preopened directory `/` backed by an in-memory map of read-only files.
 * `proc_exit` throws `ProcExit`. Functions not listed here are not provided at all, so the
 * pre-initialiser makes them trap with a message naming them.
 */

const Errno = { SUCCESS: 0, ACCES: 2, BADF: 8, EXIST: 20, INVAL: 28, ISDIR: 31, NOENT: 44, NOSYS: 52, NOTDIR: 54, ROFS: 69, SPIPE: 70, NOTCAPABLE: 76 } as const;
const Filetype = { CHARACTER_DEVICE: 2, DIRECTORY: 3, REGULAR_FILE: 4 } as const;
const OFLAGS_CREAT = 1;
const OFLAGS_DIRECTORY = 2;
const OFLAGS_EXCL = 4;
const OFLAGS_TRUNC = 8;
const RIGHTS_ALL = 0x1fffffffn;
const RANDOM_CHUNK = 65536;

export class ProcExit extends Error {
  constructor(readonly code: number) {
    super(`exited with status ${code}`);
    this.name = 'ProcExit';
  }
}

export interface InitWasiOptions {
  args?: readonly string[];
  env: Readonly<Record<string, string>>;
  stdin: Uint8Array | string;
  /** Files by absolute path (`/source.js`), all under the single preopen `/`. */
  files: Readonly<Record<string, Uint8Array | string>>;
}

export interface InitWasi {
  imports(memory: () => WebAssembly.Memory): { wasi_snapshot_preview1: Record<string, (...args: never[]) => number> };
  readonly stdout: string;
  readonly stderr: string;
  readonly exitCode: number | undefined;
}

type Node = { kind: 'file'; data: Uint8Array } | { kind: 'dir'; entries: Map<string, Node> };
type Fd = { kind: 'stdio'; n: 0 | 1 | 2 } | { kind: 'dir'; node: Node & { kind: 'dir' }; path: string[]; preopen?: string } | { kind: 'file'; node: Node & { kind: 'file' }; offset: number };

const encoder = new TextEncoder();
const decoder = new TextDecoder();
const toBytes = (v: Uint8Array | string) => (typeof v === 'string' ? encoder.encode(v) : v);

export function createInitWasi(options: InitWasiOptions): InitWasi {
  const root: Node & { kind: 'dir' } = { kind: 'dir', entries: new Map() };
  for (const [path, content] of Object.entries(options.files)) {
    const parts = path.split('/').filter(Boolean);
    let dir = root;
    for (const part of parts.slice(0, -1)) {
      let next = dir.entries.get(part);
      if (!next) dir.entries.set(part, (next = { kind: 'dir', entries: new Map() }));
      if (next.kind !== 'dir') throw new Error(`${path}: a parent is a file`);
      dir = next;
    }
    dir.entries.set(parts[parts.length - 1]!, { kind: 'file', data: toBytes(content) });
  }
  const stdin = toBytes(options.stdin);
  let stdinPos = 0;
  const out = { 1: [] as Uint8Array[], 2: [] as Uint8Array[] };
  let exitCode: number | undefined;
  const fds = new Map<number, Fd>([
    [0, { kind: 'stdio', n: 0 }],
    [1, { kind: 'stdio', n: 1 }],
    [2, { kind: 'stdio', n: 2 }],
    [3, { kind: 'dir', node: root, path: [], preopen: '/' }],
  ]);
  let nextFd = 4;
  const args = (options.args ?? []).map((a) => encoder.encode(`${a}\0`));
  const environ = Object.entries(options.env).map(([k, v]) => encoder.encode(`${k}=${v}\0`));

  const resolve = (dir: Fd & { kind: 'dir' }, path: string): { node: Node | undefined; parts: string[] } | null => {
    const parts = [...dir.path];
    for (const part of path.split('/')) {
      if (part === '' || part === '.') continue;
      if (part === '..') {
        // Never above the preopen, as WASI requires.
        if (parts.length === 0) return null;
        parts.pop();
      } else {
        parts.push(part);
      }
    }
    let node: Node | undefined = root;
    for (const part of parts) node = node?.kind === 'dir' ? node.entries.get(part) : undefined;
    return { node, parts };
  };

  const collect = (chunks: Uint8Array[]) => decoder.decode(concat(chunks));

  return {
    get stdout() {
      return collect(out[1]);
    },
    get stderr() {
      return collect(out[2]);
    },
    get exitCode() {
      return exitCode;
    },
    imports(memory) {
      const view = () => new DataView(memory().buffer);
      const bytes = () => new Uint8Array(memory().buffer);
      const str = (ptr: number, len: number) => decoder.decode(bytes().slice(ptr, ptr + len));
      const iovecs = (ptr: number, count: number) => {
        const dv = view();
        const list: Array<[number, number]> = [];
        for (let i = 0; i < count; i++) list.push([dv.getUint32(ptr + i * 8, true), dv.getUint32(ptr + i * 8 + 4, true)]);
        return list;
      };
      const writeList = (list: Uint8Array[], ptrsPtr: number, bufPtr: number) => {
        const dv = view();
        const mem = bytes();
        let pos = bufPtr;
        list.forEach((item, i) => {
          dv.setUint32(ptrsPtr + i * 4, pos, true);
          mem.set(item, pos);
          pos += item.byteLength;
        });
        return Errno.SUCCESS;
      };
      const sizes = (list: Uint8Array[], countPtr: number, sizePtr: number) => {
        const dv = view();
        dv.setUint32(countPtr, list.length, true);
        dv.setUint32(sizePtr, list.reduce((n, a) => n + a.byteLength, 0), true);
        return Errno.SUCCESS;
      };
      const filestat = (ptr: number, node: Node | 'stdio') => {
        const dv = view();
        for (let i = 0; i < 64; i += 8) dv.setBigUint64(ptr + i, 0n, true);
        dv.setUint8(ptr + 16, node === 'stdio' ? Filetype.CHARACTER_DEVICE : node.kind === 'dir' ? Filetype.DIRECTORY : Filetype.REGULAR_FILE);
        dv.setBigUint64(ptr + 24, 1n, true);
        dv.setBigUint64(ptr + 32, BigInt(node !== 'stdio' && node.kind === 'file' ? node.data.byteLength : 0), true);
        return Errno.SUCCESS;
      };
      const readInto = (source: Uint8Array, from: number, iovs: number, count: number): number => {
        const mem = bytes();
        let read = 0;
        for (const [ptr, len] of iovecs(iovs, count)) {
          const chunk = source.subarray(from + read, from + read + len);
          mem.set(chunk, ptr);
          read += chunk.byteLength;
          if (chunk.byteLength < len) break;
        }
        return read;
      };

      const wasi: Record<string, (...args: never[]) => number> = {
        args_sizes_get: (countPtr: number, sizePtr: number) => sizes(args, countPtr, sizePtr),
        args_get: (ptrs: number, buf: number) => writeList(args, ptrs, buf),
        environ_sizes_get: (countPtr: number, sizePtr: number) => sizes(environ, countPtr, sizePtr),
        environ_get: (ptrs: number, buf: number) => writeList(environ, ptrs, buf),
        clock_res_get: (_id: number, resPtr: number) => {
          view().setBigUint64(resPtr, 1000n, true);
          return Errno.SUCCESS;
        },
        clock_time_get: (id: number, _precision: bigint, timePtr: number) => {
          const ns = id === 0 ? BigInt(Date.now()) * 1_000_000n : BigInt(Math.round(performance.now() * 1e6));
          view().setBigUint64(timePtr, ns, true);
          return Errno.SUCCESS;
        },
        random_get: (ptr: number, len: number) => {
          const mem = bytes();
          for (let done = 0; done < len; done += RANDOM_CHUNK) {
            crypto.getRandomValues(mem.subarray(ptr + done, ptr + Math.min(len, done + RANDOM_CHUNK)));
          }
          return Errno.SUCCESS;
        },
        proc_exit: (code: number) => {
          exitCode = code;
          throw new ProcExit(code);
        },
        fd_write: (fd: number, iovs: number, count: number, writtenPtr: number) => {
          if (fd !== 1 && fd !== 2) return fds.has(fd) ? Errno.BADF : Errno.BADF;
          const mem = bytes();
          let written = 0;
          for (const [ptr, len] of iovecs(iovs, count)) {
            out[fd].push(mem.slice(ptr, ptr + len));
            written += len;
          }
          view().setUint32(writtenPtr, written, true);
          return Errno.SUCCESS;
        },
        fd_read: (fd: number, iovs: number, count: number, readPtr: number) => {
          const entry = fds.get(fd);
          let read = 0;
          if (entry?.kind === 'stdio' && entry.n === 0) {
            read = readInto(stdin, stdinPos, iovs, count);
            stdinPos += read;
          } else if (entry?.kind === 'file') {
            read = readInto(entry.node.data, entry.offset, iovs, count);
            entry.offset += read;
          } else {
            return entry?.kind === 'dir' ? Errno.ISDIR : Errno.BADF;
          }
          view().setUint32(readPtr, read, true);
          return Errno.SUCCESS;
        },
        fd_seek: (fd: number, offset: bigint, whence: number, newOffsetPtr: number) => {
          const entry = fds.get(fd);
          if (!entry) return Errno.BADF;
          if (entry.kind !== 'file') return entry.kind === 'dir' ? Errno.ISDIR : Errno.SPIPE;
          const base = whence === 0 ? 0 : whence === 1 ? entry.offset : whence === 2 ? entry.node.data.byteLength : NaN;
          const next = base + Number(offset);
          if (!Number.isFinite(next) || next < 0) return Errno.INVAL;
          entry.offset = next;
          view().setBigUint64(newOffsetPtr, BigInt(next), true);
          return Errno.SUCCESS;
        },
        fd_close: (fd: number) => {
          if (!fds.has(fd)) return Errno.BADF;
          fds.delete(fd);
          return Errno.SUCCESS;
        },
        fd_fdstat_get: (fd: number, ptr: number) => {
          const entry = fds.get(fd);
          if (!entry) return Errno.BADF;
          const dv = view();
          dv.setUint8(ptr, entry.kind === 'stdio' ? Filetype.CHARACTER_DEVICE : entry.kind === 'dir' ? Filetype.DIRECTORY : Filetype.REGULAR_FILE);
          dv.setUint16(ptr + 2, 0, true);
          dv.setBigUint64(ptr + 8, RIGHTS_ALL, true);
          dv.setBigUint64(ptr + 16, RIGHTS_ALL, true);
          return Errno.SUCCESS;
        },
        fd_fdstat_set_flags: (fd: number) => (fds.has(fd) ? Errno.SUCCESS : Errno.BADF),
        fd_filestat_get: (fd: number, ptr: number) => {
          const entry = fds.get(fd);
          if (!entry) return Errno.BADF;
          return filestat(ptr, entry.kind === 'stdio' ? 'stdio' : entry.node);
        },
        fd_prestat_get: (fd: number, ptr: number) => {
          const entry = fds.get(fd);
          if (entry?.kind !== 'dir' || !entry.preopen) return Errno.BADF;
          const dv = view();
          dv.setUint8(ptr, 0);
          dv.setUint32(ptr + 4, encoder.encode(entry.preopen).byteLength, true);
          return Errno.SUCCESS;
        },
        fd_prestat_dir_name: (fd: number, ptr: number, len: number) => {
          const entry = fds.get(fd);
          if (entry?.kind !== 'dir' || !entry.preopen) return Errno.BADF;
          bytes().set(encoder.encode(entry.preopen).subarray(0, len), ptr);
          return Errno.SUCCESS;
        },
        fd_readdir: (fd: number, buf: number, len: number, cookie: bigint, usedPtr: number) => {
          const entry = fds.get(fd);
          if (entry?.kind !== 'dir') return Errno.BADF;
          const listing = [['.', entry.node] as const, ['..', entry.node] as const, ...entry.node.entries];
          const chunks: number[] = [];
          for (let i = Number(cookie); i < listing.length; i++) {
            const [name, node] = listing[i]!;
            const nameBytes = encoder.encode(name);
            const head = new DataView(new ArrayBuffer(24));
            head.setBigUint64(0, BigInt(i + 1), true);
            head.setBigUint64(8, BigInt(i + 1), true);
            head.setUint32(16, nameBytes.byteLength, true);
            head.setUint8(20, node.kind === 'dir' ? Filetype.DIRECTORY : Filetype.REGULAR_FILE);
            chunks.push(...new Uint8Array(head.buffer), ...nameBytes);
            if (chunks.length >= len) break;
          }
          const used = Math.min(len, chunks.length);
          bytes().set(chunks.slice(0, used), buf);
          view().setUint32(usedPtr, used, true);
          return Errno.SUCCESS;
        },
        path_filestat_get: (fd: number, _flags: number, pathPtr: number, pathLen: number, ptr: number) => {
          const entry = fds.get(fd);
          if (entry?.kind !== 'dir') return Errno.BADF;
          const found = resolve(entry, str(pathPtr, pathLen));
          if (!found) return Errno.NOTCAPABLE;
          if (!found.node) return Errno.NOENT;
          return filestat(ptr, found.node);
        },
        path_open: (
          fd: number,
          _dirflags: number,
          pathPtr: number,
          pathLen: number,
          oflags: number,
          _rightsBase: bigint,
          _rightsInheriting: bigint,
          _fdflags: number,
          fdPtr: number,
        ) => {
          const entry = fds.get(fd);
          if (entry?.kind !== 'dir') return Errno.BADF;
          const found = resolve(entry, str(pathPtr, pathLen));
          if (!found) return Errno.NOTCAPABLE;
          if (!found.node) return oflags & OFLAGS_CREAT ? Errno.ROFS : Errno.NOENT;
          if (oflags & OFLAGS_EXCL && oflags & OFLAGS_CREAT) return Errno.EXIST;
          if (oflags & OFLAGS_TRUNC) return Errno.ROFS;
          const node = found.node;
          if (oflags & OFLAGS_DIRECTORY && node.kind !== 'dir') return Errno.NOTDIR;
          const id = nextFd++;
          fds.set(id, node.kind === 'dir' ? { kind: 'dir', node, path: found.parts } : { kind: 'file', node, offset: 0 });
          view().setUint32(fdPtr, id, true);
          return Errno.SUCCESS;
        },
        path_unlink_file: () => Errno.ROFS,
        path_remove_directory: () => Errno.ROFS,
        path_create_directory: () => Errno.ROFS,
        sched_yield: () => Errno.SUCCESS,
      };
      return { wasi_snapshot_preview1: wasi };
    },
  };
}

function concat(chunks: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.byteLength, 0));
  let pos = 0;
  for (const c of chunks) {
    out.set(c, pos);
    pos += c.byteLength;
  }
  return out;
}
