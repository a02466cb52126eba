/**
 * WASI 0.3 interfaces besides HTTP and the filesystem. With jco's async glue an `async func`
 * import is a host function returning a Promise: the guest's call becomes a subtask it may wait
 * on, and the task resumes when the Promise settles (docs/spin4.md).
 *
 * A component built for `wasm32-wasip2` imports the 0.2.6 versions of these interfaces too, and
 * the glue reads both generations under one unversioned key, so where a 0.3 function has the
 * same name and type as its 0.2 counterpart (`get-environment`, `exit`, `get-random-bytes`,
 * the terminal getters) the 0.2 host object serves both; only what changed is defined here.
 */
import type { GuestStream } from './wasi-http-p3';

/** `wasi:clocks/monotonic-clock@0.3`: nanoseconds since an arbitrary start, and timed waits. */
export function createMonotonicClockP3() {
  const now = () => BigInt(Math.round(performance.now() * 1e6));
  const sleep = (ns: bigint) => new Promise<void>((resolve) => setTimeout(resolve, ns > 0n ? Number(ns / 1_000_000n) : 0));
  return {
    now,
    // performance.now() is clamped to 0.1 ms in a page that is not cross-origin isolated.
    getResolution: () => 100_000n,
    waitUntil: (when: bigint) => sleep(when - now()),
    waitFor: (howLong: bigint) => sleep(howLong),
  };
}

/** `wasi:clocks/system-clock@0.3` (0.2's `wall-clock`, renamed): seconds and nanoseconds since the Unix epoch. */
export function createSystemClockP3() {
  return {
    now() {
      const ms = Date.now();
      return { seconds: BigInt(Math.floor(ms / 1000)), nanoseconds: (ms % 1000) * 1_000_000 };
    },
    // Date.now() counts whole milliseconds.
    getResolution: () => 1_000_000n,
  };
}

type Done = { tag: 'ok'; val: undefined } | { tag: 'err'; val: 'io' | 'illegal-byte-sequence' | 'pipe' };
const done: Done = { tag: 'ok', val: undefined };

/** Where guest output goes: the same line-buffered sink as the 0.2 `output-stream`. */
export interface OutputSink {
  write(bytes: Uint8Array): void;
}

/**
 * `wasi:cli/stdout@0.3` and `stderr`: `write-via-stream(data: stream<u8>) -> future<result<_, error-code>>`.
 * The host drains the guest's stream into the log and settles the future when the guest closes it.
 */
export function createOutputP3(sink: OutputSink) {
  return {
    writeViaStream(data: GuestStream): Promise<Done> {
      return (async () => {
        try {
          // Read with a count: one `for await` step would move a single byte (docs/spin4.md).
          for (;;) {
            const { value, done: end } = await data.read({ count: 65536 });
            if (value && value.length > 0) sink.write(value instanceof Uint8Array ? value : Uint8Array.from(value));
            if (end) return done;
          }
        } finally {
          data[Symbol.dispose]?.();
        }
      })();
    },
  };
}

/** `wasi:cli/stdin@0.3`: an HTTP component's stdin is empty, as under `spin up`. */
export function createStdinP3() {
  return {
    readViaStream(): [Iterable<Uint8Array>, Promise<Done>] {
      return [[], Promise.resolve(done)];
    },
  };
}

/** `wasi:cli/environment@0.3`: the 0.2 functions plus `get-initial-cwd` (0.2 called it `initial-cwd`). */
export function createEnvironmentP3(environment02: { initialCwd(): string | undefined }) {
  return { getInitialCwd: () => environment02.initialCwd() };
}
