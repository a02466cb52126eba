/**
 * A virtualized single-select listbox: only the rows in view (plus a margin) exist in the DOM,
 * so a store with 10,000 keys renders as fast as one with 20. Rows have a fixed height. Keyboard:
 * arrows, Page Up/Down, Home/End; the active row is announced with `aria-activedescendant`.
 */
import { h } from './dom';

const OVERSCAN = 8;
let nextListId = 1;

export class VirtualList {
  readonly element: HTMLElement;
  readonly #spacer: HTMLElement;
  readonly #rowHeight: number;
  readonly #onSelect: (item: string | null) => void;
  readonly #idPrefix = `vl${nextListId++}-`;
  #items: string[] = [];
  #selected = -1;
  #rows = new Map<number, HTMLElement>();
  /** Item → index, built when first asked for after the items change. */
  #index: Map<string, number> | null = null;
  #frame = 0;
  // The viewport, as the last scroll event and resize told it: rendering never reads layout, so
  // updating the items right after a DOM write does not force the browser to lay out first.
  #scrollTop = 0;
  #height = 0;

  constructor(options: { label: string; rowHeight: number; onSelect(item: string | null): void }) {
    this.#rowHeight = options.rowHeight;
    this.#onSelect = options.onSelect;
    this.#spacer = h('div', { className: 'vl-spacer' });
    this.element = h('div', { className: 'vl', role: 'listbox', tabindex: 0, 'aria-label': options.label }, this.#spacer);
    this.element.addEventListener('scroll', () => {
      this.#scrollTop = this.element.scrollTop;
      this.#schedule();
    });
    this.element.addEventListener('keydown', (event) => this.#onKey(event));
    new ResizeObserver(([entry]) => {
      this.#height = entry!.contentRect.height;
      this.#schedule();
    }).observe(this.element);
  }

  get items(): readonly string[] {
    return this.#items;
  }

  get selected(): string | null {
    return this.#items[this.#selected] ?? null;
  }

  /** Where `item` is in the list, or -1. */
  indexOf(item: string): number {
    this.#index ??= new Map(this.#items.map((it, i) => [it, i]));
    return this.#index.get(item) ?? -1;
  }

  /**
   * Replace the items, keeping the selection if the selected item is still there. Renders now,
   * touching only the rows whose item changed: the same keys read again cost no DOM work.
   */
  setItems(items: string[]): void {
    const keep = this.selected;
    const before = this.#items;
    this.#items = items;
    this.#index = null;
    this.#selected = keep === null ? -1 : this.indexOf(keep);
    if (items.length !== before.length) this.#spacer.style.height = `${items.length * this.#rowHeight}px`;
    for (const [index, row] of this.#rows) {
      if (items[index] !== before[index]) {
        row.remove();
        this.#rows.delete(index);
        continue;
      }
      if (items.length !== before.length) row.setAttribute('aria-setsize', String(items.length));
      row.setAttribute('aria-selected', index === this.#selected ? 'true' : 'false');
    }
    this.#render();
    if (keep !== null && this.#selected === -1) this.#onSelect(null);
  }

  select(item: string | null, scroll = true): void {
    this.#setSelected(item === null ? -1 : this.indexOf(item), scroll);
  }

  #setSelected(index: number, scroll: boolean): void {
    const previous = this.#selected;
    this.#selected = index;
    this.#rows.get(previous)?.setAttribute('aria-selected', 'false');
    const row = this.#rows.get(index);
    row?.setAttribute('aria-selected', 'true');
    if (index >= 0) this.element.setAttribute('aria-activedescendant', this.#idPrefix + index);
    else this.element.removeAttribute('aria-activedescendant');
    if (scroll && index >= 0) {
      const top = index * this.#rowHeight;
      if (top < this.#scrollTop) this.#scrollTo(top);
      else if (top + this.#rowHeight > this.#scrollTop + this.#height) this.#scrollTo(top + this.#rowHeight - this.#height);
    }
    this.#render();
    if (previous !== index) this.#onSelect(this.selected);
  }

  #schedule(): void {
    if (this.#frame) return;
    this.#frame = requestAnimationFrame(() => {
      this.#frame = 0;
      this.#render();
    });
  }

  #scrollTo(top: number): void {
    this.element.scrollTop = top;
    this.#scrollTop = Math.max(0, top);
  }

  #render(): void {
    // Before the first resize report the height is unknown: render a screenful.
    const height = this.#height || 400;
    const first = Math.max(0, Math.floor(this.#scrollTop / this.#rowHeight) - OVERSCAN);
    const last = Math.min(this.#items.length, Math.ceil((this.#scrollTop + height) / this.#rowHeight) + OVERSCAN);
    for (const [index, row] of this.#rows) {
      if (index < first || index >= last) {
        row.remove();
        this.#rows.delete(index);
      }
    }
    for (let index = first; index < last; index++) {
      if (this.#rows.has(index)) continue;
      const row = h(
        'div',
        {
          className: 'vl-row',
          role: 'option',
          id: this.#idPrefix + index,
          'aria-selected': index === this.#selected ? 'true' : 'false',
          'aria-setsize': this.#items.length,
          'aria-posinset': index + 1,
          style: `top:${index * this.#rowHeight}px;height:${this.#rowHeight}px`,
          title: this.#items[index]!,
        },
        this.#items[index]!,
      );
      row.addEventListener('click', () => this.#setSelected(index, false));
      this.#spacer.append(row);
      this.#rows.set(index, row);
    }
  }

  #onKey(event: KeyboardEvent): void {
    const page = Math.max(1, Math.floor(this.#height / this.#rowHeight) - 1);
    const moves: Record<string, number> = { ArrowDown: 1, ArrowUp: -1, PageDown: page, PageUp: -page };
    let index: number;
    if (event.key in moves) index = Math.max(0, this.#selected) + moves[event.key]! * (this.#selected < 0 ? 0 : 1);
    else if (event.key === 'Home') index = 0;
    else if (event.key === 'End') index = this.#items.length - 1;
    else return;
    event.preventDefault();
    if (this.#items.length > 0) this.#setSelected(Math.min(Math.max(index, 0), this.#items.length - 1), true);
  }
}
