/**
 * The "Manifest" editor. Monaco loads lazily, so the app answers in the preview before the
 * editor is ready; until then a plain textarea holds the text, and nothing typed is lost when
 * Monaco takes over.
 */
import type * as Monaco from 'monaco-editor/editor/editor.api';
import type { ManifestError } from '../manifest/types';

export class ManifestEditor {
  readonly #host: HTMLElement;
  #text = '';
  #fallback: HTMLTextAreaElement;
  #editor: Monaco.editor.IStandaloneCodeEditor | null = null;
  #monaco: typeof Monaco | null = null;
  #errors: ManifestError[] = [];
  #onRun: () => void = () => {};

  constructor(host: HTMLElement) {
    this.#host = host;
    this.#fallback = document.createElement('textarea');
    this.#fallback.className = 'fallback';
    this.#fallback.spellcheck = false;
    this.#fallback.setAttribute('aria-label', 'spin.toml');
    this.#fallback.addEventListener('keydown', (event) => {
      if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) {
        event.preventDefault();
        this.#onRun();
      }
    });
    host.append(this.#fallback);
  }

  onRun(run: () => void): void {
    this.#onRun = run;
  }

  get value(): string {
    return this.#editor ? this.#editor.getValue() : this.#fallback.value;
  }

  set value(text: string) {
    this.#text = text;
    if (this.#editor) this.#editor.setValue(text);
    else this.#fallback.value = text;
  }

  /** Squiggles for manifest errors (1-based lines and columns). */
  showErrors(errors: ManifestError[]): void {
    this.#errors = errors;
    if (!this.#editor || !this.#monaco) return;
    const model = this.#editor.getModel();
    if (!model) return;
    this.#monaco.editor.setModelMarkers(
      model,
      'spin',
      errors.map((e) => ({
        severity: this.#monaco!.MarkerSeverity.Error,
        message: e.message,
        startLineNumber: e.line,
        startColumn: e.column,
        endLineNumber: e.line,
        endColumn: model.getLineMaxColumn(Math.min(Math.max(e.line, 1), model.getLineCount())),
      })),
    );
  }

  /** Replace the textarea with Monaco, keeping whatever was typed meanwhile. */
  async upgrade(): Promise<void> {
    const [monaco, { default: EditorWorker }] = await Promise.all([
      import('monaco-editor/editor/editor.api'),
      import('monaco-editor/editor/editor.worker?worker'),
    ]);
    (self as unknown as { MonacoEnvironment: unknown }).MonacoEnvironment = { getWorker: () => new EditorWorker() };
    const { registerToml } = await import('./toml-language');
    registerToml(monaco);
    const text = this.#fallback.value || this.#text;
    this.#fallback.remove();
    const dark = matchMedia('(prefers-color-scheme: dark)').matches;
    this.#monaco = monaco;
    this.#editor = monaco.editor.create(this.#host, {
      value: text,
      language: 'toml',
      theme: dark ? 'vs-dark' : 'vs',
      automaticLayout: true,
      minimap: { enabled: false },
      fontSize: 13,
      scrollBeyondLastLine: false,
      ariaLabel: 'spin.toml',
    });
    this.#editor.addCommand(monaco.KeyMod.CtrlCmd | monaco.KeyCode.Enter, () => this.#onRun());
    this.showErrors(this.#errors);
  }
}
