/**
 * The WASI 0.2 interfaces every component gets: cli (with the component's `environment` and its
 * stdout/stderr captured line by line into the playground's log), clocks, random, io and a
 * filesystem. One set per instance, built from preview2-shim's factories so no state is shared
 * between components or requests.
 */
import { createCli } from '@bytecodealliance/preview2-shim/cli';
import { monotonicClock, wallClock } from '@bytecodealliance/preview2-shim/clocks';
import { createFilesystem, InMemoryFilesystemAdapter } from '@bytecodealliance/preview2-shim/filesystem';
import { error, poll, streams } from '@bytecodealliance/preview2-shim/io';
import { insecure, insecureSeed, random } from '@bytecodealliance/preview2-shim/random';

export interface WasiHostOptions {
  environment: Record<string, string>;
  onStdout: (line: string) => void;
  onStderr: (line: string) => void;
}

/** Line-buffers a guest's output stream, as a terminal would show it. */
function lineSink(emit: (line: string) => void) {
  const decoder = new TextDecoder();
  let pending = '';
  return {
    write(bytes: Uint8Array) {
      pending += decoder.decode(bytes, { stream: true });
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) emit(line.endsWith('\r') ? line.slice(0, -1) : line);
    },
    blockingFlush() {},
    drop() {
      pending += decoder.decode();
      if (pending) emit(pending);
      pending = '';
    },
  };
}

/**
 * Imports keyed by interface name without version (how jco's glue reads them), and `finish()`,
 * which emits output still waiting for a newline once the instance is done.
 */
export function createWasiHost(options: WasiHostOptions): { imports: Record<string, unknown>; finish(): void } {
  const stdout = lineSink(options.onStdout);
  const stderr = lineSink(options.onStderr);
  const cli = createCli({ environment: options.environment, arguments: [], stdout, stderr });
  // No `files` mounts yet: an empty read-only root keeps `wasi:filesystem` linkable.
  const filesystem = createFilesystem({ adapter: new InMemoryFilesystemAdapter(), preopens: {} });;
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
    'wasi:clocks/monotonic-clock': monotonicClock,
    'wasi:clocks/wall-clock': wallClock,
    'wasi:filesystem/types': filesystem.types,
    'wasi:filesystem/preopens': filesystem.preopens,
    'wasi:io/error': error,
    'wasi:io/poll': poll,
    'wasi:io/streams': streams,
    'wasi:random/random': random,
    'wasi:random/insecure': insecure,
    'wasi:random/insecure-seed': insecureSeed,
  };
  return {
    imports,
    finish() {
      stdout.drop();
      stderr.drop();
    },
  };
}
