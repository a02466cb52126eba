/**
 * The key-value explorer's right side: the selected key's value as text, JSON or hex, and the
 * form that adds or edits a key. Values are shown as text only.
 */
import { h } from './dom';
import { formatBytes } from '../bytes/size';
import { hexDump, prettyJson, utf8OrNull } from './format';
import { fromBase64, toBase64 } from '../bytes/base64';

type View = 'text' | 'json' | 'hex';

export interface ValueActions {
  /** Store `value` at `key`; `renamedFrom` is deleted afterwards when the key was renamed. */
  save(key: string, value: Uint8Array, renamedFrom?: string): Promise<void>;
  remove(key: string): Promise<void>;
}

export class KvValuePane {
  readonly element = h('div', { className: 'kv-value', role: 'group', 'aria-label': 'Value' });
  readonly #actions: ValueActions;
  #key: string | null = null;
  #bytes: Uint8Array | null = null;
  #view: View | null = null;
  #editing = false;

  constructor(actions: ValueActions) {
    this.#actions = actions;
    this.empty('Select a key to see its value.');
  }

  get editing(): boolean {
    return this.#editing;
  }

  get key(): string | null {
    return this.#key;
  }

  empty(message: string): void {
    this.#key = null;
    this.#bytes = null;
    this.#editing = false;
    this.element.replaceChildren(h('p', { className: 'hint' }, message));
  }

  show(key: string, bytes: Uint8Array | null): void {
    if (this.#editing) return;
    this.#key = key;
    this.#bytes = bytes;
    if (!bytes) {
      this.element.replaceChildren(h('div', { className: 'kv-key' }, key), h('p', { className: 'hint' }, 'This key no longer exists.'));
      return;
    }
    const text = utf8OrNull(bytes);
    const json = text === null ? null : prettyJson(text);
    const view: View = this.#view ?? (json !== null ? 'json' : text !== null ? 'text' : 'hex');
    const body =
      view === 'hex'
        ? hexDump(bytes)
        : view === 'json'
          ? (json ?? `(not valid JSON; showing text)\n${text ?? ''}`)
          : (text ?? '(binary: not UTF-8 text; see Hex)');
    const views = h('div', { className: 'segmented', role: 'group', 'aria-label': 'View as' });
    for (const [name, label] of [
      ['text', 'Text'],
      ['json', 'JSON'],
      ['hex', 'Hex'],
    ] as const) {
      views.append(
        h(
          'button',
          { type: 'button', className: 'seg', 'aria-pressed': String(view === name), onclick: () => ((this.#view = name), this.show(key, bytes)) },
          label,
        ),
      );
    }
    this.element.replaceChildren(
      h('div', { className: 'kv-key', title: key }, key),
      h(
        'div',
        { className: 'kv-meta' },
        h('span', { className: 'muted' }, formatBytes(bytes.byteLength)),
        views,
        h('button', { type: 'button', className: 'quiet', onclick: () => this.edit(key, bytes) }, 'Edit'),
        h('button', { type: 'button', className: 'quiet danger', onclick: () => void this.#actions.remove(key) }, 'Delete'),
      ),
      h('pre', { className: 'kv-value-text', 'aria-label': 'Value contents', tabindex: 0 }, body),
    );
  }

  /** The add/edit form; `key` undefined adds a new key. */
  edit(key?: string, bytes?: Uint8Array): void {
    this.#editing = true;
    const text = bytes ? utf8OrNull(bytes) : '';
    const keyInput = h('input', { 'aria-label': 'Key', value: key ?? '', required: true, spellcheck: 'false', placeholder: 'key' });
    const format = h(
      'select',
      { 'aria-label': 'Value format' },
      new Option('Text', 'text'),
      new Option('JSON', 'json'),
      new Option('Base64 (binary)', 'base64'),
    );
    const value = h('textarea', { 'aria-label': 'Value', rows: 6, spellcheck: 'false' });
    if (bytes && text === null) {
      format.value = 'base64';
      value.value = toBase64(bytes);
    } else {
      value.value = text ?? '';
      if (text && prettyJson(text) !== null) format.value = 'json';
    }
    const error = h('p', { className: 'error-text', role: 'alert' });
    const form = h(
      'form',
      { className: 'kv-edit', 'aria-label': key === undefined ? 'Add key' : `Edit ${key}` },
      keyInput,
      h('div', { className: 'row' }, format),
      value,
      error,
      h(
        'div',
        { className: 'row' },
        h('button', { type: 'submit' }, 'Save'),
        h('button', { type: 'button', className: 'quiet', onclick: () => this.#cancel() }, 'Cancel'),
      ),
    );
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      const newKey = keyInput.value;
      if (!newKey) return void (error.textContent = 'A key cannot be empty.');
      let encoded: Uint8Array;
      try {
        if (format.value === 'json') JSON.parse(value.value);
        encoded = format.value === 'base64' ? fromBase64(value.value) : new TextEncoder().encode(value.value);
      } catch (problem) {
        return void (error.textContent =
          `${format.value === 'json' ? 'Not valid JSON' : 'Not valid base64'}: ` + `${problem instanceof Error ? problem.message : String(problem)}`);
      }
      this.#editing = false;
      await this.#actions.save(newKey, encoded, key !== undefined && key !== newKey ? key : undefined);
    });
    this.element.replaceChildren(form);
    (key === undefined ? keyInput : value).focus();
  }

  #cancel(): void {
    this.#editing = false;
    if (this.#key !== null) this.show(this.#key, this.#bytes);
    else this.empty('Select a key to see its value.');
  }
}
