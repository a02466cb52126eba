/**
 * The playground's steps as a person takes them, over the cross-browser driver: open it, wait for
 * the app, send from the request console, read the preview, the logs and the key-value data.
 * Each step is one page script or one click, so it runs the same in every engine.
 */
import { waitUntil, type Tab } from '../support/browser-driver.ts';

export const PG_URL = process.env.PG_URL ?? 'http://localhost:4179';
export const PREVIEW = ['iframe[name="preview"]'];
export const RUNNER = ['iframe[src*="/__pg/runner.html"]'];

export async function waitForStatus(tab: Tab, expect: 'Running' | 'error', timeoutMs = 120_000): Promise<void> {
  await waitUntil(
    `the status "${expect}"`,
    () =>
      tab.evaluate((want) => {
        const status = document.getElementById('status');
        return want === 'Running' ? status?.textContent === 'Running' : !!status?.classList.contains('error');
      }, expect),
    timeoutMs,
  );
}

export async function openPlayground(tab: Tab, query = '', expect: 'Running' | 'error' = 'Running'): Promise<void> {
  await tab.goto(`${PG_URL}/${query}`);
  await waitForStatus(tab, expect);
}

/** Text of an element of the top document (a region, a list, a field's value). */
export function text(tab: Tab, selector: string): Promise<string> {
  return tab.evaluate((s) => {
    const el = document.querySelector(s);
    return el instanceof HTMLInputElement || el instanceof HTMLTextAreaElement ? el.value : (el?.textContent ?? '');
  }, selector);
}

export const regionText = (tab: Tab, name: string) => text(tab, `[role="region"][aria-label="${name}"]`);

/** Wait until a frame's own document (from the service worker) has loaded, and return its body text. */
export function frameText(tab: Tab, frames: string[] = PREVIEW, match: RegExp = /[\s\S]/, timeoutMs = 120_000): Promise<string> {
  return waitUntil(
    `${frames.join(' > ')} to show ${match}`,
    async () => {
      const state = await tab.evaluateInFrame(frames, () => ({ url: location.href, ready: document.readyState, text: document.body?.textContent ?? '' }), null);
      return /^https?:/.test(state.url) && state.ready === 'complete' && match.test(state.text) ? state.text : '';
    },
    timeoutMs,
  );
}

/** `fetch(path)` inside a frame on the preview origin, so the service worker answers it. */
export async function fetchInFrame(tab: Tab, frames: string[], path: string, method = 'GET'): Promise<{ status: number; body: string }> {
  await frameText(tab, frames);
  return tab.evaluateInFrame(
    frames,
    async ({ path, method }) => {
      const response = await fetch(path, { method });
      return { status: response.status, body: await response.text() };
    },
    { path, method },
  );
}

/** Send a request through the "Request" console and read what it shows. */
export async function sendFromConsole(tab: Tab, method: string, path: string, body = ''): Promise<{ status: string; headers: string; body: string }> {
  await tab.evaluate(
    ({ method, path, body }) => {
      const region = document.querySelector('[role="region"][aria-label="Request"]')!;
      const set = (selector: string, value: string) => {
        const field = region.querySelector<HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement>(selector)!;
        field.value = value;
        field.dispatchEvent(new Event('input', { bubbles: true }));
        field.dispatchEvent(new Event('change', { bubbles: true }));
      };
      set('[aria-label="Method"]', method);
      set('[aria-label="Path"]', path);
      set('[aria-label="Body"]', body);
      document.getElementById('response-status')!.textContent = '';
    },
    { method, path, body },
  );
  await tab.click('button', 'Send');
  await waitUntil('a response status', () => tab.evaluate(() => /^\d{3}/.test(document.getElementById('response-status')?.textContent ?? ''), null));
  return tab.evaluate(
    () => ({
      status: document.getElementById('response-status')?.textContent ?? '',
      headers: document.getElementById('response-headers')?.textContent ?? '',
      body: document.getElementById('response-body')?.textContent ?? '',
    }),
    null,
  );
}

/** Wait for a line in the Logs region. */
export async function waitForLog(tab: Tab, pattern: RegExp, timeoutMs = 60_000): Promise<string> {
  return waitUntil(
    `a log line ${pattern}`,
    async () =>
      (await tab.evaluate(() => Array.from(document.querySelectorAll('#logs-panel .log-entry, #logs-panel li')).map((el) => el.textContent ?? ''), null)).find(
        (line) => pattern.test(line),
      ),
    timeoutMs,
  );
}

type KvHook = { spinPlayground: { engine: { kv(op: unknown): Promise<{ entries?: Array<[string, ArrayBuffer]> }> } } };

/** Every entry of the project's `default` store, as text, read through the page's engine client. */
export function kvEntries(tab: Tab): Promise<Record<string, string>> {
  return tab.evaluate(async () => {
    const result = await (window as unknown as KvHook).spinPlayground.engine.kv({ op: 'export', store: 'default' });
    return Object.fromEntries((result.entries ?? []).map(([k, v]) => [k, new TextDecoder().decode(v)]));
  }, null);
}

/** Set one `default`-store key to a text value, as the key-value explorer does. */
export async function setKv(tab: Tab, key: string, value: string): Promise<void> {
  await tab.evaluate(
    async ([k, v]) => {
      await (window as unknown as KvHook).spinPlayground.engine.kv({ op: 'set', store: 'default', key: k, value: new TextEncoder().encode(v).buffer });
    },
    [key, value] as const,
  );
}
