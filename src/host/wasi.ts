/**
 * The WASI 0.2 interfaces every component gets: cli (with the component's `environment` and its
 * stdout/stderr captured line by line into the playground's log), clocks, random, io and a
 * filesystem. One set per instance, built from preview2-shim's factories so no state is shared
 * between components or requests.
 */
import { createCli } from '@bytecodealliance/preview2-shim/cli';
import { monotonicClock, wallClock } from '@bytecodealliance/preview2-shim/clocks';
import { createFilesystem, InMemoryFilesystemAdapter, types as filesystemTypes } from '@bytecodealliance/preview2-shim/filesystem';
import { error, poll, streams } from '@bytecodealliance/preview2-shim/io';
import { insecure, insecureSeed, random } from '@bytecodealliance/preview2-shim/random';
import { syncMonotonicClock, syncPoll } from './sync-io';
import { setOwn } from '../protocol/own-keys';
import { lineSink } from '../wasi/preview1-fs';

export interface WasiHostOptions {
  environment: Record<string, string>;
  /** Without JSPI, waits must complete synchronously (see sync-io.ts). */
  bridge?: 'jspi' | 'sync';
  /** The component's `files`, as a tree mounted read-only at `/` (absent: no preopens). */
  files?: { dir: Record<string, unknown> };
  onStdout: (line: string) => void;
  onStderr: (line: string) => void;
}

/** A guest's output stream, line-buffered as a terminal shows it (the one `lineSink`, src/wasi/). */
function outputLines(emit: (line: string) => void) {
  const sink = lineSink(emit);
  return { write: sink.write, blockingFlush() {}, drop: sink.flush };
}

/** Copies the directory objects, sharing the (never written) file bytes. */
function structuredCopy(tree: { dir: Record<string, unknown> }): { dir: Record<string, unknown> } {
  const dir: Record<string, unknown> = {};
  for (const [name, entry] of Object.entries(tree.dir)) {
    setOwn(
      dir,
      name,
      entry && typeof entry === 'object' && 'dir' in entry ? structuredCopy(entry as { dir: Record<string, unknown> }) : { ...(entry as object) },
    );
  }
  return { dir };
}

/**
 * Spin mounts `files` read-only: writes fail with `not-permitted` (wasmtime's answer without
 * mutate permission). preview2-shim's in-memory filesystem is writable, and can even write into
 * shared byte arrays in place, so every mutating method is refused before it reaches it. All of
 * the playground's mounts are read-only, so the guard is applied to the class once.
 */
const MUTATING = [
  'write',
  'writeViaStream',
  'appendViaStream',
  'setSize',
  'setTimes',
  'setTimesAt',
  'createDirectoryAt',
  'removeDirectoryAt',
  'renameAt',
  'unlinkFileAt',
  'symlinkAt',
  'linkAt',
] as const;
let readOnlyApplied = false;
function makeDescriptorsReadOnly(): void {
  if (readOnlyApplied) return;
  readOnlyApplied = true;
  const proto = filesystemTypes.Descriptor.prototype as unknown as Record<string, unknown>;
  for (const name of MUTATING) {
    if (typeof proto[name] === 'function')
      proto[name] = () => {
        throw 'not-permitted';
      };
  }
  const openAt = proto.openAt as (
    this: unknown,
    pathFlags: unknown,
    path: string,
    openFlags: Record<string, boolean> | undefined,
    flags: Record<string, boolean> | undefined,
  ) => unknown;
  proto.openAt = function (
    this: unknown,
    pathFlags: unknown,
    path: string,
    openFlags: Record<string, boolean> | undefined,
    flags: Record<string, boolean> | undefined,
  ) {
    if (openFlags?.create || openFlags?.truncate || flags?.write || flags?.mutateDirectory) throw 'not-permitted';
    return openAt.call(this, pathFlags, path, openFlags, flags);
  };
}

/**
 * Imports keyed by interface name without version (how jco's glue reads them), and `finish()`,
 * which emits output still waiting for a newline once the instance is done.
 */
export function createWasiHost(options: WasiHostOptions): {
  imports: Record<string, unknown>;
  /** The line sinks behind stdout and stderr, shared with the WASI 0.3 `write-via-stream` (wasi-p3.ts). */
  stdout: { write(bytes: Uint8Array): void };
  stderr: { write(bytes: Uint8Array): void };
  finish(): void;
} {
  makeDescriptorsReadOnly();
  const stdout = outputLines(options.onStdout);
  const stderr = outputLines(options.onStderr);
  const cli = createCli({ environment: options.environment, arguments: [], stdout, stderr });
  const filesystem = createFilesystem({
    adapter: new InMemoryFilesystemAdapter(),
    // A fresh copy of the tree per instance: the shim's tree objects record writes and opens.
    preopens: (options.files ? { '/': structuredCopy(options.files) } : {}) as Parameters<typeof createFilesystem>[0]['preopens'],
  });
  const imports = {
    'wasi:cli/environment': cli.environment,
    'wasi:cli/exit': cli.exit,
    'wasi:cli/stdin': cli.stdin,
    'wasi:cli/stdout': cli.stdout,
    'wasi:cli/stderr': cli.stderr,
    'wasi:cli/terminal-input': cli.terminalInput,
    'wasi:cli/terminal-output': cli.terminalOutput,
    'wasi:cli/terminal-stdin': cli.terminalStdin,
    'wasi:cli/terminal-stdout': cli.terminalStdout,
    'wasi:cli/terminal-stderr': cli.terminalStderr,
    'wasi:clocks/monotonic-clock': options.bridge === 'sync' ? syncMonotonicClock() : monotonicClock,
    'wasi:clocks/wall-clock': wallClock,
    'wasi:filesystem/types': filesystem.types,
    'wasi:filesystem/preopens': filesystem.preopens,
    'wasi:io/error': error,
    'wasi:io/poll': options.bridge === 'sync' ? syncPoll() : poll,
    'wasi:io/streams': streams,
    'wasi:random/random': random,
    'wasi:random/insecure': insecure,
    'wasi:random/insecure-seed': insecureSeed,
  };
  return {
    imports,
    stdout,
    stderr,
    finish() {
      stdout.drop();
      stderr.drop();
    },
  };
}
