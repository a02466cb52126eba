/**
 * "Key-value seed": pairs written to the `default` store at every Run, before the app serves, as
 * `spin up --key-value key=value` writes them at every start (docs/spin-behaviour.md §11). One pair
 * per line, split at the first `=`. A bad line stops the Run with Spin's own message, as
 * `spin up` refuses to start.
 *
 * The pairs are kept per project in the UI origin's storage. A link can set them too:
 * `?key-value=greeting=hello&key-value=n=1` (repeatable, like the flag); those wait until the
 * person applies them (link-seed-prompt.ts), then apply to the page the link opened and are shown
 * here, and an edit in the form saves them for the project.
 */
import { keyValueSeedRows, parseKeyValueSeeds } from '../export/key-value-seeds';
import type { KvRow } from '../export/spin-state';
import { h } from './dom';

export type SeedResult = { ok: true; rows: KvRow[]; pairs: Array<[string, string]> } | { ok: false; error: string };

export class KvSeedForm {
  readonly #storageKey: string;
  readonly #text: HTMLTextAreaElement;
  readonly #summary: HTMLElement;

  readonly #root: HTMLDetailsElement;

  constructor(root: HTMLDetailsElement, projectId: string) {
    this.#root = root;
    this.#storageKey = `spin-playground:kv-seed:${projectId}`;
    const initial = this.#load();
    this.#summary = h('summary', {});
    this.#text = h('textarea', {
      rows: 3,
      spellcheck: 'false',
      'aria-label': 'Key-value seed',
      placeholder: 'greeting=hello\ncount=0',
    });
    this.#text.value = initial;
    this.#text.addEventListener('input', () => {
      this.#save();
      this.#label();
    });
    root.replaceChildren(
      this.#summary,
      h('p', { className: 'hint' }, 'As spin up --key-value key=value: one pair per line, written to the default store at every Run, before the app serves.'),
      this.#text,
    );
    this.#label();
  }

  /** A link's pairs, once the person applied them: they replace the form's for this page (not saved). */
  useLinkPairs(lines: readonly string[]): void {
    this.#text.value = lines.join('\n');
    this.#root.open = true;
    this.#label();
  }

  /** The pairs as rows for the `default` store, or Spin's message for the first bad line. */
  read(): SeedResult {
    const parsed = parseKeyValueSeeds(this.#lines());
    if (!parsed.ok) return { ok: false, error: `Key-value seed line ${parsed.line}: ${parsed.error}` };
    return { ok: true, rows: keyValueSeedRows(parsed.pairs), pairs: parsed.pairs };
  }

  #lines(): string[] {
    return this.#text.value.split(/\r?\n/);
  }

  #label(): void {
    const count = this.#lines().filter((line) => line.trim() !== '').length;
    this.#summary.textContent = `Key-value seed (${count})`;
  }

  #load(): string {
    try {
      return localStorage.getItem(this.#storageKey) ?? '';
    } catch {
      return '';
    }
  }

  #save(): void {
    try {
      localStorage.setItem(this.#storageKey, this.#text.value);
    } catch {
      // Storage full or blocked: the pairs still apply for this page.
    }
  }
}
