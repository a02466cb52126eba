/**
 * "Variables": values for the app's `[variables]`, as `spin up --variable name=value` sets them.
 * They are kept per project in the UI origin's storage (never on a preview origin, where the app
 * could read them) and sent with the app when it runs. Secret variables use a password field.
 */
import type { AppVariable } from '../manifest/types';

export class VariablesForm {
  readonly #root: HTMLDetailsElement;
  readonly #storageKey: string;
  #values: Record<string, string>;

  constructor(root: HTMLDetailsElement, projectId: string) {
    this.#root = root;
    this.#storageKey = `spin-playground:variables:${projectId}`;
    this.#values = this.#load();
  }

  /** Replace the values (a share link or an imported app's `.env`). */
  set(values: Record<string, string>): void {
    this.#values = { ...values };
    this.#save();
  }

  /** Values the user set (empty fields are left to the manifest's defaults). */
  get values(): Record<string, string> {
    return Object.fromEntries(Object.entries(this.#values).filter(([, v]) => v !== ''));
  }

  show(variables: Record<string, AppVariable>): void {
    const names = Object.keys(variables);
    this.#root.hidden = names.length === 0;
    const rows = names.map((name) => {
      const variable = variables[name]!;
      const label = document.createElement('label');
      label.className = 'variable';
      const caption = document.createElement('span');
      caption.textContent = name;
      const input = document.createElement('input');
      input.type = variable.secret ? 'password' : 'text';
      input.name = name;
      input.value = this.#values[name] ?? '';
      input.placeholder = variable.required ? 'required' : `default: ${variable.default ?? ''}`;
      input.setAttribute('aria-label', `Variable ${name}`);
      if (variable.description) input.title = variable.description;
      input.addEventListener('input', () => {
        this.#values[name] = input.value;
        this.#save();
      });
      label.append(caption, input);
      return label;
    });
    const summary = document.createElement('summary');
    summary.textContent = `Variables (${names.length})`;
    const note = document.createElement('p');
    note.className = 'hint';
    note.textContent = 'As spin up --variable name=value. Press Run to apply.';
    this.#root.replaceChildren(summary, note, ...rows);
  }

  #load(): Record<string, string> {
    try {
      return JSON.parse(localStorage.getItem(this.#storageKey) ?? '{}') as Record<string, string>;
    } catch {
      return {};
    }
  }

  #save(): void {
    try {
      localStorage.setItem(this.#storageKey, JSON.stringify(this.#values));
    } catch {
      // Storage full or blocked: the values still apply for this page.
    }
  }
}
