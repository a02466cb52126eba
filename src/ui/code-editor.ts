/**
 * What the Manifest and Source editors share: a plain textarea until Monaco is loaded (so the
 * app answers before the editor is ready), the hand-over that keeps whatever was typed meanwhile,
 * Ctrl/Cmd+Enter to run, a debounced change callback, error markers at 1-based positions, and a
 * theme that follows the system's. Each editor loads its own Monaco features and language.
 */
import type * as Monaco from 'monaco-editor/editor/editor.api';

export interface EditorError {
  line: number;
  column: number;
  message: string;
}

const CHANGE_DEBOUNCE_MS = 300;

export abstract class CodeEditor<E extends EditorError> {
  protected readonly host: HTMLElement;
  protected editor: Monaco.editor.IStandaloneCodeEditor | null = null;
  protected monaco: typeof Monaco | null = null;
  readonly #fallback: HTMLTextAreaElement;
  #errors: E[] = [];
  #onRun: () => void = () => {};
  #onChange: (text: string) => void = () => {};
  #timer = 0;

  /** `label`: the accessible name (the source editor also names its model after it); `markerOwner`: Monaco's marker owner. */
  constructor(
    host: HTMLElement,
    protected readonly label: string,
    protected readonly markerOwner: string,
  ) {
    this.host = host;
    this.#fallback = document.createElement('textarea');
    this.#fallback.className = 'fallback';
    this.#fallback.spellcheck = false;
    this.#fallback.wrap = 'off'; // as Monaco shows it, so the text does not reflow when Monaco takes over
    this.#fallback.setAttribute('aria-label', label);
    this.#fallback.addEventListener('keydown', (event) => {
      if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) {
        event.preventDefault();
        this.#onRun();
      }
    });
    this.#fallback.addEventListener('input', () => this.#changed());
    host.append(this.#fallback);
  }

  get value(): string {
    return this.editor ? this.editor.getValue() : this.#fallback.value;
  }

  set value(text: string) {
    if (this.editor) this.editor.setValue(text);
    else this.#fallback.value = text;
  }

  onRun(run: () => void): void {
    this.#onRun = run;
  }

  /** Called (debounced) with the text after each edit. */
  onChange(listener: (text: string) => void): void {
    this.#onChange = listener;
  }

  focus(): void {
    (this.editor ?? this.#fallback).focus();
  }

  /** Markers for errors (1-based line and column); [] clears them. */
  showErrors(errors: E[]): void {
    this.#errors = errors;
    const monaco = this.monaco;
    const model = this.editor?.getModel();
    if (!monaco || !model) return;
    monaco.editor.setModelMarkers(
      model,
      this.markerOwner,
      errors.map((e) => ({
        severity: monaco.MarkerSeverity.Error,
        message: e.message,
        startLineNumber: e.line,
        startColumn: e.column,
        endLineNumber: e.line,
        endColumn: this.markerEnd(e, model),
      })),
    );
  }

  /** Where a marker ends on its line. */
  protected abstract markerEnd(error: E, model: Monaco.editor.ITextModel): number;

  /** Before the debounced change callback: the manifest validates here. */
  protected beforeChange(_text: string): void {}

  /**
   * Replace the textarea with Monaco. `model` makes the editor's model from the text typed so
   * far (the textarea's, or the last value set).
   */
  protected mount(monaco: typeof Monaco, model: (text: string) => Monaco.editor.ITextModel): void {
    // Whoever was typing in the textarea keeps typing where they were.
    const typing = document.activeElement === this.#fallback;
    const caret = this.#fallback.selectionStart;
    const text = this.#fallback.value;
    this.#fallback.remove();
    const scheme = matchMedia('(prefers-color-scheme: dark)');
    scheme.addEventListener('change', () => monaco.editor.setTheme(scheme.matches ? 'vs-dark' : 'vs'));
    this.monaco = monaco;
    this.editor = monaco.editor.create(this.host, {
      model: model(text),
      theme: scheme.matches ? 'vs-dark' : 'vs',
      automaticLayout: true,
      minimap: { enabled: false },
      fontSize: 13,
      scrollBeyondLastLine: false,
      ariaLabel: this.label,
    });
    this.editor.addCommand(monaco.KeyMod.CtrlCmd | monaco.KeyCode.Enter, () => this.#onRun());
    this.editor.onDidChangeModelContent(() => this.#changed());
    this.showErrors(this.#errors);
    if (typing) {
      const position = this.editor.getModel()?.getPositionAt(caret);
      if (position) this.editor.setPosition(position);
      this.editor.focus();
    }
    // For anyone who waits for the full editor (tests, embedding pages): it is there now.
    this.host.dataset.editor = 'monaco';
  }

  #changed(): void {
    clearTimeout(this.#timer);
    this.#timer = window.setTimeout(() => {
      const text = this.value;
      this.beforeChange(text);
      this.#onChange(text);
    }, CHANGE_DEBOUNCE_MS);
  }
}
