/**
 * The WASI preview1 the engine sees while it is pre-initialised, as Wizer's `--allow-wasi` gives
 * it: arguments and environment, stdin (componentize-js passes the runtime arguments there),
 * stdout/stderr kept whole (script errors arrive on stderr), clocks, random, and one preopened
 * directory `/` of read-only files. It is the playground's one WASI preview1 (src/wasi/preview1.ts)
 * with the functions it does not implement left out, so the pre-initialiser makes them trap with a
 * message naming them. `proc_exit` throws `ProcExit`.
 */
import { createWasiPreview1 } from '../wasi/preview1';
import { textSink } from '../wasi/preview1-fs';

export interface InitWasiOptions {
  args?: readonly string[];
  env: Readonly<Record<string, string>>;
  stdin: Uint8Array | string;
  /** Files by absolute path (`/source.js`), all under the single preopen `/`. */
  files: Readonly<Record<string, Uint8Array | string>>;
}

export interface InitWasi {
  /** The import object for an instance whose memory `memory()` gives once it exists. */
  imports(memory: () => WebAssembly.Memory): { wasi_snapshot_preview1: WebAssembly.ModuleImports };
  readonly stdout: string;
  readonly stderr: string;
  readonly exitCode: number | undefined;
}

const toBytes = (v: Uint8Array | string) => (typeof v === 'string' ? new TextEncoder().encode(v) : v);

export function createInitWasi(options: InitWasiOptions): InitWasi {
  const stdout = textSink();
  const stderr = textSink();
  let memory: (() => WebAssembly.Memory) | undefined;
  const wasi = createWasiPreview1({
    args: options.args ?? [],
    env: options.env,
    stdin: toBytes(options.stdin),
    files: new Map(Object.entries(options.files).map(([path, content]) => [path, toBytes(content)])),
    stdout,
    stderr,
    getMemory: () => {
      if (!memory) throw new Error('a WASI call before the instance has its memory');
      return memory();
    },
    otherFunctions: 'absent',
  });
  return {
    imports(getMemory) {
      memory = getMemory;
      return wasi.imports;
    },
    get stdout() {
      return stdout.text();
    },
    get stderr() {
      return stderr.text();
    },
    get exitCode() {
      return wasi.exitCode;
    },
  };
}
