/**
 * WASI 0.3 interfaces besides HTTP. With jco's async glue an `async func` import is a host
 * function returning a Promise: the guest's call becomes a subtask it may wait on, and the task
 * resumes when the Promise settles (docs/spin4.md).
 */

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
