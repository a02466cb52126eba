/**
 * The JavaScript that src/engine/glue-rewrites.ts puts into jco's glue: helpers in front of
 * `instantiate` (wake-ups, byte joins) and the byte-chunk method of jco's host-to-guest queue.
 * It is text, run inside the glue module, so it uses only what the glue itself has in scope.
 */

/**
 * Helpers the edits call, put in front of `export function instantiate`. Wakers are module-wide:
 * waking a scheduler that has nothing ready costs one tick and is otherwise harmless.
 */
export const PRELUDE = `
// ---- added by Spin Playground (src/engine/glue-rewrites.ts): byte copies and prompt wake-ups ----
const _pgWakers = new Set();
const _pgTasks = [];
let _pgChannel = null;
function _pgNextTask() {
  return new Promise((resolve) => {
    if (_pgChannel === null) {
      _pgChannel = new MessageChannel();
      _pgChannel.port1.onmessage = () => { const run = _pgTasks.shift(); if (run) run(); };
      _pgChannel.port1.unref?.();
    }
    _pgTasks.push(resolve);
    _pgChannel.port2.postMessage(null);
  });
}
function _pgNotify() {
  if (_pgWakers.size === 0) return;
  const wakers = [..._pgWakers];
  _pgWakers.clear();
  for (const wake of wakers) wake();
}
function _pgIdle(ms) {
  if (!(ms > 0)) return _pgNextTask();
  return new Promise((resolve) => {
    let settled = false;
    const finish = () => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      _pgWakers.delete(wake);
      resolve();
    };
    const wake = () => { _pgNextTask().then(finish); };
    const timer = setTimeout(finish, ms);
    _pgWakers.add(wake);
  });
}
// A host waiting on a stream or future end: only Waitable#setPendingEvent makes it ready, and that
// notifies, so no timer is needed. A wait the guest never ends (its instance trapped) then costs
// no timer ticks, where jco's setInterval would poll for the life of the Worker.
async function _pgUntil(ready) {
  while (!ready()) await new Promise((resolve) => { _pgWakers.add(() => { _pgNextTask().then(resolve); }); });
}
function _pgRest(data, count) {
  return ArrayBuffer.isView(data) ? data.subarray(count) : data.slice(count);
}
function _pgJoin(a, b) {
  if (!ArrayBuffer.isView(a) && !ArrayBuffer.isView(b)) return a.concat(b);
  if (b.length === 0) return ArrayBuffer.isView(a) ? a : Uint8Array.from(a);
  if (a.length === 0) return ArrayBuffer.isView(b) ? b : Uint8Array.from(b);
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}
// ---- end of Spin Playground additions ----
`;

/** PendingValueQueue#take: like drainInto, but for `stream<u8>` returns one Uint8Array. */
export const TAKE_METHOD = `take(target, maxCount) {
      if (this.#elemMeta.payloadTypeName !== 'U8') { return { values: target, n: this.drainInto(target, maxCount) }; }
      const n = Math.min(maxCount, this.#length);
      if (!(n > 0)) { return { values: target, n: 0 }; }
      const out = new Uint8Array(target.length + n);
      out.set(target);
      let at = target.length;
      let remaining = n;
      while (remaining > 0) {
        const chunk = this.#chunks[0];
        const transfer = Math.min(remaining, chunk.length - this.#offset);
        const end = this.#offset + transfer;
        out.set(ArrayBuffer.isView(chunk) ? chunk.subarray(this.#offset, end) : chunk.slice(this.#offset, end), at);
        at += transfer;
        this.#offset = end;
        this.#length -= transfer;
        remaining -= transfer;
        if (this.#offset === chunk.length) {
          this.#chunks.shift();
          this.#offset = 0;
        }
      }
      return { values: out, n };
    }
    drainInto(target, maxCount) {`;
