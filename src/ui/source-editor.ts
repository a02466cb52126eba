/**
 * The "Source" editor of an app written in the page ("New JS app", docs/authoring.md): Monaco with JavaScript or TypeScript and
 * the declarations of the host modules (`fermyon:spin/key-value@2.0.0`, …, HOST_TYPES), so
 * completion and hover know `Store.open`. Like the manifest editor it starts as a textarea and
 * upgrades to Monaco without losing what was typed (code-editor.ts). Build errors become markers
 * at their line and column (owner `spin-build`).
 */
import { CodeEditor, type EditorError } from './code-editor';

export type SourceError = EditorError;

export class SourceEditor extends CodeEditor<SourceError> {
  readonly #language: 'javascript' | 'typescript';
  readonly #hostTypes: string;

  constructor(host: HTMLElement, language: 'javascript' | 'typescript', hostTypes: string) {
    super(host, language === 'typescript' ? 'src/index.ts' : 'src/index.js', 'spin-build');
    this.#language = language;
    this.#hostTypes = hostTypes;
  }

  get language(): 'javascript' | 'typescript' {
    return this.#language;
  }

  /** A build error marks one character. */
  protected markerEnd(error: SourceError): number {
    return error.column + 1;
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
    const options = {
      target: ts.ScriptTarget.ES2020,
      module: ts.ModuleKind.ESNext,
      moduleResolution: ts.ModuleResolutionKind.NodeJs,
      allowJs: true,
      checkJs: false,
      allowNonTsExtensions: true,
      lib: ['es2020', 'dom'],
    };
    for (const defaults of [ts.typescriptDefaults, ts.javascriptDefaults]) {
      defaults.setCompilerOptions(options);
      defaults.addExtraLib(this.#hostTypes, 'file:///spin-host.d.ts');
    }
    this.mount(monaco, (text) => {
      const uri = monaco.Uri.parse(`file:///${this.label}`);
      const model = monaco.editor.getModel(uri) ?? monaco.editor.createModel(text, this.#language, uri);
      model.setValue(text);
      return model;
    });
  }
}
