/**
 * The "Preview": the app on its own origin in a frame, with an address bar for the app path,
 * back, forward and reload. The frame is cross-origin, so its history cannot be read; the panel
 * keeps its own, learning about in-app navigations (links, forms, redirects) from the engine's
 * request traces. The path is mirrored into the playground's URL (`&path=`), so a reload or a
 * deep link returns to it. "Open in a new tab" opens the playground's full-window preview page
 * (`tabHref`), not the preview origin itself: see `tabView` in main.ts.
 */
import type { RequestTrace } from '../protocol/messages';
import { urlOnOrigin } from '../protocol/url-on-origin';
import { h } from './dom';

export class PreviewPanel {
  readonly #frame: HTMLIFrameElement;
  readonly #address: HTMLInputElement;
  readonly #back: HTMLButtonElement;
  readonly #forward: HTMLButtonElement;
  readonly #openLink: HTMLAnchorElement;
  readonly #originLabel: HTMLElement;
  #origin = '';
  #entries: string[];
  #index = 0;
  /** A path we asked the frame to load; its own trace must not count as an in-app navigation. */
  #expected: string | null = null;
  #loaded = false;
  #serving = false;
  /** The path asked for before the service worker could serve it. */
  #waiting: string | null = null;
  readonly #placeholder: HTMLElement;
  readonly #tabHref: (path: string) => string;

  constructor(root: HTMLElement, initialPath: string, tabHref: (path: string) => string) {
    this.#tabHref = tabHref;
    this.#frame = root.querySelector<HTMLIFrameElement>('iframe[name="preview"]')!;
    this.#openLink = root.querySelector<HTMLAnchorElement>('a.open-preview')!;
    this.#entries = [normalizePath(initialPath)];
    this.#back = h(
      'button',
      { type: 'button', className: 'quiet icon', 'aria-label': 'Back', title: 'Back', disabled: true, onclick: () => this.#go(-1) },
      '←',
    );
    this.#forward = h(
      'button',
      { type: 'button', className: 'quiet icon', 'aria-label': 'Forward', title: 'Forward', disabled: true, onclick: () => this.#go(1) },
      '→',
    );
    const reload = h('button', { type: 'button', className: 'quiet icon', 'aria-label': 'Reload', title: 'Reload', onclick: () => this.reload() }, '⟳');
    this.#originLabel = h('span', { className: 'origin', 'aria-hidden': 'true' });
    this.#address = h('input', { 'aria-label': 'Address', spellcheck: 'false', value: this.path, placeholder: '/' });
    const bar = h(
      'form',
      { className: 'address-bar', 'aria-label': 'Preview navigation' },
      this.#back,
      this.#forward,
      reload,
      h('label', { className: 'address' }, this.#originLabel, this.#address),
    );
    bar.addEventListener('submit', (event) => {
      event.preventDefault();
      this.navigate(this.#address.value);
    });
    root.querySelector('.panel-head')!.after(bar);
    this.#placeholder = h(
      'p',
      { className: 'hint preview-placeholder' },
      'The preview opens the app once it runs. With ?preview=off it waits: press Reload, enter a path, or follow a route link.',
    );
    this.#frame.before(this.#placeholder);
    this.#update();
  }

  /** The app path shown (path and query). */
  get path(): string {
    return this.#entries[this.#index] ?? '/';
  }

  setOrigin(origin: string): void {
    this.#origin = origin;
    this.#originLabel.textContent = origin.replace(/^https?:\/\//, '');
    this.#update();
  }

  /** Load the current path (after the app (re)loaded). */
  show(): void {
    this.#load(this.path);
  }

  /** Go to a path typed in the address bar, a route link, or "Show in Preview". */
  navigate(path: string): void {
    const target = normalizePath(path);
    this.#entries = this.#entries.slice(0, this.#index + 1);
    if (this.#entries[this.#index] !== target) {
      this.#entries.push(target);
      this.#index++;
    }
    this.#load(target);
  }

  reload(): void {
    this.#load(this.path);
  }

  /** A request the preview made: follow the frame's own navigations (links, form results). */
  observe(trace: RequestTrace): void {
    if (!trace.navigation || trace.method !== 'GET' || (trace.status !== undefined && trace.status >= 300 && trace.status < 400)) return;
    if (this.#expected !== null && trace.pathWithQuery === this.#expected) {
      this.#expected = null;
      return;
    }
    if (trace.pathWithQuery === this.path) return;
    this.#entries = this.#entries.slice(0, this.#index + 1);
    this.#entries.push(trace.pathWithQuery);
    this.#index++;
    this.#update();
  }

  #go(step: number): void {
    const index = this.#index + step;
    if (index < 0 || index >= this.#entries.length) return;
    this.#index = index;
    this.#load(this.path);
  }

  /**
   * The runner says the service worker can serve the preview. Until then the frame stays empty: a
   * navigation before the first visit's worker is installed would reach the server, not the app.
   */
  serviceWorkerReady(): void {
    if (this.#serving) return;
    this.#serving = true;
    if (this.#waiting !== null) this.#load(this.#waiting);
    this.#waiting = null;
  }

  #load(path: string): void {
    if (!this.#origin) return;
    if (!this.#serving) {
      this.#waiting = path;
      return;
    }
    const url = urlOnOrigin(this.#origin, path)?.href;
    if (url === undefined) {
      this.#placeholder.textContent = `${path} is not a path on the app's origin; the preview did not follow it.`;
      this.#placeholder.hidden = false;
      return;
    }
    this.#expected = path;
    const view = this.#frame.contentWindow;
    // After the first load, replace: the frame's steps must not pile up in the page's own history.
    if (this.#loaded && view) view.location.replace(url);
    else this.#frame.src = url;
    this.#loaded = true;
    this.#placeholder.hidden = true;
    this.#update();
  }

  #update(): void {
    const path = this.path;
    if (document.activeElement !== this.#address) this.#address.value = path;
    this.#back.disabled = this.#index === 0;
    this.#forward.disabled = this.#index >= this.#entries.length - 1;
    if (this.#origin) this.#openLink.href = this.#tabHref(path);
    const url = new URL(location.href);
    if (path === '/') url.searchParams.delete('path');
    else url.searchParams.set('path', path);
    if (url.href !== location.href) history.replaceState(history.state, '', url);
  }
}

/** `api?x=1` -> `/api?x=1`; a full URL keeps only its path and query. */
export function normalizePath(input: string): string {
  const text = input.trim();
  if (!text) return '/';
  if (/^https?:\/\//i.test(text)) {
    const url = new URL(text);
    return url.pathname + url.search;
  }
  return text.startsWith('/') ? text : `/${text}`;
}
