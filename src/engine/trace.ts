/**
 * Per-request traces for the "Trace" panel: how a request was routed, every host call its
 * component made (in order, with arguments and outcome, as the host adapters report them through
 * `onCall`), and the timing split. A recorder lives for one request; the engine hands the trace
 * to `emit` when the response is ready, and again (same id) if a streamed body makes more calls.
 */
import type { RequestTiming, RequestTrace, TraceCall, WireRequest } from '../protocol/messages';

/** Calls kept per request; a guest looping over `get` must not grow a trace without bound. */
const MAX_CALLS = 500;

/** Characters kept of a call or an outcome (a `get-keys()` of a large store lists every key). */
const MAX_TEXT = 2000;

let nextId = 1;

const clip = (text: string) => (text.length > MAX_TEXT ? `${text.slice(0, MAX_TEXT)}… (${text.length} characters)` : text);

export class TraceRecorder {
  readonly trace: RequestTrace;
  readonly #started = performance.now();
  readonly #emit: (trace: RequestTrace) => void;
  #sent = false;
  #resendScheduled = false;
  #dropped = 0;

  constructor(request: WireRequest, source: RequestTrace['source'], emit: (trace: RequestTrace) => void) {
    this.#emit = emit;
    const accept = request.headers.find(([n]) => n.toLowerCase() === 'accept')?.[1] ?? '';
    this.trace = {
      id: nextId++,
      source,
      method: request.method,
      pathWithQuery: request.pathWithQuery,
      // Browsers ask for HTML first only when loading a document; fetch() and subresources don't.
      navigation: source === 'preview' && /^\s*text\/html/i.test(accept),
      startedAt: Date.now(),
      kind: 'no-app',
      calls: [],
    };
  }

  /** How the request was answered: the route pattern as written and who handled it. */
  routed(kind: RequestTrace['kind'], handledBy?: string, route?: string): void {
    this.trace.kind = kind;
    if (handledBy !== undefined) this.trace.handledBy = handledBy;
    if (route !== undefined) this.trace.route = route;
  }

  /** Which reused instance served the request (WASI 0.3 components). */
  instance(info: NonNullable<RequestTrace['instance']>): void {
    this.trace.instance = info;
  }

  /**
   * A host call's report, for a component's `onHostCall`; `startedAt` (a `performance.now()`)
   * when an async call reports where it started as well as where it ended.
   */
  call(component: string, call: string, outcome: string, startedAt?: number): void {
    if (this.trace.calls.length >= MAX_CALLS) {
      this.#dropped++;
      return;
    }
    const entry: TraceCall = { component, call: clip(call), outcome: clip(outcome), atMs: performance.now() - this.#started };
    if (startedAt !== undefined) entry.startMs = Math.max(0, startedAt - this.#started);
    this.trace.calls.push(entry);
    if (this.#sent) this.#scheduleResend();
  }

  /** The response head is ready: send the trace. Calls a streamed body makes later are sent on. */
  finish(status: number, timing: RequestTiming | undefined, streaming: boolean): void {
    this.trace.status = status;
    if (timing) this.trace.timing = timing;
    this.trace.streaming = streaming;
    this.#sent = true;
    this.#send();
  }

  #scheduleResend(): void {
    if (this.#resendScheduled) return;
    this.#resendScheduled = true;
    setTimeout(() => {
      this.#resendScheduled = false;
      this.#send();
    }, 50);
  }

  #send(): void {
    const calls = this.trace.calls.slice();
    if (this.#dropped > 0)
      calls.push({ component: '', call: `… ${this.#dropped} more calls not recorded`, outcome: '', atMs: performance.now() - this.#started });
    this.#emit({ ...this.trace, calls });
  }
}
