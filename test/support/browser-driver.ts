/**
 * One small interface over three browser clients, so each cross-browser scenario is written once
 * (test/cross-browser/scenarios.ts) and run in Chromium (playwright-core), Firefox (puppeteer-core
 * over WebDriver BiDi) and WebKitGTK (selenium-webdriver against WebKitWebDriver). Everything a
 * scenario needs beyond these few calls is a page script run with `evaluate`, which every client
 * can do the same way.
 */

export type EngineName = 'chromium' | 'firefox' | 'webkit';

/** A function run in the page. It is sent as source text: it must not close over test variables. */
export type PageFunction<A, R> = (arg: A) => R | Promise<R>;

export type Role = 'button' | 'link' | 'tab';

export interface Tab {
  goto(url: string): Promise<void>;
  reload(): Promise<void>;
  url(): Promise<string>;
  /** Run `fn(arg)` in the tab's top document and return its (JSON-serializable) result. */
  evaluate<A, R>(fn: PageFunction<A, R>, arg: A): Promise<R>;
  /** The same in the frame reached through `frames`, a chain of iframe selectors from the top. */
  evaluateInFrame<A, R>(frames: string[], fn: PageFunction<A, R>, arg: A): Promise<R>;
  /** Click (with the client's own input, not a page script) the visible element of that role and name. */
  click(role: Role, name: string): Promise<void>;
  /** Click what starts a download and return the file the browser was given. */
  download(role: Role, name: string): Promise<{ name: string; bytes: Uint8Array }>;
  close(): Promise<void>;
}

/** A fresh browser profile: its own storage, service workers and caches. */
export interface Profile {
  newTab(): Promise<Tab>;
  close(): Promise<void>;
}

export interface BrowserDriver {
  engine: EngineName;
  /** e.g. "Chromium 156.0.7590.0", "Firefox 153.8.0", "WebKitGTK 2.50.6". */
  version: string;
  newProfile(): Promise<Profile>;
  close(): Promise<void>;
}

/**
 * The page script that finds an element by ARIA role and accessible name (exact, whitespace
 * collapsed), as a person sees it: visible elements only. Adapters without a role locator of their
 * own run it and click the element it returns.
 */
export const findByRole = ({ role, name }: { role: Role; name: string }): Element | null => {
  const selectors: Record<string, string> = {
    button: 'button, [role="button"], input[type="button"], input[type="submit"]',
    link: 'a[href], [role="link"]',
    tab: '[role="tab"]',
  };
  const norm = (s: string | null | undefined) => (s ?? '').replace(/\s+/g, ' ').trim();
  for (const el of Array.from(document.querySelectorAll(selectors[role] ?? role))) {
    if (!(el instanceof HTMLElement) || el.getClientRects().length === 0) continue;
    const labelledBy = el.getAttribute('aria-labelledby');
    const label = el.getAttribute('aria-label') ?? (labelledBy ? norm(document.getElementById(labelledBy)?.textContent) : null);
    const accessible = norm(label ?? (el instanceof HTMLInputElement ? el.value : el.textContent));
    if (accessible === name) return el;
  }
  return null;
};

/**
 * A page function and its argument as one expression, for clients that evaluate source text.
 * tsx (esbuild with keepNames) wraps named inner functions in `__name(…)`, a helper that exists
 * only in Node; the expression brings its own. The argument travels as JSON.
 */
export function pageExpression<A, R>(fn: PageFunction<A, R>, arg: A): string {
  return `((__name) => (${fn.toString()}))((f) => f)(${JSON.stringify(arg ?? null)})`;
}

/**
 * Frame and element selectors may cross open shadow roots with ` >>> ` ("the element's shadow
 * root, then"), as `<spin-playground>` holds its frame in one. This page function resolves them.
 */
export const queryDeep = (selector: string): Element | null => {
  let scope: Document | ShadowRoot | null = document;
  let found: Element | null = null;
  for (const part of selector.split(' >>> ')) {
    found = scope ? scope.querySelector(part) : null;
    scope = found?.shadowRoot ?? null;
  }
  return found;
};

/** Poll `check` until it returns a truthy value (errors while a frame navigates count as "not yet"). */
export async function waitUntil<T>(what: string, check: () => Promise<T>, timeoutMs = 60_000): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value) return value as NonNullable<T>;
      last = value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline)
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what} (last: ${last instanceof Error ? last.message : JSON.stringify(last)})`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
