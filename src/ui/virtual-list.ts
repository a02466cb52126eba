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
  #frame = 0;

  constructor(options: { label: string; rowHeight: number; onSelect(item: string | null): void }) {
    this.#rowHeight = options.rowHeight;
    this.#onSelect = options.onSelect;
    this.#spacer = h('div', { className: 'vl-spacer' });
    this.element = h('div', { className: 'vl', role: 'listbox', tabindex: 0, 'aria-label': options.label }, this.#spacer);
    this.element.addEventListener('scroll', () => this.#schedule());
    this.element.addEventListener('keydown', (event) => this.#onKey(event));
    new ResizeObserver(() => this.#schedule()).observe(this.element);
  }

  get items(): readonly string[] {
    return this.#items;
  }

  get selected(): string | null {
    return this.#items[this.#selected] ?? null;
  }

  /** Replace the items, keeping the selection if the selected item is still there. Renders now. */
  setItems(items: string[]): void {
    const keep = this.selected;
    this.#items = items;
    this.#selected = keep === null ? -1 : items.indexOf(keep);
    this.#spacer.style.height = `${items.length * this.#rowHeight}px`;
    for (const row of this.#rows.values()) row.remove();
    this.#rows.clear();
    this.#render();
    if (keep !== null && this.#selected === -1) this.#onSelect(null);
  }

  select(item: string | null, scroll = true): void {
    this.#setSelected(item === null ? -1 : this.#items.indexOf(item), scroll);
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
      if (top < this.element.scrollTop) this.element.scrollTop = top;
      else if (top + this.#rowHeight > this.element.scrollTop + this.element.clientHeight) this.element.scrollTop = top + this.#rowHeight - this.element.clientHeight;
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

  #render(): void {
    const height = this.element.clientHeight || 400;
    const first = Math.max(0, Math.floor(this.element.scrollTop / this.#rowHeight) - OVERSCAN);
    const last = Math.min(this.#items.length, Math.ceil((this.element.scrollTop + height) / this.#rowHeight) + OVERSCAN);
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
    const page = Math.max(1, Math.floor(this.element.clientHeight / this.#rowHeight) - 1);
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
