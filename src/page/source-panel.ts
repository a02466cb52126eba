/**
 * The Source panel of an app written in the page ("New JS app"): the handler in its editor, built
 * into a core module by Run and exported as the component `spin build` makes
 * (src/authoring/README.md, Wiring 5). A failed build shows markers and keeps the last good one.
 */
import { once } from './first-response';
import { authoringClient, BuildTimeoutError, buildJsComponent } from '../authoring/client';
import { AUTHORED_CORE, HOST_TYPES, authoredAppFiles } from '../authoring/template';
import type { AuthoredSource } from '../share/types';
import { downloadBytes } from '../ui/actions';
import { h } from '../ui/dom';
import { formatMs } from '../ui/format';
import type { LogLine } from '../ui/logs';
import type { ProjectSession } from '../ui/project-session';
import type { ProjectRecord } from '../ui/projects';
import { SourceEditor } from '../ui/source-editor';
import type { PageStatus } from './status';
import type { PlaygroundHook } from './test-hook';

type Log = (level: LogLine['level'], source: string, message: string, kind?: LogLine['kind']) => void;

export interface SourcePanelDeps {
  session: ProjectSession;
  status: PageStatus;
  log: Log;
  /** Receives each build's timings (`window.spinPlayground.authoring`). */
  hook: PlaygroundHook;
  /** `?buildTimeout=<ms>`, when set. */
  buildTimeoutMs: number | undefined;
  /** The new-tab preview: it serves the playground's last build and never rebuilds. */
  tabView: boolean;
}

/** Start the in-page builder's Worker early, so the first Run does not wait for it. */
export function warmBuilder(log: Log): void {
  void authoringClient()
    .warm()
    .catch((error: unknown) => log('warn', 'authoring', `the JS builder did not warm up: ${String(error)}`));
}

export class SourcePanel {
  readonly #editor: SourceEditor;
  readonly #record: ProjectRecord;
  readonly #deps: SourcePanelDeps;
  /** The core module of the last build that succeeded (or the saved one); what Run keeps serving. */
  #lastGoodCore: Uint8Array | null;
  /** Set while a Run waits for its first response (to log firstResponse_ms). */
  #firstResponse: (() => void) | null = null;

  /** The panel for an app written in the page, or null for any other project (whose page has no Source panel). */
  static mount(panel: () => HTMLElement, record: ProjectRecord, deps: SourcePanelDeps): SourcePanel | null {
    return record.authored ? new SourcePanel(panel(), record, deps) : null;
  }

  private constructor(panel: HTMLElement, record: ProjectRecord, deps: SourcePanelDeps) {
    this.#record = record;
    this.#deps = deps;
    this.#lastGoodCore = record.files[AUTHORED_CORE] ? new Uint8Array(record.files[AUTHORED_CORE]) : null;
    const authored = record.authored!;
    const fileName = authored.language === 'typescript' ? 'src/index.ts' : 'src/index.js';
    const exportButton = h('button', { type: 'button', className: 'quiet', title: 'The component Run built, as spin build makes it' }, 'Export .wasm');
    const host = h('div', { className: 'editor', id: 'source-editor' });
    panel.append(
      h(
        'div',
        { className: 'panel-head' },
        h('h2', {}, fileName),
        h(
          'span',
          { className: 'muted', title: 'Run (Ctrl/Cmd+Enter) builds the component in this page and loads it' },
          authored.language === 'typescript' ? 'TypeScript' : 'JavaScript',
        ),
        h('div', { className: 'tools' }, exportButton),
      ),
      host,
    );
    const source = new SourceEditor(host, authored.language, HOST_TYPES);
    this.#editor = source;
    source.value = authored.source;
    source.onChange((text) => void deps.session.setSource(text));
    // As for the manifest: Monaco after the first response (main.ts), or at once on focus.
    this.upgradeEditor = once(
      () =>
        void source
          .upgrade()
          .catch((error: unknown) => deps.log('warn', 'editor', `Monaco did not load for the source (${String(error)}); using a plain text area`)),
    );
    host.addEventListener('focusin', this.upgradeEditor, { once: true });
    exportButton.addEventListener('click', () => void this.#exportWasm(exportButton));
  }

  /** Replace the Source textarea with Monaco (once). */
  readonly upgradeEditor: () => void;

  onRun(listener: () => void): void {
    this.#editor.onRun(listener);
  }

  /** The source as the editor holds it, for a v2 share link. */
  shared(): AuthoredSource {
    return { language: this.#editor.language, source: this.#editor.value };
  }

  /** The source files and the exported component, for "Export app" and bundle files. */
  async appFiles(): Promise<Record<string, Uint8Array>> {
    const component = this.#lastGoodCore ? await authoringClient().exportComponent(this.#lastGoodCore) : undefined;
    return authoredAppFiles({ source: this.#editor.value, language: this.#editor.language, ...(component ? { component } : {}) });
  }

  /** A batch of traces arrived: the first after a build is its first response. */
  traced(): void {
    this.#firstResponse?.();
  }

  /** This Run will not answer (a new Run, or the load failed): log no first response for it. */
  forgetFirstResponse(): void {
    this.#firstResponse = null;
  }

  /**
   * Build the Source in the page and put the core into the bundle as `dist/app.wasm`. False when
   * the build failed (markers shown; the last good build keeps serving), unless nothing has loaded
   * yet and a saved build exists: then that one loads.
   */
  async build(runStarted: number, loadedOnce: boolean): Promise<boolean> {
    const { session, status, log, hook } = this.#deps;
    const source = this.#editor;
    // The new-tab preview serves the playground's last build; only the playground's Run rebuilds.
    if (this.#deps.tabView && this.#lastGoodCore) return true;
    const code = source.value;
    await session.setSource(code);
    status.set('Building the JS component…');
    const started = performance.now();
    let result;
    try {
      result = await buildJsComponent(code, { language: source.language, ...(this.#deps.buildTimeoutMs ? { timeoutMs: this.#deps.buildTimeoutMs } : {}) });
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      if (error instanceof BuildTimeoutError) {
        // Where the loop is cannot be known; the marker goes on the first line, where Run starts.
        const fileName = source.language === 'typescript' ? 'src/index.ts' : 'src/index.js';
        source.showErrors([{ line: 1, column: 1, message }]);
        status.problems([`${fileName}: ${message}`]);
        log('error', 'authoring', `${fileName}: ${message}; the last good build keeps serving`, 'load-error');
        status.set('The JS build was stopped (too long); the last good build keeps serving', true);
        return !loadedOnce && this.#lastGoodCore !== null;
      }
      status.problems([`build: ${message}`]);
      log('error', 'authoring', `the build failed: ${message}`, 'load-error');
      status.set('The JS build failed; the last good build keeps serving', true);
      return !loadedOnce && this.#lastGoodCore !== null;
    }
    const buildMs = Math.round(performance.now() - started);
    const fileName = source.language === 'typescript' ? 'src/index.ts' : 'src/index.js';
    if (!result.ok) {
      source.showErrors(result.errors);
      status.problems(result.errors.map((e) => `${fileName} line ${e.line}, column ${e.column}: ${e.message}`));
      const errors = `${result.errors.length} error${result.errors.length === 1 ? '' : 's'}`;
      log('error', 'authoring', `${fileName}: ${errors}; the last good build keeps serving`, 'load-error');
      status.set(`${fileName} has errors; the last good build keeps serving`, true);
      // A reopened project whose source no longer builds still serves its saved build.
      return !loadedOnce && this.#lastGoodCore !== null;
    }
    source.showErrors([]);
    this.#lastGoodCore = result.coreModule;
    await session.replaceFile(AUTHORED_CORE, result.coreModule);
    hook.authoring = { buildMs, firstResponseMs: null };
    log('info', 'authoring', `built in the page in ${buildMs} ms (build_ms=${buildMs}; core module ${result.coreModule.byteLength} bytes)`);
    this.#firstResponse = () => {
      this.#firstResponse = null;
      const ms = Math.round(performance.now() - runStarted);
      if (hook.authoring) hook.authoring.firstResponseMs = ms;
      log('info', 'authoring', `first response ${ms} ms after Run (firstResponse_ms=${ms})`);
    };
    return true;
  }

  /** "Export .wasm": the component Run built, as `spin build` makes it. */
  async #exportWasm(button: HTMLButtonElement): Promise<void> {
    const { log } = this.#deps;
    const core = this.#lastGoodCore;
    if (!core) {
      log('warn', 'authoring', 'nothing to export yet: Run builds the component first');
      return;
    }
    button.disabled = true;
    const started = performance.now();
    try {
      const component = await authoringClient().exportComponent(core);
      downloadBytes(`${this.#record.name.replace(/[^\w.-]+/g, '-') || 'app'}.wasm`, component, 'application/wasm');
      log('info', 'authoring', `exported the component (${component.byteLength} bytes) in ${formatMs(performance.now() - started)}`);
    } catch (error) {
      log('error', 'authoring', `export failed: ${error instanceof Error ? error.message : String(error)}`);
    } finally {
      button.disabled = false;
    }
  }
}
