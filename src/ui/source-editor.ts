/**
 * The "Source" editor of an authored JS app (issue 7): Monaco with JavaScript or TypeScript and
 * the declarations of the host modules (`fermyon:spin/key-value@2.0.0`, …, HOST_TYPES), so
 * completion and hover know `Store.open`. Like the manifest editor it starts as a textarea and
 * upgrades to Monaco without losing what was typed. Build errors become markers at their line
 * and column (owner `spin-build`).
 */
import type * as Monaco from 'monaco-editor/editor/editor.api';

export interface SourceError {
  line: number;
  column: number;
  message: string;
}

export class SourceEditor {
  readonly #host: HTMLElement;
  readonly #language: 'javascript' | 'typescript';
  readonly #hostTypes: string;
  #text = '';
  #fallback: HTMLTextAreaElement;
  #editor: Monaco.editor.IStandaloneCodeEditor | null = null;
  #monaco: typeof Monaco | null = null;
  #errors: SourceError[] = [];
  #onRun: () => void = () => {};
  #onChange: (text: string) => void = () => {};
  #timer = 0;

  constructor(host: HTMLElement, language: 'javascript' | 'typescript', hostTypes: string) {
    this.#host = host;
    this.#language = language;
    this.#hostTypes = hostTypes;
    this.#fallback = document.createElement('textarea');
    this.#fallback.className = 'fallback';
    this.#fallback.spellcheck = false;
    this.#fallback.setAttribute('aria-label', language === 'typescript' ? 'src/index.ts' : 'src/index.js');
    this.#fallback.addEventListener('keydown', (event) => {
      if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) {
        event.preventDefault();
        this.#onRun();
      }
    });
    this.#fallback.addEventListener('input', () => this.#changed());
    host.append(this.#fallback);
  }

  get language(): 'javascript' | 'typescript' {
    return this.#language;
  }

  get value(): string {
    return this.#editor ? this.#editor.getValue() : this.#fallback.value;
  }

  set value(text: string) {
    this.#text = text;
    if (this.#editor) this.#editor.setValue(text);
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
    (this.#editor ?? this.#fallback).focus();
  }

  #changed(): void {
    clearTimeout(this.#timer);
    this.#timer = window.setTimeout(() => this.#onChange(this.value), 300);
  }

  /** Markers for build errors (1-based line and column, in the source as written); [] clears them. */
  showErrors(errors: SourceError[]): void {
    this.#errors = errors;
    if (!this.#editor || !this.#monaco) return;
    const model = this.#editor.getModel();
    if (!model) return;
    this.#monaco.editor.setModelMarkers(
      model,
      'spin-build',
      errors.map((e) => ({
        severity: this.#monaco!.MarkerSeverity.Error,
        message: e.message,
        startLineNumber: e.line,
        startColumn: e.column,
        endLineNumber: e.line,
        endColumn: e.column + 1,
      })),
    );
  }

  async upgrade(): Promise<void> {
    const [monaco, { default: EditorWorker }, { default: TsWorker }, ts] = await Promise.all([
      import('monaco-editor/editor/editor.api'),
      import('monaco-editor/editor/editor.worker?worker'),
      import('monaco-editor/language/typescript/ts.worker?worker'),
      import('monaco-editor/languages/features/typescript/register'),
      import('monaco-editor/languages/definitions/javascript/register'),
      import('monaco-editor/languages/definitions/typescript/register'),
      import('monaco-editor/features/hover/register'),
      import('monaco-editor/features/suggest/register'),
      import('monaco-editor/editor/contrib/suggest/browser/suggestController'),
      import('monaco-editor/features/find/register'),
      import('monaco-editor/features/comment/register'),
      import('monaco-editor/features/bracketMatching/register'),
      import('monaco-editor/features/gotoError/register'),
      import('monaco-editor/features/clipboard/register'),
    ]);
    // One environment for both editors: the TypeScript worker for JS/TS models, the plain one otherwise.
    (self as unknown as { MonacoEnvironment: unknown }).MonacoEnvironment = {
      getWorker: (_id: string, label: string) => (label === 'typescript' || label === 'javascript' ? new TsWorker() : new EditorWorker()),
    };
    const options = { target: ts.ScriptTarget.ES2020, module: ts.ModuleKind.ESNext, moduleResolution: ts.ModuleResolutionKind.NodeJs, allowJs: true, checkJs: false, allowNonTsExtensions: true, lib: ['es2020', 'dom'] };
    for (const defaults of [ts.typescriptDefaults, ts.javascriptDefaults]) {
      defaults.setCompilerOptions(options);
      defaults.addExtraLib(this.#hostTypes, 'file:///spin-host.d.ts');
    }
    const text = this.#fallback.value || this.#text;
    this.#fallback.remove();
    const scheme = matchMedia('(prefers-color-scheme: dark)');
    this.#monaco = monaco;
    const uri = monaco.Uri.parse(this.#language === 'typescript' ? 'file:///src/index.ts' : 'file:///src/index.js');
    const model = monaco.editor.getModel(uri) ?? monaco.editor.createModel(text, this.#language, uri);
    model.setValue(text);
    this.#editor = monaco.editor.create(this.#host, {
      model,
      theme: scheme.matches ? 'vs-dark' : 'vs',
      automaticLayout: true,
      minimap: { enabled: false },
      fontSize: 13,
      scrollBeyondLastLine: false,
      ariaLabel: this.#language === 'typescript' ? 'src/index.ts' : 'src/index.js',
    });
    this.#editor.addCommand(monaco.KeyMod.CtrlCmd | monaco.KeyCode.Enter, () => this.#onRun());
    this.#editor.onDidChangeModelContent(() => this.#changed());
    this.showErrors(this.#errors);
  }
}
