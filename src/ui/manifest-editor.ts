/**
 * The "Manifest" editor. Monaco loads lazily, so the app answers in the preview before the
 * editor is ready; until then a plain textarea holds the text, and nothing typed is lost when
 * Monaco takes over. As you type, the text is validated (squiggles with Spin's messages); hover
 * and completion come from manifest-language.ts. The shared part is code-editor.ts.
 */
import type * as Monaco from 'monaco-editor/editor/editor.api';
import type { ManifestError } from '../manifest/types';
import { CodeEditor } from './code-editor';

export class ManifestEditor extends CodeEditor<ManifestError> {
  #validate: ((text: string) => ManifestError[]) | null = null;

  constructor(host: HTMLElement) {
    super(host, 'spin.toml', 'spin');
  }

  /** Validate as you type: `validate` returns the errors to squiggle (1-based positions). */
  validateWith(validate: (text: string) => ManifestError[]): void {
    this.#validate = validate;
  }

  protected override beforeChange(text: string): void {
    if (this.#validate) this.showErrors(this.#validate(text));
  }

  /** A manifest error squiggles the rest of its line. */
  protected markerEnd(error: ManifestError, model: Monaco.editor.ITextModel): number {
    return model.getLineMaxColumn(Math.min(Math.max(error.line, 1), model.getLineCount()));
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
    this.mount(monaco, (text) => monaco.editor.createModel(text, 'toml'));
  }
}
