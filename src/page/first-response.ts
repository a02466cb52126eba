/**
 * What waits for the app's first response: Monaco's editors load then, so that they do not
 * compete with the start-up for the main thread (BENCHMARKS.md, start-up).
 */

export interface FirstResponse {
  /** A batch of traces arrived: a request has been answered. */
  note(): void;
  /** The first response, or 1 s (a `?preview=off` page makes no request), then an idle moment. */
  after(): Promise<void>;
}

export function firstResponse(): FirstResponse {
  let settle!: () => void;
  const answered = new Promise<void>((resolve) => (settle = resolve));
  return {
    note: () => settle(),
    async after() {
      await Promise.race([answered, new Promise((resolve) => setTimeout(resolve, 1000))]);
      await new Promise((resolve) => ('requestIdleCallback' in window ? requestIdleCallback(resolve, { timeout: 500 }) : setTimeout(resolve, 0)));
    },
  };
}

/** `run`, at its first call only. */
export function once(run: () => void): () => void {
  let done = false;
  return () => {
    if (done) return;
    done = true;
    run();
  };
}
