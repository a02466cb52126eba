/**
 * Waiting without JSPI. With synchronous glue a host call cannot suspend the guest on a Promise,
 * so `poll`, `pollable.block` and clock subscriptions wait by checking readiness in a loop,
 * bounded so a wait that can never finish (one that needs the event loop) fails clearly instead
 * of hanging the engine (docs/toolchain.md §5, "synchronous override").
 */
import { poll, pollableCreate } from '@bytecodealliance/preview2-shim/io';
import { monotonicClock } from '@bytecodealliance/preview2-shim/clocks';

/** The longest a single blocking wait may spin before it fails. */
export const MAX_BLOCKING_WAIT_MS = 5000;

type Readiness = { ready(): boolean };

function spinUntil(isReady: () => boolean, what: string): void {
  const deadline = performance.now() + MAX_BLOCKING_WAIT_MS;
  while (!isReady()) {
    if (performance.now() > deadline) {
      throw new Error(
        `${what} waited more than ${MAX_BLOCKING_WAIT_MS} ms; without JSPI (WebAssembly.Suspending) the playground cannot wait for browser events ` +
          `inside a request`,
      );
    }
  }
}

let patched = false;
/** Make `pollable.block` synchronous, once; only called when the engine runs without JSPI. */
function patchBlock(): void {
  if (patched) return;
  patched = true;
  const proto = (poll as unknown as { Pollable: { prototype: Readiness & { block(): unknown } } }).Pollable.prototype;
  proto.block = function (this: Readiness) {
    spinUntil(() => this.ready(), 'pollable.block');
  };
}

/** `wasi:io/poll` whose `poll` returns synchronously. */
export function syncPoll() {
  patchBlock();
  return {
    ...poll,
    poll(list: Readiness[]): Uint32Array {
      if (list.length === 0) throw new Error('poll list must not be empty');
      let ready: number[] = [];
      spinUntil(() => (ready = list.flatMap((p, i) => (p.ready() ? [i] : []))).length > 0, 'poll');
      return new Uint32Array(ready);
    },
  };
}

/** `wasi:clocks/monotonic-clock` whose subscriptions become ready by deadline, not by timer. */
export function syncMonotonicClock() {
  const at = (deadline: bigint) => pollableCreate({ ready: () => monotonicClock.now() >= deadline, wait: () => Promise.resolve() });
  return {
    ...monotonicClock,
    subscribeInstant: (instant: bigint) => at(instant),
    subscribeDuration: (duration: bigint) => at(monotonicClock.now() + duration),
  };
}
