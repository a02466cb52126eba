/**
 * The "Key-value explorer": one tab per store, search by key prefix, the selected value as text,
 * JSON or hex, add/edit/delete, clear a store, reset every store, import and export JSON, and a
 * live refresh when the app writes. Every change goes through the engine (`kv` messages), so the
 * persistence journal records it like an app write.
 *
 * The key list is virtualized; each full render is timed (engine query to painted rows) and the
 * last figure is kept in `lastRender` for the benchmark.
 */
import type { KvAdminOp, KvAdminResult } from '../protocol/messages';
import { h } from './dom';
import { exportJson, importJson } from './kv-json';
import { KvValuePane } from './kv-value-pane';
import { VirtualList } from './virtual-list';
import { armed, download } from './actions';
import type { KvChanges } from './engine-client';

/** Keys fetched per list; far above what a person scrolls, well below what would stall the page. */
const LIST_LIMIT = 100_000;

export interface KvRenderStats {
  keys: number;
  /** From the list request to rows painted. */
  totalMs: number;
  /** The engine's query and the message hop. */
  queryMs: number;
  /** Building the rows and the first paint. */
  renderMs: number;
}

export class KvExplorer {
  readonly #kv: (op: KvAdminOp) => Promise<KvAdminResult>;
  readonly #tabs: HTMLElement;
  readonly #search: HTMLInputElement;
  readonly #count: HTMLElement;
  readonly #list: VirtualList;
  readonly #value: KvValuePane;
  readonly #onStats: (stats: KvRenderStats) => void;
  #declared: string[] = [];
  #stores: Array<{ name: string; keys: number }> = [];
  #store = 'default';
  #refreshing: Promise<void> | null = null;
  #again = false;
  #tabsRefreshing = false;
  /** The list shows only the first LIST_LIMIT keys that match. */
  #truncated = false;
  /** On screen: the panel intersects the viewport and the tab is visible. */
  #onScreen = false;
  /** Something changed while off screen: re-read when shown. */
  #stale = true;
  lastRender: KvRenderStats | null = null;
  /** Engine queries made so far (the tests' proof that a hidden explorer does not ask). */
  queries = 0;

  constructor(root: HTMLElement, kv: (op: KvAdminOp) => Promise<KvAdminResult>, onStats: (stats: KvRenderStats) => void) {
    this.#kv = (op) => {
      this.queries++;
      return kv(op);
    };
    this.#onStats = onStats;
    // Hidden panels (an embed that does not show it, a scrolled-away narrow layout, a background
    // tab) do not follow the app's writes; they catch up once when shown.
    let intersecting = false;
    const update = () => {
      this.#onScreen = intersecting && !document.hidden;
      if (this.#onScreen && this.#stale) void this.refresh();
    };
    new IntersectionObserver((entries) => {
      intersecting = entries.at(-1)!.isIntersecting;
      update();
    }).observe(root);
    document.addEventListener('visibilitychange', update);
    const importInput = h('input', { type: 'file', accept: '.json,application/json', hidden: true, 'aria-label': 'Import JSON file' });
    importInput.addEventListener('change', () => void this.#import(importInput));
    root.querySelector('.panel-head')!.append(
      h(
        'div',
        { className: 'tools' },
        h('button', { type: 'button', className: 'quiet', onclick: () => importInput.click() }, 'Import JSON'),
        h('button', { type: 'button', className: 'quiet', onclick: () => void this.#export() }, 'Export JSON'),
        armed(h('button', { type: 'button', className: 'quiet danger' }, 'Clear store'), 'Confirm clear', () => this.#clear(this.#store)),
        importInput,
      ),
    );
    this.#tabs = h('div', { className: 'tabs', role: 'tablist', 'aria-label': 'Stores' });
    // Arrow keys move between store tabs (only the selected one is in the Tab order).
    this.#tabs.addEventListener('keydown', (event) => {
      if (event.key !== 'ArrowLeft' && event.key !== 'ArrowRight') return;
      const tabs = [...this.#tabs.querySelectorAll<HTMLButtonElement>('[role="tab"]')];
      const at = tabs.indexOf(document.activeElement as HTMLButtonElement);
      const next = tabs[(at + (event.key === 'ArrowRight' ? 1 : tabs.length - 1)) % tabs.length];
      if (next) {
        event.preventDefault();
        next.click();
        next.focus();
      }
    });
    this.#search = h('input', { type: 'search', 'aria-label': 'Key prefix', placeholder: 'Search by key prefix', spellcheck: 'false' });
    this.#search.addEventListener('input', () => void this.refresh());
    this.#count = h('span', { className: 'muted count', 'aria-live': 'polite' });
    this.#list = new VirtualList({ label: 'Keys', rowHeight: 24, onSelect: (key) => void this.#showValue(key) });
    this.#value = new KvValuePane({
      save: (key, value, renamedFrom) => this.#save(key, value, renamedFrom),
      remove: (key) => this.#remove(key),
    });
    const add = h('button', { type: 'button', onclick: () => this.#value.edit() }, 'Add key');
    root.append(
      this.#tabs,
      h('div', { className: 'kv-toolbar' }, this.#search, add, this.#count),
      h('div', { className: 'kv-body', role: 'tabpanel', 'aria-label': 'Store contents' }, this.#list.element, this.#value.element),
    );
  }

  /** Stores the manifest declares (`key_value_stores`): shown as tabs even while empty. */
  setDeclaredStores(labels: string[]): void {
    this.#declared = [...new Set(labels)];
    if (!this.#declared.includes(this.#store) && this.#declared.length > 0 && !this.#stores.some((s) => s.name === this.#store))
      this.#store = this.#declared[0]!;
    this.#refreshWhenShown();
  }

  /**
   * The engine says what changed (an app write, another tab, an import), a frame's worth at a
   * time. Off screen, the explorer only notes that it is stale. On screen it asks the engine only
   * for what the change does not tell: a rewritten value of a listed key changes nothing listed,
   * so the common case (an app updating its keys) costs no query at all, and the selected key's
   * value is read again only when that key was written.
   */
  changed(changes: KvChanges): void {
    if (!this.#onScreen) {
      this.#stale = true;
      return;
    }
    // Mid-refresh the list is about to be replaced: read it again once that refresh is done.
    if (this.#refreshing) return void this.refresh();
    let list = false;
    let tabs = false;
    let value = false;
    // Every key of the store is listed: a deleted key that is not listed did not exist.
    const complete = this.#search.value === '' && !this.#truncated;
    for (const [store, keys] of changes) {
      if (store !== this.#store) {
        tabs = true;
        continue;
      }
      if (keys === null) {
        list = true;
        continue;
      }
      for (const [key, deleted] of keys) {
        if (this.#list.indexOf(key) >= 0) {
          if (deleted) list = true;
          else if (key === this.#list.selected) value = true;
        } else if (!deleted || !complete) list = true;
      }
    }
    if (list) void this.refresh();
    else {
      if (tabs) void this.#refreshTabs();
      if (value && !this.#value.editing) void this.#showValue(this.#list.selected);
    }
  }

  #refreshWhenShown(): void {
    if (this.#onScreen) void this.refresh();
    else this.#stale = true;
  }

  /** Clear every store: the project's key-value data back to its (empty) seed. */
  async resetAll(): Promise<void> {
    await this.#clear(null);
  }

  /** Re-read stores, the current store's keys and the selected value. Coalesces bursts of calls. */
  async refresh(): Promise<void> {
    if (this.#refreshing) {
      this.#again = true;
      return this.#refreshing;
    }
    this.#refreshing = this.#refreshOnce().finally(() => {
      this.#refreshing = null;
      if (this.#again) {
        this.#again = false;
        void this.refresh();
      }
    });
    return this.#refreshing;
  }

  /** Re-read the store tabs' key counts only (another store than the one shown changed). */
  async #refreshTabs(): Promise<void> {
    if (this.#tabsRefreshing || this.#refreshing) return;
    this.#tabsRefreshing = true;
    try {
      const stores = await this.#kv({ op: 'stores' });
      if (stores.op === 'stores') this.#stores = stores.stores;
      this.#renderTabs();
    } finally {
      this.#tabsRefreshing = false;
    }
  }

  async #refreshOnce(): Promise<void> {
    this.#stale = false;
    const stores = await this.#kv({ op: 'stores' });
    if (stores.op === 'stores') this.#stores = stores.stores;
    this.#renderTabs();
    const started = performance.now();
    const listed = await this.#kv({ op: 'list', store: this.#store, prefix: this.#search.value, limit: LIST_LIMIT });
    if (listed.op !== 'list') return this.#failed(listed);
    const queried = performance.now();
    this.#list.setItems(listed.keys);
    const prefix = this.#search.value;
    this.#count.textContent = prefix
      ? `${listed.matched} of ${listed.total} key${listed.total === 1 ? '' : 's'} start with "${prefix}"`
      : `${listed.total} key${listed.total === 1 ? '' : 's'}`;
    this.#truncated = listed.matched > listed.keys.length;
    if (this.#truncated) this.#count.textContent += ` (first ${listed.keys.length} shown)`;
    await nextPaint();
    const painted = performance.now();
    this.lastRender = { keys: listed.keys.length, totalMs: painted - started, queryMs: queried - started, renderMs: painted - queried };
    this.#onStats(this.lastRender);
    if (!this.#value.editing) await this.#showValue(this.#list.selected);
  }

  #renderTabs(): void {
    const names = [...new Set([...this.#declared, ...this.#stores.map((s) => s.name)])];
    if (!names.includes(this.#store)) names.unshift(this.#store);
    const tabs = names.map((name) => {
      const count = this.#stores.find((s) => s.name === name)?.keys ?? 0;
      const selected = name === this.#store;
      return h(
        'button',
        {
          type: 'button',
          role: 'tab',
          className: 'tab',
          'aria-selected': String(selected),
          tabindex: selected ? 0 : -1,
          onclick: () => {
            this.#store = name;
            this.#list.select(null, false);
            this.#value.empty('Select a key to see its value.');
            void this.refresh();
          },
        },
        name,
        h('span', { className: 'tab-count', 'aria-label': `${count} keys` }, String(count)),
      );
    });
    const hadFocus = this.#tabs.contains(document.activeElement);
    this.#tabs.replaceChildren(...tabs);
    if (hadFocus) tabs[names.indexOf(this.#store)]?.focus();
  }

  async #showValue(key: string | null): Promise<void> {
    if (this.#value.editing) return;
    if (key === null)
      return this.#value.empty(
        this.#list.items.length ? 'Select a key to see its value.' : 'This store is empty. Add a key, import JSON, or let the app write one.',
      );
    const got = await this.#kv({ op: 'get', store: this.#store, key });
    if (got.op === 'get' && this.#list.selected === key) this.#value.show(key, got.value ? new Uint8Array(got.value) : null);
  }

  async #save(key: string, value: Uint8Array, renamedFrom?: string): Promise<void> {
    const result = await this.#kv({ op: 'set', store: this.#store, key, value: value.slice().buffer as ArrayBuffer });
    if (result.op === 'error') return this.#failed(result);
    if (renamedFrom !== undefined) await this.#kv({ op: 'delete', store: this.#store, keys: [renamedFrom] });
    await this.refresh();
    this.#list.select(key);
  }

  async #remove(key: string): Promise<void> {
    const result = await this.#kv({ op: 'delete', store: this.#store, keys: [key] });
    if (result.op === 'error') return this.#failed(result);
    this.#list.select(null, false);
    await this.refresh();
  }

  async #clear(store: string | null): Promise<void> {
    const result = await this.#kv({ op: 'clear', store });
    if (result.op === 'error') return this.#failed(result);
    await this.refresh();
  }

  async #export(): Promise<void> {
    const result = await this.#kv({ op: 'export', store: this.#store });
    if (result.op !== 'export') return this.#failed(result);
    download(`${this.#store}.kv.json`, exportJson(result.entries), 'application/json');
  }

  async #import(input: HTMLInputElement): Promise<void> {
    const file = input.files?.[0];
    input.value = '';
    if (!file) return;
    let entries: Array<[string, ArrayBuffer]>;
    try {
      entries = importJson(await file.text());
    } catch (error) {
      this.#count.textContent = `Import failed: ${error instanceof Error ? error.message : String(error)}`;
      return;
    }
    const result = await this.#kv({ op: 'import', store: this.#store, entries });
    if (result.op === 'error') return this.#failed(result);
    await this.refresh();
    this.#count.textContent += ` · imported ${entries.length}`;
  }

  #failed(result: KvAdminResult): void {
    this.#count.textContent = result.op === 'error' ? `Error: ${result.message}` : 'Unexpected reply from the engine';
  }
}

/** Resolves after the browser has painted the current DOM. */
function nextPaint(): Promise<void> {
  return new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0)));
}
