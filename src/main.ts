/**
 * The playground page: the only file that knows every part, and it only wires them. It opens the
 * project named by the URL (page/open-project.ts), starts its runner on the project's own preview
 * origin, and connects the panels (ui/) to the parts that hold the page's state (page/): the run
 * loop, the Source panel, file import, pending seeds, the project controls and the test hook.
 * docs/architecture.md §2 lists the parts.
 */
import { previewOriginFor } from './runner/origins';
import { parseManifest } from './manifest/parse';
import { connectRunner } from './ui/runner-connection';
import { ManifestEditor } from './ui/manifest-editor';
import { mountRequestConsole } from './ui/request-console';
import { mountLogs, type LogLine } from './ui/logs';
import { ProjectStore } from './ui/projects';
import { ProjectSession, type OriginalApp } from './ui/project-session';
import { VariablesForm } from './ui/variables-form';
import { LimitsPanel } from './ui/limits-panel';
import { KvSeedForm } from './ui/kv-seed-form';
import { TracePanel } from './ui/trace-panel';
import { KvExplorer } from './ui/kv-explorer';
import { PreviewPanel } from './ui/preview-panel';
import { FilesPanel } from './ui/files-panel';
import { Progress } from './ui/progress';
import { layOutPage, layoutEditColumn, pageMode, previewTabHref } from './ui/page-layout';
import { byId } from './ui/dom';
import { AUTHORED_CORE } from './authoring/template';
import { isShareFragment } from './share/codec';
import { readAllKv } from './share/apply';
import type { ShareRequest } from './share/types';
import { declaredSqliteLabels, readAllSqlite } from './export/sqlite-data';
import { wireShareAndExport } from './ui/share-export';
import type { HistoryEntry } from './ui/request-history';
import { RunLoop } from './page/run-loop';
import { ProjectControls, wireNewJsApp } from './page/project-controls';
import { acceptDrops, appImporter } from './page/app-import';
import { SourcePanel, warmBuilder } from './page/source-panel';
import { fetchOriginal, openProject } from './page/open-project';
import { offerLinkSeed, PendingSeeds } from './page/pending-seeds';
import { EngineSlot } from './page/engine-slot';
import { wireEngineEvents } from './page/engine-events';
import { firstResponse, once } from './page/first-response';
import { createTestHook, publishTestHook, reportKvRenders } from './page/test-hook';
import { pageOptions } from './page/page-options';
import { PageStatus } from './page/status';

// Preview origins are `<project>.localhost`; a UI on 127.0.0.1 would be a different site from
// the one the runner trusts, so use the canonical name.
if (location.hostname === '127.0.0.1') location.replace(location.href.replace('//127.0.0.1', '//localhost'));

const params = new URLSearchParams(location.search);
const options = pageOptions(params);
const { previewEnabled, limits, buildTimeoutMs } = options;
const base = new URL(import.meta.env.BASE_URL, location.href).href;
const mode = pageMode(params);
const { embed, tabView } = mode;
const embedShow = mode.show;
layOutPage(mode);
const status = new PageStatus(byId('status'), byId<HTMLUListElement>('problems'), byId('routes'));

const appendLog = mountLogs(byId('logs-panel'), async () => (await currentEngine()).restart());
const log = (level: LogLine['level'], source: string, message: string, kind?: LogLine['kind']) =>
  appendLog({ time: Date.now(), level, source, message, ...(kind ? { kind } : {}) });
const editor = new ManifestEditor(byId('editor'));
const progress = new Progress();
byId('status').before(progress.element);
const tracePanel = new TracePanel(byId('trace-panel'));
const preview = new PreviewPanel(byId('preview-panel'), options.path ?? '/', previewTabHref);

const engineSlot = new EngineSlot();
const currentEngine = engineSlot.current;

/** For the benchmark and tests driving the page (`window.spinPlayground`, published once the engine is connected). */
const hook = createTestHook(() => kvExplorer);
const kvExplorer = new KvExplorer(byId('kv-panel'), async (op) => (await currentEngine()).kv(op), reportKvRenders(hook));

async function main(): Promise<void> {
  // Embedded, nothing is saved (a reader's projects are never touched). The new-tab preview reads
  // the playground's saved project, unless it shows a share link (then it is like an embed).
  const store = embed && !(tabView && !isShareFragment(location.hash)) ? ProjectStore.memory() : await ProjectStore.open();
  wireNewJsApp(byId('new-js-app'), store);
  const opened = await openProject(store, { status, log, embed });
  layoutEditColumn(mode, Boolean(opened?.record.authored));
  if (!opened) return;
  const { record, pending } = opened;
  // An app written in the page is built by its first Run: the builder starts compiling now, beside
  // the engine's start-up, rather than when the first Run asks for it.
  if (record.authored) warmBuilder(log);
  const projectId = record.id;
  let previewOrigin: string;
  try {
    previewOrigin = previewOriginFor(projectId, location);
  } catch (error) {
    // A deployment mistake (no preview origin of its own): say so instead of running apps on the UI's site.
    const message = `This playground cannot run apps: ${error instanceof Error ? error.message : String(error)}.`;
    status.set(message, true);
    log('error', 'playground', message);
    return;
  }
  preview.setOrigin(previewOrigin);
  byId('app-source').textContent =
    record.base.kind === 'url' && !record.id.startsWith('p-') ? record.base.url : record.base.kind === 'example' ? `example: ${record.base.name}` : record.name;

  // Declared before the runner connects: trace batches may arrive before the panel is mounted.
  let source: SourcePanel | null = null;
  const answered = firstResponse();
  connectRunner(previewOrigin, {
    query: options.runnerQuery,
    onError: (message) => log('error', 'runner', message),
    onPreviewReady: () => preview.serviceWorkerReady(),
    onClient: (client, first) => {
      engineSlot.set(client);
      hook.engine = client;
      wireEngineEvents(client, {
        appendLog,
        log,
        kvExplorer,
        tracePanel,
        preview,
        traced: () => {
          source?.traced();
          answered.note();
        },
      });
      if (first) {
        publishTestHook(hook);
      } else {
        log('warn', 'engine', 'the runner started a fresh engine; loading the app again', 'restart');
        void run();
      }
    },
  });

  const variablesForm = new VariablesForm(byId<HTMLDetailsElement>('variables'), projectId);
  // `?limits=cloud`, or the project's saved switch; flipping it runs the app again with the new limits.
  // `spin up --key-value` pairs: from the form (saved per project) or, once the person applies
  // them, `?key-value=k=v` in the URL.
  const seedForm = new KvSeedForm(byId<HTMLDetailsElement>('kv-seed'), projectId);
  const limitsPanel = new LimitsPanel(byId<HTMLDetailsElement>('limits'), projectId, { limits, param: options.limitsParam, onChange: () => void run() });
  const requestConsole = mountRequestConsole(byId('request-panel'), {
    send: async (request) => (await currentEngine()).request(request),
    openInPreview: (path) => preview.navigate(path),
    projectId,
  });
  const fillRequest = (request: ShareRequest) => requestConsole.fill({ ...request, time: Date.now() } as HistoryEntry);
  if (pending.request) fillRequest(pending.request);
  else if (options.path?.startsWith('/')) fillRequest({ method: 'GET', path: options.path, headers: [], body: '', bodyType: 'text' });
  if (pending.variables && Object.keys(pending.variables).length) variablesForm.set(pending.variables);
  status.set('Loading app…');
  let original: OriginalApp;
  try {
    original = await fetchOriginal(record, base, progress);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    progress.done();
    status.problems([message]);
    log('error', 'loader', message, 'load-error');
    status.set('Could not load the app', true);
    if (record.manifestText === undefined) return;
    original = { manifestText: '', files: {} };
  }
  progress.done();
  const session = new ProjectSession(store, record, original, opened.saved);
  const seeds = new PendingSeeds(pending, { engine: currentEngine, log, refreshKv: () => void kvExplorer.refresh() });

  const showDraft = () => controls.showDraft();
  const showFiles = () =>
    filesPanel.render({ manifestBytes: new TextEncoder().encode(editor.value).byteLength, files: session.fileRows(), components: runLoop.components });

  editor.value = session.manifestText;
  editor.validateWith((text) => {
    const parsed = parseManifest(text);
    return parsed.ok ? [] : parsed.errors;
  });
  editor.onChange((text) => void session.setManifestText(text).then(showDraft));
  // Monaco (megabytes of script to compile, then layout) waits for the app's first response, so it
  // does not compete with the start-up for the main thread; the textarea holds the manifest until
  // then. Whoever reaches for the editor sooner gets Monaco at once, keeping what they typed.
  const upgradeEditor = once(
    () => void editor.upgrade().catch((error: unknown) => log('warn', 'editor', `Monaco did not load (${String(error)}); using a plain text area`)),
  );
  byId('editor').addEventListener('focusin', upgradeEditor, { once: true });

  // An app written in the page: its Source editor, built by Run.
  source = SourcePanel.mount(() => byId('source-panel'), record, { session, status, log, hook, buildTimeoutMs, tabView });

  const runLoop = new RunLoop({
    editor,
    session,
    source,
    seedForm,
    variablesForm,
    limitsPanel,
    kvExplorer,
    requestConsole,
    preview,
    progress,
    status,
    seeds,
    engine: currentEngine,
    log,
    previewOrigin,
    previewEnabled,
    responseOnly: embed && embedShow.has('response'),
    showDraft,
    showFiles,
  });
  /** Run, for every part wired above (a hoisted declaration); the loop queues runs one at a time. */
  async function run(): Promise<void> {
    return runLoop.run();
  }

  const addFiles = appImporter({
    session,
    editor,
    variablesForm,
    pending,
    fillRequest,
    selectFile: (path) => filesPanel.select(path),
    note: (text) => filesPanel.note(text),
    componentSources: () => runLoop.components.map((c) => c.source),
    log,
    showDraft,
    run,
  });
  const filesPanel = new FilesPanel(byId('files-panel'), {
    add: (files) => void addFiles(files),
    remove: (path) => void session.removeFile(path).then(run),
    replace: (path, bytes) => void session.replaceFile(path, bytes).then(run),
    showManifest: () => editor.focus(),
  });
  acceptDrops(byId('files-panel'), addFiles);

  const controls = new ProjectControls(byId<HTMLButtonElement>('project-button'), byId('draft-note'), {
    store,
    record,
    session,
    manifestText: () => editor.value,
    resetKv: () => kvExplorer.resetAll(),
    log,
  });
  showDraft();
  showFiles();
  if (pending.selectedFile !== undefined) filesPanel.select(pending.selectedFile);

  controls.mountExamples(byId<HTMLButtonElement>('examples-button'), base);

  await currentEngine();

  wireShareAndExport({
    session,
    record,
    editor: () => editor.value,
    request: () => {
      const entry = requestConsole.current();
      return { method: entry.method, path: entry.path, headers: entry.headers, body: entry.body, bodyType: entry.bodyType === 'json' ? 'json' : 'text' };
    },
    variables: () => variablesForm.values,
    kv: async () => readAllKv(async (op) => (await currentEngine()).kv(op)),
    sqlite: async () => readAllSqlite(async (op) => (await currentEngine()).sqlite(op), declaredSqliteLabels(editor.value)),
    authored: async () => (source ? source.appFiles() : null),
    authoredSource: () => (source ? source.shared() : null),
    selectedFile: () => filesPanel.selected,
    keyValueSeeds: () => {
      const seed = seedForm.read();
      return seed.ok ? seed.pairs : [];
    },
    authoredCore: AUTHORED_CORE,
    log: (level, source, message) => log(level, source, message),
    note: (text) => filesPanel.note(text),
  });

  offerLinkSeed(options.linkSeed, seedForm, () => void run());
  editor.onRun(() => void run());
  source?.onRun(() => void run());
  byId('run').addEventListener('click', () => void run());
  await run();
  // After the first Run.
  await answered.after();
  upgradeEditor();
  source?.upgradeEditor();
}

void main();
