/**
 * Run: build an app written in the page, check `spin.toml` and the key-value seed, fetch what the
 * manifest names, load the app into the engine, write pending data and seeds, then show the
 * preview. Runs go one at a time; a Run pressed meanwhile runs once more afterwards. A failed
 * step leaves the previous version serving.
 */
import { parseManifest } from '../manifest/parse';
import { fetchSources } from '../loader/fetch-app';
import type { ComponentInfo, LoadResult } from '../protocol/messages';
import { setOwn } from '../protocol/own-keys';
import { EngineCallError, type EngineClient } from '../ui/engine-client';
import type { KvExplorer } from '../ui/kv-explorer';
import type { KvSeedForm } from '../ui/kv-seed-form';
import type { LimitsPanel } from '../ui/limits-panel';
import type { LogLine } from '../ui/logs';
import type { ManifestEditor } from '../ui/manifest-editor';
import type { PreviewPanel } from '../ui/preview-panel';
import type { Progress } from '../ui/progress';
import type { ProjectSession } from '../ui/project-session';
import type { RequestConsoleHandle } from '../ui/request-console';
import type { VariablesForm } from '../ui/variables-form';
import { byId } from '../ui/dom';
import type { PendingSeeds } from './pending-seeds';
import type { SourcePanel } from './source-panel';
import type { PageStatus } from './status';

export interface RunDeps {
  editor: ManifestEditor;
  session: ProjectSession;
  /** An app written in the page: its Source panel, built before each load. */
  source: SourcePanel | null;
  seedForm: KvSeedForm;
  variablesForm: VariablesForm;
  limitsPanel: LimitsPanel;
  kvExplorer: KvExplorer;
  requestConsole: RequestConsoleHandle;
  preview: PreviewPanel;
  progress: Progress;
  status: PageStatus;
  seeds: PendingSeeds;
  engine(): Promise<EngineClient>;
  log(level: LogLine['level'], source: string, message: string, kind?: LogLine['kind']): void;
  previewOrigin: string;
  /** False with `?preview=off`: the preview makes no request until a route link is clicked. */
  previewEnabled: boolean;
  /** Embedded with show=response: the console's request is the only one (no hidden page load). */
  responseOnly: boolean;
  /** The project's draft changed. */
  showDraft(): void;
  /** A load answered: the Files panel shows its components' worlds. */
  showFiles(): void;
}

export class RunLoop {
  readonly #deps: RunDeps;
  #running: Promise<void> | null = null;
  #loadedOnce = false;
  #components: ComponentInfo[] = [];

  constructor(deps: RunDeps) {
    this.#deps = deps;
  }

  /** The components of the last load the engine answered (their worlds, for the Files panel). */
  get components(): ComponentInfo[] {
    return this.#components;
  }

  /** Runs one at a time; a Run pressed meanwhile runs once more afterwards. */
  async run(): Promise<void> {
    while (this.#running) await this.#running.catch(() => undefined);
    this.#running = this.#runOnce().finally(() => (this.#running = null));
    return this.#running;
  }

  async #runOnce(): Promise<void> {
    const { editor, session, source, seedForm, variablesForm, kvExplorer, progress, status, log, preview } = this.#deps;
    const runStarted = performance.now();
    source?.forgetFirstResponse();
    if (source && !(await source.build(runStarted, this.#loadedOnce))) return;
    const text = editor.value;
    const parsed = parseManifest(text);
    if (!parsed.ok) {
      editor.showErrors(parsed.errors);
      status.problems(parsed.errors.map((e) => `spin.toml line ${e.line}, column ${e.column}: ${e.message}`));
      status.set('spin.toml has errors; the previous version keeps serving', true);
      return;
    }
    editor.showErrors([]);
    const seed = seedForm.read();
    if (!seed.ok) {
      status.problems([seed.error]);
      status.set('The key-value seed has an error; the previous version keeps serving', true);
      return;
    }
    await session.setManifestText(text);
    this.#deps.showDraft();
    variablesForm.show(parsed.app.variables);
    kvExplorer.setDeclaredStores(Object.values(parsed.app.components).flatMap((c) => c.keyValueStores));
    status.set('Loading app…');
    let bundle = session.bundle(text);
    if (bundle.manifestUrl) {
      try {
        const fetched = await fetchSources(bundle, progress.countingFetch());
        for (const [path, bytes] of Object.entries(fetched.files)) if (!Object.hasOwn(session.record.files, path)) setOwn(session.original.files, path, bytes);
        bundle = fetched;
      } catch (error) {
        progress.done();
        const message = error instanceof Error ? error.message : String(error);
        status.problems([message]);
        log('error', 'loader', message, 'load-error');
        status.set('Could not fetch a component', true);
        return;
      }
    }
    progress.phase('Transpiling and compiling components…');
    let result: LoadResult;
    try {
      result = await (await this.#deps.engine()).load({ ...bundle, variables: variablesForm.values, limits: this.#deps.limitsPanel.limits });
    } catch (error) {
      // The engine never answered: it timed out, or the runner reconnected (which runs the app again).
      progress.done();
      const message = error instanceof Error ? error.message : String(error);
      const again = error instanceof EngineCallError && error.reason === 'disconnected';
      log(again ? 'warn' : 'error', 'engine', again ? `${message}; loading the app again` : message, again ? 'restart' : 'load-error');
      if (!again) status.problems([message]);
      status.set(again ? 'Loading app…' : 'The engine did not answer; the previous version keeps serving', !again);
      return;
    }
    progress.done();
    this.#components = result.info ?? [];
    if (result.ok) this.#loadedOnce = true;
    else source?.forgetFirstResponse();
    this.#deps.showFiles();
    if (!result.ok && result.line) editor.showErrors([{ message: result.error, line: result.line, column: result.column ?? 1 }]);
    // Shared and seeded data is written before the status says "Running": from then on a person
    // (or a test) may send a request, and it must see the stores the link or zip brought.
    if (result.ok) await this.#deps.seeds.restore();
    if (result.ok && seed.rows.length) await this.#deps.seeds.applyKeyValueSeed(seed.rows);
    status.loadResult(result, this.#deps.previewOrigin, (path) => preview.navigate(path));
    // `?preview=off`: the preview makes no request until a route link is clicked, for apps
    // whose `/` has side effects and for runs that need untouched state (conformance).
    // Embedded with show=response: the console's request is the only one (no hidden page load).
    if (result.ok && this.#deps.previewEnabled && !this.#deps.responseOnly) preview.show();
    if (result.ok && this.#deps.responseOnly) {
      this.#deps.requestConsole.fill({ method: 'GET', path: preview.path, headers: [], body: '', bodyType: 'text', time: Date.now() });
      byId('request-panel').querySelector<HTMLFormElement>('form.request-form')?.requestSubmit();
    }
  }
}
