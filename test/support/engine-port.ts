/**
 * A second protocol client for browser tests: from the playground page, open a port to the
 * project's runner exactly as the UI does (`connect`), then send `UiToEngine` messages and read
 * the answers, logs and engine events. Tests use it to send requests with exact control, to ask
 * for an engine restart, and to watch the runner's log lines, whatever the UI looks like.
 */
import type { Frame, Page } from 'playwright-core';

export interface Answer {
  status: number;
  body: string;
  /** Set when reading the body failed (a stream cut off by a restart). */
  bodyError?: string;
  ms: number;
  /** The engine's `timing.persistMs` (console path only): time spent making writes durable. */
  persistMs?: number;
}

/** Install the client in the page (once per page load). */
export async function connectEnginePort(page: Page): Promise<void> {
  await page.waitForFunction(() => !!document.querySelector('iframe[src*="/__pg/runner.html"]'));
  await page.evaluate(() => {
    const w = window as unknown as { __pgPort?: unknown };
    if (w.__pgPort) return;
    const frame = document.querySelector<HTMLIFrameElement>('iframe[src*="/__pg/runner.html"]')!;
    const channel = new MessageChannel();
    const pending = new Map<number, (m: unknown) => void>();
    const logs: string[] = [];
    const events: unknown[] = [];
    let next = 1;
    channel.port1.onmessage = (event) => {
      const m = event.data as { id?: number; type: string; entry?: { message: string }; event?: unknown };
      if (typeof m.id === 'number' && pending.has(m.id)) {
        pending.get(m.id)!(m);
        pending.delete(m.id);
      } else if (m.type === 'log') logs.push(m.entry!.message);
      else if (m.type === 'engine-event') events.push(m.event);
    };
    frame.contentWindow!.postMessage({ type: 'connect', port: channel.port2 }, new URL(frame.src).origin, [channel.port2]);
    w.__pgPort = {
      logs,
      events,
      call(message: Record<string, unknown>, transfer: Transferable[] = []) {
        const id = next++;
        return new Promise((resolve) => {
          pending.set(id, resolve);
          channel.port1.postMessage({ ...message, id }, transfer);
        });
      },
    };
  });
}

/** Send one request through the runner (the console's path) and read the whole answer. */
export function request(page: Page, method: string, path: string, body?: string): Promise<Answer> {
  return page.evaluate(
    async ({ method, path, body }) => {
      const port = (
        window as unknown as {
          __pgPort: {
            call(
              m: unknown,
              t?: Transferable[],
            ): Promise<{ response: { status: number; body: ArrayBuffer | ReadableStream | null; timing?: { persistMs: number } } }>;
          };
        }
      ).__pgPort;
      const started = performance.now();
      const bytes = body === undefined ? null : (new TextEncoder().encode(body).buffer as ArrayBuffer);
      const reply = await port.call({ type: 'request', request: { method, pathWithQuery: path, headers: [], body: bytes } }, bytes ? [bytes] : []);
      const answer: { status: number; body: string; bodyError?: string; ms: number; persistMs?: number } = { status: reply.response.status, body: '', ms: 0 };
      if (reply.response.timing) answer.persistMs = reply.response.timing.persistMs;
      try {
        answer.body = reply.response.body ? await new Response(reply.response.body).text() : '';
      } catch (error) {
        answer.bodyError = String(error);
      }
      answer.ms = performance.now() - started;
      return answer;
    },
    { method, path, body },
  );
}

/** Ask the runner to replace the engine Worker; resolves with the restart time it reports. */
export function restartEngine(page: Page): Promise<number> {
  return page.evaluate(async () => {
    const port = (window as unknown as { __pgPort: { call(m: unknown): Promise<{ restartMs: number }> } }).__pgPort;
    return (await port.call({ type: 'restart-engine' })).restartMs;
  });
}

/** Log lines (messages only) the port has seen so far. */
export function logLines(page: Page): Promise<string[]> {
  return page.evaluate(() => [...(window as unknown as { __pgPort: { logs: string[] } }).__pgPort.logs]);
}

/** Wait for a log line matching `pattern`; returns it. */
export async function waitForLog(page: Page, pattern: RegExp, timeoutMs = 30_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = (await logLines(page)).find((line) => pattern.test(line));
    if (found) return found;
    if (Date.now() > deadline) throw new Error(`no log line matched ${pattern}; saw:\n${(await logLines(page)).slice(-20).join('\n')}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

export function engineEvents(page: Page): Promise<Array<{ kind: string; where?: string; message?: string; restartMs?: number; reason?: string }>> {
  return page.evaluate(() => [...(window as unknown as { __pgPort: { events: never[] } }).__pgPort.events]);
}

/** The hidden runner frame (on the preview origin, controlled by the service worker). */
export async function runnerFrame(page: Page): Promise<Frame> {
  for (let i = 0; i < 200; i++) {
    const frame = page.frames().find((f) => f.url().includes('/__pg/runner.html'));
    if (frame) return frame;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error('no runner frame');
}

/** A fetch from a page on the preview origin: through the service worker to the engine. */
export function fetchThroughSw(frame: Frame, path: string, init?: { method?: string; body?: string }): Promise<Answer> {
  return frame.evaluate(
    async ({ path, init }) => {
      const started = performance.now();
      const response = await fetch(path, { cache: 'no-store', ...init });
      const answer: { status: number; body: string; bodyError?: string; ms: number } = { status: response.status, body: '', ms: 0 };
      try {
        answer.body = await response.text();
      } catch (error) {
        answer.bodyError = String(error);
      }
      answer.ms = performance.now() - started;
      return answer;
    },
    { path, init },
  );
}
