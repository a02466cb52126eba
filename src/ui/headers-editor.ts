/** The request console's headers: one row per header (name, value, remove), plus "Add header". */
import { h } from './dom';

export class HeadersEditor {
  readonly #rows: HTMLElement;
  readonly #summary: HTMLElement;

  constructor(root: HTMLDetailsElement) {
    this.#summary = h('summary', {}, 'Headers (0)');
    this.#rows = h('div', { className: 'header-rows' });
    root.replaceChildren(this.#summary, this.#rows, h('button', { type: 'button', className: 'quiet', onclick: () => this.add('', '', true) }, 'Add header'));
  }

  /** Non-empty headers in order. */
  get value(): Array<[string, string]> {
    return [...this.#rows.children].flatMap((row) => {
      const [name, value] = row.querySelectorAll('input');
      const n = name!.value.trim();
      return n ? [[n, value!.value] as [string, string]] : [];
    });
  }

  set value(headers: Array<[string, string]>) {
    this.#rows.replaceChildren();
    for (const [name, value] of headers) this.add(name, value, false);
    this.#count();
  }

  add(name: string, value: string, focus: boolean): void {
    const nameInput = h('input', { 'aria-label': 'Header name', value: name, placeholder: 'name', spellcheck: 'false', oninput: () => this.#count() });
    const valueInput = h('input', { 'aria-label': 'Header value', value, placeholder: 'value', spellcheck: 'false' });
    const row = h(
      'div',
      { className: 'header-row' },
      nameInput,
      valueInput,
      h(
        'button',
        { type: 'button', className: 'quiet icon', 'aria-label': 'Remove header', title: 'Remove header', onclick: () => (row.remove(), this.#count()) },
        '×',
      ),
    );
    this.#rows.append(row);
    this.#count();
    if (focus) nameInput.focus();
  }

  #count(): void {
    this.#summary.textContent = `Headers (${this.value.length})`;
  }
}
