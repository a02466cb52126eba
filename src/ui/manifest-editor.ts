/**
 * The "Manifest" editor. Monaco loads lazily, so the app answers in the preview before the
 * editor is ready; until then a plain textarea holds the text, and nothing typed is lost when
 * Monaco takes over. As you type, the text is validated (squiggles with Spin's messages); hover
 * and completion come from manifest-language.ts. The theme follows the system's.
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
  #onChange: (text: string) => void = () => {};
  #validate: ((text: string) => ManifestError[]) | null = null;
  #validateTimer = 0;

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
    this.#fallback.addEventListener('input', () => this.#changed());
    host.append(this.#fallback);
  }

  /** Called (debounced) with the text after each edit. */
  onChange(listener: (text: string) => void): void {
    this.#onChange = listener;
  }

  /** Validate as you type: `validate` returns the errors to squiggle (1-based positions). */
  validateWith(validate: (text: string) => ManifestError[]): void {
    this.#validate = validate;
  }

  focus(): void {
    (this.#editor ?? this.#fallback).focus();
  }

  #changed(): void {
    clearTimeout(this.#validateTimer);
    this.#validateTimer = window.setTimeout(() => {
      const text = this.value;
      if (this.#validate) this.showErrors(this.#validate(text));
      this.#onChange(text);
    }, 300);
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
      // The minimal API has no editor features; these are the ones the manifest editor uses.
      import('monaco-editor/features/hover/register'),
      import('monaco-editor/features/suggest/register'),
      // The completion widget itself: features/suggest only brings inline completions.
      import('monaco-editor/editor/contrib/suggest/browser/suggestController'),
      import('monaco-editor/features/snippet/register'),
      import('monaco-editor/features/find/register'),
      import('monaco-editor/features/comment/register'),
      import('monaco-editor/features/bracketMatching/register'),
      import('monaco-editor/features/gotoError/register'),
      import('monaco-editor/features/contextmenu/register'),
      import('monaco-editor/features/clipboard/register'),
      import('monaco-editor/features/linesOperations/register'),
      import('monaco-editor/features/wordOperations/register'),
      import('monaco-editor/features/multicursor/register'),
    ]);
    // The Source editor (authored apps) installs an environment that also serves the TypeScript worker; keep it.
    const env = self as unknown as { MonacoEnvironment?: unknown };
    env.MonacoEnvironment ??= { getWorker: () => new EditorWorker() };
    const [{ registerToml }, { registerSpinManifestHelp }] = await Promise.all([import('./toml-language'), import('./manifest-language')]);
    if (!monaco.languages.getLanguages().some((l) => l.id === 'toml')) {
      registerToml(monaco);
      registerSpinManifestHelp(monaco);
    }
    const text = this.#fallback.value || this.#text;
    this.#fallback.remove();
    const scheme = matchMedia('(prefers-color-scheme: dark)');
    const dark = scheme.matches;
    scheme.addEventListener('change', () => monaco.editor.setTheme(scheme.matches ? 'vs-dark' : 'vs'));
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
    this.#editor.onDidChangeModelContent(() => this.#changed());
    this.showErrors(this.#errors);
  }
}
