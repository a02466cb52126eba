/**
 * The playground's one WASI preview1 (`wasi_snapshot_preview1`), built per instance: args and
 * environ, stdin, clocks, random, stdout/stderr into sinks, and a read-only file tree preopened at
 * `/` (fd 3). Two users: Spin 1 core modules in the engine (docs/spin1-abi.md, "WASI preview1"),
 * where any other function answers ENOSYS and is listed in `unsupportedCalls`; and the in-page
 * Wizer (authoring/wasi-init.ts, docs/authoring.md), where other functions are left out so the
 * pre-initialiser makes them trap, naming themselves. A leaf (docs/architecture.md §4).
 */
import {
  createReadOnlyTree,
  cStrings,
  encodeDirents,
  encodeFilestat,
  FILETYPE_CHARACTER_DEVICE,
  FILETYPE_DIRECTORY,
  FILETYPE_REGULAR_FILE,
  type DirNode,
  type FileNode,
  type FsNode,
} from './preview1-fs';

/** WASI preview1 errno values (`wasi_snapshot_preview1.witx`). */
export const Errno = {
  SUCCESS: 0,
  ACCES: 2,
  BADF: 8,
  FAULT: 21,
  INVAL: 28,
  ISDIR: 31,
  NOENT: 44,
  NOSYS: 52,
  NOTDIR: 54,
  ROFS: 69,
  SPIPE: 70,
  NOTCAPABLE: 76,
} as const;

const OFLAGS_WRITE = 0x1 | 0x4 | 0x8; // creat, excl, trunc
const RIGHT_FD_WRITE = 1n << 6n;
const FDFLAGS_APPEND = 0x1;
const ALL_RIGHTS = 0x1fffffffn;
const RANDOM_CHUNK = 65536; // crypto.getRandomValues refuses more at once

/** Thrown by `proc_exit`; the instance must not be called again. */
export class ProcExit extends Error {
  constructor(readonly code: number) {
    super(`the guest called proc_exit(${code})`);
    this.name = 'ProcExit';
  }
}

/** Where fd 1 or fd 2 goes: `lineSink` (a log) or `textSink` (kept whole). */
export interface OutputSink {
  write(bytes: Uint8Array): void;
  /** Emits what is still buffered; called by `finish()`. */
  flush(): void;
}

/** What one instance's WASI sees: its arguments, environment, stdin, files and output sinks. */
export interface WasiPreview1Options {
  args: readonly string[];
  env: Readonly<Record<string, string>>;
  /** What fd 0 reads; empty (end of file at once) when left out. */
  stdin?: Uint8Array;
  /** Read-only files by absolute guest path (`/static/a.txt`), mounted under the preopen `/`. */
  files: ReadonlyMap<string, Uint8Array>;
  stdout: OutputSink;
  stderr: OutputSink;
  /** The instance's memory; called on every WASI call, since the instance exists only later. */
  getMemory(): WebAssembly.Memory;
  /**
   * A function this file does not implement: `'enosys'` answers ENOSYS and lists it in
   * `unsupportedCalls` (Spin 1 modules); `'absent'` leaves it out of the imports (Wizer traps on it).
   */
  otherFunctions: 'enosys' | 'absent';
}

/** The import module for one instance, and what it observed. */
export interface WasiPreview1 {
  imports: { wasi_snapshot_preview1: WebAssembly.ModuleImports };
  /** Flushes both output sinks (a line still waiting for its newline). */
  finish(): void;
  /** Names of functions the guest called that answered ENOSYS, in first-call order. */
  readonly unsupportedCalls: readonly string[];
  /** The `proc_exit` code, once the guest called it. */
  readonly exitCode: number | undefined;
}

type Fd =
  | { kind: 'stdio'; stream: 0 | 1 | 2 }
  | { kind: 'dir'; node: DirNode; path: string[]; preopen?: string }
  | { kind: 'file'; node: FileNode; offset: number };

/** Builds the `wasi_snapshot_preview1` imports for one instance. */
export function createWasiPreview1(options: WasiPreview1Options): WasiPreview1 {
  const args = cStrings(options.args);
  const environ = cStrings(Object.entries(options.env).map(([k, v]) => `${k}=${v}`));
  const tree = createReadOnlyTree(options.files);
  const sinks = { 1: options.stdout, 2: options.stderr };
  const stdin = options.stdin ?? new Uint8Array(0);
  let stdinPos = 0;
  const fds = new Map<number, Fd>([
    [0, { kind: 'stdio', stream: 0 }],
    [1, { kind: 'stdio', stream: 1 }],
    [2, { kind: 'stdio', stream: 2 }],
    [3, { kind: 'dir', node: tree.root, path: [], preopen: '/' }],
  ]);
  let nextFd = 4;
  const unsupported: string[] = [];
  let exitCode: number | undefined;

  const view = () => new DataView(options.getMemory().buffer);
  const bytes = () => new Uint8Array(options.getMemory().buffer);
  const readString = (ptr: number, len: number) => new TextDecoder().decode(bytes().subarray(ptr, ptr + len));
  const iovecs = (ptr: number, count: number): Array<[number, number]> => {
    const dv = view();
    return Array.from({ length: count }, (_, i) => [dv.getUint32(ptr + i * 8, true), dv.getUint32(ptr + i * 8 + 4, true)]);
  };
  const writeFilestat = (ptr: number, node: FsNode | null, filetype: number) => bytes().set(encodeFilestat(node, filetype), ptr);
  const filetypeOf = (fd: Fd) => (fd.kind === 'stdio' ? FILETYPE_CHARACTER_DEVICE : fd.kind === 'dir' ? FILETYPE_DIRECTORY : FILETYPE_REGULAR_FILE);
  const preopenName = (fd: number) => {
    const entry = fds.get(fd);
    return entry?.kind === 'dir' && entry.preopen !== undefined ? new TextEncoder().encode(entry.preopen) : undefined;
  };
  const dirFd = (fd: number) => {
    const entry = fds.get(fd);
    if (!entry) return Errno.BADF;
    return entry.kind === 'dir' ? entry : Errno.NOTDIR;
  };
  const putEnv = (list: Uint8Array[], ptrs: number, buf: number) => {
    let offset = buf;
    list.forEach((item, i) => {
      view().setUint32(ptrs + i * 4, offset, true);
      bytes().set(item, offset);
      offset += item.byteLength;
    });
    return Errno.SUCCESS;
  };
  const putSizes = (list: Uint8Array[], countPtr: number, sizePtr: number) => {
    view().setUint32(countPtr, list.length, true);
    view().setUint32(
      sizePtr,
      list.reduce((sum, item) => sum + item.byteLength, 0),
      true,
    );
    return Errno.SUCCESS;
  };
  /** Copies from `source` at `from` into the iovecs; stops at the end of `source`. */
  const readInto = (source: Uint8Array, from: number, iovs: number, count: number): number => {
    let total = 0;
    for (const [ptr, len] of iovecs(iovs, count)) {
      const chunk = source.subarray(from + total, from + total + len);
      bytes().set(chunk, ptr);
      total += chunk.byteLength;
      if (chunk.byteLength < len) break;
    }
    return total;
  };
  const now = (clock: number): bigint | undefined => {
    if (clock === 0) return BigInt(Math.round((performance.timeOrigin + performance.now()) * 1e6));
    if (clock >= 1 && clock <= 3) return BigInt(Math.round(performance.now() * 1e6));
    return undefined;
  };

  const functions: Record<string, (...args: never[]) => number> = {
    args_sizes_get: (countPtr: number, sizePtr: number) => putSizes(args, countPtr, sizePtr),
    args_get: (ptrs: number, buf: number) => putEnv(args, ptrs, buf),
    environ_sizes_get: (countPtr: number, sizePtr: number) => putSizes(environ, countPtr, sizePtr),
    environ_get: (ptrs: number, buf: number) => putEnv(environ, ptrs, buf),
    clock_res_get(clock: number, resultPtr: number) {
      if (now(clock) === undefined) return Errno.INVAL;
      view().setBigUint64(resultPtr, 1000n, true);
      return Errno.SUCCESS;
    },
    clock_time_get(clock: number, _precision: bigint, resultPtr: number) {
      const time = now(clock);
      if (time === undefined) return Errno.INVAL;
      view().setBigUint64(resultPtr, time, true);
      return Errno.SUCCESS;
    },
    random_get(ptr: number, len: number) {
      for (let offset = 0; offset < len; offset += RANDOM_CHUNK) {
        crypto.getRandomValues(bytes().subarray(ptr + offset, ptr + Math.min(len, offset + RANDOM_CHUNK)));
      }
      return Errno.SUCCESS;
    },
    fd_write(fd: number, iovs: number, count: number, writtenPtr: number) {
      const entry = fds.get(fd);
      if (entry?.kind !== 'stdio' || entry.stream === 0) return Errno.BADF;
      let total = 0;
      for (const [ptr, len] of iovecs(iovs, count)) {
        sinks[entry.stream].write(bytes().slice(ptr, ptr + len));
        total += len;
      }
      view().setUint32(writtenPtr, total, true);
      return Errno.SUCCESS;
    },
    fd_read(fd: number, iovs: number, count: number, readPtr: number) {
      const entry = fds.get(fd);
      if (!entry) return Errno.BADF;
      if (entry.kind === 'dir') return Errno.ISDIR;
      let total: number;
      if (entry.kind === 'file') {
        total = readInto(entry.node.data, entry.offset, iovs, count);
        entry.offset += total;
      } else if (entry.stream === 0) {
        total = readInto(stdin, stdinPos, iovs, count);
        stdinPos += total;
      } else {
        return Errno.BADF;
      }
      view().setUint32(readPtr, total, true);
      return Errno.SUCCESS;
    },
    fd_seek(fd: number, offset: bigint, whence: number, resultPtr: number) {
      const entry = fds.get(fd);
      if (!entry) return Errno.BADF;
      if (entry.kind === 'stdio') return Errno.SPIPE;
      if (entry.kind === 'dir') return Errno.ISDIR;
      const base = whence === 0 ? 0n : whence === 1 ? BigInt(entry.offset) : whence === 2 ? BigInt(entry.node.data.byteLength) : -1n;
      const target = base + offset;
      if (base < 0n || target < 0n || target > BigInt(Number.MAX_SAFE_INTEGER)) return Errno.INVAL;
      entry.offset = Number(target);
      view().setBigUint64(resultPtr, target, true);
      return Errno.SUCCESS;
    },
    fd_close: (fd: number) => (fds.delete(fd) ? Errno.SUCCESS : Errno.BADF),
    fd_fdstat_set_flags: (fd: number) => (fds.has(fd) ? Errno.SUCCESS : Errno.BADF),
    fd_prestat_get(fd: number, resultPtr: number) {
      const name = preopenName(fd);
      if (!name) return Errno.BADF;
      view().setUint32(resultPtr, 0, true);
      view().setUint32(resultPtr + 4, name.byteLength, true);
      return Errno.SUCCESS;
    },
    fd_prestat_dir_name(fd: number, ptr: number, len: number) {
      const name = preopenName(fd);
      if (!name) return Errno.BADF;
      bytes().set(name.subarray(0, len), ptr);
      return Errno.SUCCESS;
    },
    fd_fdstat_get(fd: number, resultPtr: number) {
      const entry = fds.get(fd);
      if (!entry) return Errno.BADF;
      const dv = view();
      dv.setUint8(resultPtr, filetypeOf(entry));
      dv.setUint16(resultPtr + 2, 0, true);
      // Writes are refused where they happen (path_open, fd_write), not by rights.
      dv.setBigUint64(resultPtr + 8, ALL_RIGHTS, true);
      dv.setBigUint64(resultPtr + 16, ALL_RIGHTS, true);
      return Errno.SUCCESS;
    },
    fd_filestat_get(fd: number, resultPtr: number) {
      const entry = fds.get(fd);
      if (!entry) return Errno.BADF;
      writeFilestat(resultPtr, entry.kind === 'stdio' ? null : entry.node, filetypeOf(entry));
      return Errno.SUCCESS;
    },
    path_filestat_get(fd: number, _flags: number, pathPtr: number, pathLen: number, resultPtr: number) {
      const dir = dirFd(fd);
      if (typeof dir === 'number') return dir;
      const found = tree.resolve(dir.path, readString(pathPtr, pathLen));
      if (typeof found === 'number') return found;
      writeFilestat(resultPtr, found.node, found.node.kind === 'dir' ? FILETYPE_DIRECTORY : FILETYPE_REGULAR_FILE);
      return Errno.SUCCESS;
    },
    path_open(
      fd: number,
      _dirflags: number,
      pathPtr: number,
      pathLen: number,
      oflags: number,
      rightsBase: bigint,
      _rightsInheriting: bigint,
      fdflags: number,
      resultPtr: number,
    ) {
      const dir = dirFd(fd);
      if (typeof dir === 'number') return dir;
      if (oflags & OFLAGS_WRITE || rightsBase & RIGHT_FD_WRITE || fdflags & FDFLAGS_APPEND) return Errno.ROFS;
      const found = tree.resolve(dir.path, readString(pathPtr, pathLen));
      if (typeof found === 'number') return found;
      if (oflags & 0x2 && found.node.kind !== 'dir') return Errno.NOTDIR;
      const opened: Fd = found.node.kind === 'dir' ? { kind: 'dir', node: found.node, path: found.path } : { kind: 'file', node: found.node, offset: 0 };
      const newFd = nextFd++;
      fds.set(newFd, opened);
      view().setUint32(resultPtr, newFd, true);
      return Errno.SUCCESS;
    },
    fd_readdir(fd: number, buf: number, bufLen: number, cookie: bigint, usedPtr: number) {
      const dir = dirFd(fd);
      if (typeof dir === 'number') return dir;
      const records = encodeDirents(tree.list(dir.node, dir.path), Number(cookie), bufLen);
      bytes().set(records, buf);
      view().setUint32(usedPtr, records.byteLength, true);
      return Errno.SUCCESS;
    },
    // The tree is read-only: changing it is refused as path_open refuses a create.
    path_unlink_file: () => Errno.ROFS,
    path_remove_directory: () => Errno.ROFS,
    path_create_directory: () => Errno.ROFS,
    proc_exit(code: number): never {
      exitCode = code;
      throw new ProcExit(code);
    },
    sched_yield: () => Errno.SUCCESS,
    poll_oneoff(inPtr: number, outPtr: number, count: number, eventsPtr: number) {
      if (count === 0) return Errno.INVAL;
      // No waiting in a synchronous host: every subscription is reported ready at once.
      const dv = view();
      for (let i = 0; i < count; i++) {
        const sub = inPtr + i * 48;
        const event = outPtr + i * 32;
        for (let offset = 0; offset < 32; offset += 8) dv.setBigUint64(event + offset, 0n, true);
        dv.setBigUint64(event, dv.getBigUint64(sub, true), true);
        dv.setUint8(event + 10, dv.getUint8(sub + 8));
      }
      dv.setUint32(eventsPtr, count, true);
      return Errno.SUCCESS;
    },
  };

  const guarded: WebAssembly.ModuleImports = {};
  for (const [name, fn] of Object.entries(functions)) {
    guarded[name] = (...params: never[]) => {
      try {
        return fn(...params);
      } catch (error) {
        // A pointer outside memory is the guest's fault, not a host crash.
        if (error instanceof RangeError) return Errno.FAULT;
        throw error;
      }
    };
  }
  const enosys = (name: string) => () => {
    if (!unsupported.includes(name)) unsupported.push(name);
    return Errno.NOSYS;
  };
  const wasi =
    options.otherFunctions === 'absent'
      ? guarded
      : new Proxy(guarded, {
          get(target, name) {
            if (typeof name !== 'string') return undefined;
            return (target[name] ??= enosys(name));
          },
        });

  return {
    imports: { wasi_snapshot_preview1: wasi },
    finish() {
      sinks[1].flush();
      sinks[2].flush();
    },
    get unsupportedCalls() {
      return unsupported;
    },
    get exitCode() {
      return exitCode;
    },
  };
}
