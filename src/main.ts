/**
 * The playground page: the only file that knows every UI part. It opens the project named by the
 * URL, starts its runner on the project's own preview origin, loads the app into the engine, and
 * wires the panels: Manifest, Files, Request, Trace, Logs, Preview and the Key-value explorer.
 */
import type { ComponentInfo, EngineEvent, EngineLimits, LoadResult } from './protocol/messages';
import { previewOriginFor } from './runner/origins';
import { urlOnOrigin } from './protocol/url-on-origin';
import { parseManifest } from './manifest/parse';
import { fetchApp, fetchSources } from './loader/fetch-app';
import { EngineCallError, type EngineClient } from './ui/engine-client';
import { connectRunner } from './ui/runner-connection';
import { ManifestEditor } from './ui/manifest-editor';
import { mountRequestConsole } from './ui/request-console';
import { mountLogs, type LogLine } from './ui/logs';
import { appChoiceFrom, manifestUrlFor, projectIdFor } from './ui/project';
import { ProjectStore, defaultName, newProjectId, projectHref, type ProjectBase, type ProjectRecord } from './ui/projects';
import { ProjectSession, type OriginalApp } from './ui/project-session';
import { ProjectMenu } from './ui/project-menu';
import { loadExamples, mountExamplesGallery } from './ui/examples-gallery';
import { VariablesForm } from './ui/variables-form';
import { LimitsPanel } from './ui/limits-panel';
import { KvSeedForm } from './ui/kv-seed-form';
import { askToApplyLinkSeed } from './ui/link-seed-prompt';
import { TracePanel } from './ui/trace-panel';
import { KvExplorer, type KvRenderStats } from './ui/kv-explorer';
import { PreviewPanel } from './ui/preview-panel';
import { FilesPanel } from './ui/files-panel';
import { expandZip, filesFromDrop, type ImportedFile } from './ui/file-import';
import { Progress } from './ui/progress';
import { layOutPage, layoutEditColumn, pageMode, previewTabHref } from './ui/page-layout';
import { byId, h } from './ui/dom';
import { formatMs } from './ui/format';
import { SourceEditor } from './ui/source-editor';
import { downloadBytes } from './ui/actions';
import { authoringClient, BuildTimeoutError, buildJsComponent } from './authoring/client';
import { AUTHORED_CORE, HOST_TYPES, NEW_JS_APP_MANIFEST, STARTER_JS, authoredAppFiles } from './authoring/template';
import { decodeShareLink, isShareFragment } from './share/codec';
import { kvSeedOps, loadSharedFiles, projectBaseFor, readAllKv, resolveSharedState } from './share/apply';
import type { KvRow, ShareRequest, SharedState } from './share/types';
import { importAppZip, ImportError } from './export/export-app';
import { loadSqlJs } from './export/sql-browser';
import { declaredSqliteLabels, readAllSqlite, restoreSqlite } from './export/sqlite-data';
import { wireShareAndExport } from './ui/share-export';
import type { HistoryEntry } from './ui/request-history';
import { setOwn } from './protocol/own-keys';

// Preview origins are `<project>.localhost`; a UI on 127.0.0.1 would be a different site from
// the one the runner trusts, so use the canonical name.
if (location.hostname === '127.0.0.1') location.replace(location.href.replace('//127.0.0.1', '//localhost'));

const params = new URLSearchParams(location.search);
const previewEnabled = params.get('preview') !== 'off';
/** `?timeout=<ms>` and `?memory=<MiB>`: the safety limits sent with the app (0 turns one off; README "Guarantees and limits"). */
const limits: EngineLimits = {
  ...(params.has('timeout') ? { timeoutMs: Number(params.get('timeout')) } : {}),
  ...(params.has('memory') ? { memoryLimitMiB: Number(params.get('memory')) } : {}),
  // Spin 4 instance reuse for WASI 0.3 components: whole numbers or ranges a..b (checked at load).
  ...(params.has('instanceReuse') ? { instanceReuse: params.get('instanceReuse')! } : {}),
  ...(params.has('instanceConcurrency') ? { instanceConcurrency: params.get('instanceConcurrency')! } : {}),
  ...(params.has('idleInstanceTimeout') ? { idleInstanceTimeoutMs: params.get('idleInstanceTimeout')! } : {}),
};
/** `?buildTimeout=<ms>`: how long an in-page JS build may run (default 30 s, `BUILD_TIMEOUT_MS`). */
const buildTimeoutMs = Number(params.get('buildTimeout')) > 0 ? Number(params.get('buildTimeout')) : undefined;
const base = new URL(import.meta.env.BASE_URL, location.href).href;
const mode = pageMode(params);
const { embed, tabView } = mode;
const embedShow = mode.show;
layOutPage(mode);
const status = byId('status');
const problems = byId<HTMLUListElement>('problems');
const routesBox = byId('routes');
const draftNote = byId('draft-note');

const appendLog = mountLogs(byId('logs-panel'), async () => (await currentEngine()).restart());
const log = (level: LogLine['level'], source: string, message: string, kind?: LogLine['kind']) =>
  appendLog({ time: Date.now(), level, source, message, ...(kind ? { kind } : {}) });
const editor = new ManifestEditor(byId('editor'));
const progress = new Progress();
status.before(progress.element);
const tracePanel = new TracePanel(byId('trace-panel'));
const preview = new PreviewPanel(byId('preview-panel'), params.get('path') ?? '/', previewTabHref);

let engine: EngineClient | null = null;
let resolveEngine: (client: EngineClient) => void;
const engineReady = new Promise<EngineClient>((resolve) => (resolveEngine = resolve));
const currentEngine = async () => engine ?? engineReady;

/**
 * For the benchmark and tests driving the page: the engine client and the explorer's timings.
 * Published as `window.spinPlayground` once the engine is connected (the bench watches for it).
 */
const hook = {
  engine: null as EngineClient | null,
  kvExplorerRenderMs: null as number | null,
  kvExplorerStats: null as KvRenderStats | null,
  /** The last in-page JS build: build time and time from Run to the first response (the bench reads them). */
  authoring: null as null | { buildMs: number; firstResponseMs: number | null },
  /** Re-read the explorer's current store and resolve with the timing of that render. */
  refreshKvExplorer: async () => {
    await kvExplorer.refresh();
    return kvExplorer.lastRender;
  },
};

const kvExplorer = new KvExplorer(byId('kv-panel'), async (op) => (await currentEngine()).kv(op), (stats) => {
  hook.kvExplorerRenderMs = stats.totalMs;
  hook.kvExplorerStats = stats;
  console.info(`[kv-explorer] ${stats.keys} keys: ${stats.totalMs.toFixed(1)} ms (query ${stats.queryMs.toFixed(1)} ms, render ${stats.renderMs.toFixed(1)} ms)`);
});

function setStatus(text: string, isError = false): void {
  status.textContent = text;
  status.classList.toggle('error', isError);
}

function showProblems(lines: string[]): void {
  problems.replaceChildren(...lines.map((line) => h('li', {}, line)));
}

function showLoadResult(result: LoadResult, previewOrigin: string): void {
  if (!result.ok) {
    const where = result.file ? `${result.file}${result.line ? ` line ${result.line}, column ${result.column ?? 1}` : ''}: ` : '';
    showProblems(result.error.split('\n').map((line) => (line.startsWith('line ') ? `${result.file ?? 'spin.toml'} ${line}` : where + line)));
    setStatus('The app did not load; the previous version keeps serving', true);
    return;
  }
  showProblems([]);
  routesBox.replaceChildren(document.createTextNode('Available Routes:'));
  for (const route of result.routes) {
    const path = route.route.replace(/\/\.\.\.$/, '') || '/';
    const url = urlOnOrigin(previewOrigin, path);
    const label = `${route.route.replace(/\/\.\.\.$/, '')}${route.wildcard ? ' (wildcard)' : ''}`;
    if (!url) {
      // A route that is not a path (`@evil.com`) would make a link to another host.
      routesBox.append(h('div', {}, `  ${route.component}: ${label} (not a path on the app's origin: no link)`));
      continue;
    }
    const link = h('a', { href: url.href, target: 'preview' }, `${previewOrigin}${label}`);
    link.addEventListener('click', (event) => {
      if (event.ctrlKey || event.metaKey || event.shiftKey) return;
      event.preventDefault();
      preview.navigate(path);
    });
    routesBox.append(h('div', {}, `  ${route.component}: `, link));
  }
  setStatus('Running');
}

/** Set while an authored app's Run waits for its first response (to log firstResponse_ms). */
let firstResponse: ((source: string) => void) | null = null;

function wireEngine(client: EngineClient): void {
  // The engine's logs, traces and key-value changes come in batches, at most one per frame.
  client.onLogs(appendLog);
  client.onKvChanged((changes) => kvExplorer.changed(changes));
  client.onTraces((traces) => {
    firstResponse?.(traces[0]!.source);
    tracePanel.add(traces);
    for (const trace of traces) if (trace.source === 'preview') preview.observe(trace);
  });
  client.onEngineEvent((event) => showEngineEvent(event));
}

function showEngineEvent(event: EngineEvent): void {
  const live = byId('engine-live');
  if (event.kind === 'live') {
    live.hidden = event.where === 'this-tab';
    live.textContent = event.message;
  } else if (event.kind === 'restarting') {
    log('warn', 'engine', `restarting: ${event.reason}`, 'restart');
  } else {
    log('warn', 'engine', `restarted in ${formatMs(event.restartMs)} (${event.reason}); the app was loaded again`, 'restart');
    void kvExplorer.refresh();
  }
}

/** What a share link or an imported zip brings besides the app: applied once the engine is up. */
interface PendingState {
  kv?: KvRow[];
  /** SQLite database files by label (an imported zip's `.spin/sqlite_db.db`, …). */
  sqlite?: Record<string, Uint8Array>;
  variables?: Record<string, string>;
  request?: ShareRequest;
  selectedFile?: string;
}
let pending: PendingState = {};

/** Opens a `#v1.…` link as a new project (never over a saved one), or shows why it cannot. */
async function openShareLink(store: ProjectStore): Promise<{ record: ProjectRecord; saved: boolean } | null> {
  const decoded = decodeShareLink(location.hash);
  if (!decoded.ok) {
    const recovered = decoded.recovered;
    const members = recovered ? Object.keys(recovered).filter((k) => recovered[k as keyof SharedState] !== undefined) : [];
    const lines = [`Share link: ${decoded.error}`, ...(members.length ? [`Recovered from the link: ${members.join(', ')}.`] : [])];
    showProblems(lines);
    log('error', 'share', lines.join(' '), 'load-error');
    setStatus('The share link could not be opened', true);
    if (!recovered?.base) return null;
    // Wait for the reader's choice: the recovered members open like an intact link.
    await new Promise<void>((resolve) => {
      const button = h('button', { type: 'button', className: 'quiet', onclick: () => resolve() }, 'Open what was recovered');
      problems.append(h('li', {}, button));
    });
    showProblems([]);
    setStatus('Loading app…');
  }
  const state: SharedState | undefined = decoded.ok ? decoded.state : decoded.recovered?.base ? { ...decoded.recovered, base: decoded.recovered.base } : undefined;
  if (!state) return null;
  const record = await projectFromShare(store, state);
  if (!record) return null;
  // A reload opens the saved project, not the link again (embeds keep the link: nothing is saved).
  if (!embed) {
    const next = new URL(projectHref(record, location.href));
    next.hash = '';
    history.replaceState(null, '', next.href);
  }
  return { record, saved: true };
}

async function projectFromShare(store: ProjectStore, state: SharedState): Promise<ProjectRecord | null> {
  const opened = resolveSharedState(state);
  let files: Record<string, ArrayBuffer>;
  try {
    files = await loadSharedFiles(opened.files, { fetch: (...args) => fetch(...args) });
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    showProblems([`Share link: ${message}`]);
    setStatus('The share link could not be opened', true);
    return null;
  }
  const projectBase = projectBaseFor(opened.base) as ProjectBase;
  // An app written in the page (v2): its source; Run builds `dist/app.wasm` again.
  if (state.authored) delete files[AUTHORED_CORE];
  const record: ProjectRecord = {
    id: newProjectId(),
    name: `${defaultName(projectBase)} (shared)`,
    base: projectBase,
    ...(state.manifest !== undefined ? { manifestText: state.manifest } : {}),
    files,
    ...(state.authored ? { authored: state.authored, name: 'my-app (shared)' } : {}),
    created: Date.now(),
    updated: Date.now(),
  };
  await store.put(record);
  pending = { kv: opened.kv, variables: opened.variables, request: opened.request, ...(opened.selectedFile !== undefined ? { selectedFile: opened.selectedFile } : {}) };
  return record;
}

async function openProject(store: ProjectStore): Promise<{ record: ProjectRecord; saved: boolean } | null> {
  if (isShareFragment(location.hash)) return openShareLink(store);
  const choice = appChoiceFrom(location);
  const id = await projectIdFor(choice);
  const record = await store.get(id);
  if (record) return { record, saved: true };
  if (choice.kind === 'project') {
    showProblems([`There is no saved project ${id} in this browser. Open an example, or open Projects to see the saved ones.`]);
    setStatus('Could not open the project', true);
    return null;
  }
  const projectBase: ProjectBase = choice.kind === 'example' ? { kind: 'example', name: choice.name } : { kind: 'url', url: choice.manifestUrl };
  return { record: { id, name: defaultName(projectBase), base: projectBase, files: {}, created: Date.now(), updated: Date.now() }, saved: false };
}

async function fetchOriginal(record: ProjectRecord): Promise<OriginalApp> {
  if (record.base.kind === 'files' || record.replacedApp) return { manifestText: '', files: {} };
  const manifestUrl = manifestUrlFor(record.base.kind === 'url' ? { kind: 'url', manifestUrl: record.base.url } : record.base, base);
  const bundle = await fetchApp(manifestUrl, progress.countingFetch());
  return { manifestText: bundle.manifestText, manifestUrl, files: bundle.files };
}

async function main(): Promise<void> {
  // Embedded, nothing is saved (a reader's projects are never touched). The new-tab preview reads
  // the playground's saved project, unless it shows a share link (then it is like an embed).
  const store = embed && !(tabView && !isShareFragment(location.hash)) ? ProjectStore.memory() : await ProjectStore.open();
  byId('new-js-app').addEventListener('click', async () => {
    const record: ProjectRecord = {
      id: newProjectId(),
      name: 'my-app',
      base: { kind: 'files' },
      manifestText: NEW_JS_APP_MANIFEST,
      files: {},
      authored: { language: 'javascript', source: STARTER_JS },
      created: Date.now(),
      updated: Date.now(),
    };
    await store.put(record);
    location.href = projectHref(record, location.href);
  });
  const opened = await openProject(store);
  layoutEditColumn(mode, Boolean(opened?.record.authored));
  if (!opened) return;
  const { record } = opened;
  const projectId = record.id;
  let previewOrigin: string;
  try {
    previewOrigin = previewOriginFor(projectId, location);
  } catch (error) {
    // A deployment mistake (no preview origin of its own): say so instead of running apps on the UI's site.
    const message = `This playground cannot run apps: ${error instanceof Error ? error.message : String(error)}.`;
    setStatus(message, true);
    log('error', 'playground', message);
    return;
  }
  preview.setOrigin(previewOrigin);
  byId('app-source').textContent =
    record.base.kind === 'url' && !record.id.startsWith('p-') ? record.base.url : record.base.kind === 'example' ? `example: ${record.base.name}` : record.name;

  connectRunner(previewOrigin, {
    query: params.get('jspi') === 'off' ? '?jspi=off' : '',
    onError: (message) => log('error', 'runner', message),
    onPreviewReady: () => preview.serviceWorkerReady(),
    onClient: (client, first) => {
      if (record.authored) void authoringClient().warm().catch((error: unknown) => log('warn', 'authoring', `the JS builder did not warm up: ${String(error)}`));
      engine = client;
      hook.engine = client;
      wireEngine(client);
      if (first) {
        (window as unknown as { spinPlayground: typeof hook }).spinPlayground = hook;
        resolveEngine(client);
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
  const limitsPanel = new LimitsPanel(byId<HTMLDetailsElement>('limits'), projectId, { limits, param: params.get('limits'), onChange: () => void run() });
  const requestConsole = mountRequestConsole(byId('request-panel'), { send: async (request) => (await currentEngine()).request(request), openInPreview: (path) => preview.navigate(path), projectId });
  const fillRequest = (request: ShareRequest) => requestConsole.fill({ ...request, time: Date.now() } as HistoryEntry);
  if (pending.request) fillRequest(pending.request);
  else if (params.get('path')?.startsWith('/')) fillRequest({ method: 'GET', path: params.get('path')!, headers: [], body: '', bodyType: 'text' });
  if (pending.variables && Object.keys(pending.variables).length) variablesForm.set(pending.variables);
  setStatus('Loading app…');
  let original: OriginalApp;
  try {
    original = await fetchOriginal(record);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    progress.done();
    showProblems([message]);
    log('error', 'loader', message, 'load-error');
    setStatus('Could not load the app', true);
    if (record.manifestText === undefined) return;
    original = { manifestText: '', files: {} };
  }
  progress.done();
  const session = new ProjectSession(store, record, original, opened.saved);
  let lastInfo: ComponentInfo[] = [];

  const showDraft = () => {
    // Embedded (or with storage blocked) nothing is saved: say so instead of "draft saved".
    const saved = store.persistent;
    draftNote.textContent = session.edited ? (saved ? 'draft saved' : 'edited, not saved') : '';
    draftNote.title = !session.edited ? '' : saved ? 'Your edits are saved in this browser; Projects → Revert to original discards them' : 'Edits here live in this page only (an embed, or storage is blocked); Open in playground to keep them';
    menu.update({ name: record.name, edited: session.edited, canRevert: session.edited && record.base.kind !== 'files' });
  };
  const showFiles = () => filesPanel.render({ manifestBytes: new TextEncoder().encode(editor.value).byteLength, files: session.fileRows(), components: lastInfo });

  editor.value = session.manifestText;
  editor.validateWith((text) => {
    const parsed = parseManifest(text);
    return parsed.ok ? [] : parsed.errors;
  });
  editor.onChange((text) => void session.setManifestText(text).then(showDraft));
  void editor.upgrade().catch((error: unknown) => log('warn', 'editor', `Monaco did not load (${String(error)}); using a plain text area`));

  // An app written in the page: its Source editor, built by Run (src/authoring/README.md, Wiring 5).
  let source: SourceEditor | null = null;
  let lastGoodCore: Uint8Array | null = record.files[AUTHORED_CORE] ? new Uint8Array(record.files[AUTHORED_CORE]) : null;
  if (record.authored) {
    const authored = record.authored;
    const fileName = authored.language === 'typescript' ? 'src/index.ts' : 'src/index.js';
    const exportButton = h('button', { type: 'button', className: 'quiet', title: 'The component Run built, as spin build makes it' }, 'Export .wasm');
    const host = h('div', { className: 'editor', id: 'source-editor' });
    byId('source-panel').append(
      h('div', { className: 'panel-head' }, h('h2', {}, fileName),
        h('span', { className: 'muted', title: 'Run (Ctrl/Cmd+Enter) builds the component in this page and loads it' }, authored.language === 'typescript' ? 'TypeScript' : 'JavaScript'),
        h('div', { className: 'tools' }, exportButton)),
      host);
    source = new SourceEditor(host, authored.language, HOST_TYPES);
    source.value = authored.source;
    source.onChange((text) => void session.setSource(text));
    void source.upgrade().catch((error: unknown) => log('warn', 'editor', `Monaco did not load for the source (${String(error)}); using a plain text area`));
    exportButton.addEventListener('click', async () => {
      if (!lastGoodCore) {
        log('warn', 'authoring', 'nothing to export yet: Run builds the component first');
        return;
      }
      exportButton.disabled = true;
      const started = performance.now();
      try {
        const component = await authoringClient().exportComponent(lastGoodCore);
        downloadBytes(`${record.name.replace(/[^\w.-]+/g, '-') || 'app'}.wasm`, component, 'application/wasm');
        log('info', 'authoring', `exported the component (${component.byteLength} bytes) in ${formatMs(performance.now() - started)}`);
      } catch (error) {
        log('error', 'authoring', `export failed: ${error instanceof Error ? error.message : String(error)}`);
      } finally {
        exportButton.disabled = false;
      }
    });
  }

  const addFiles = async (picked: ImportedFile[]) => {
    const files: ImportedFile[] = [];
    const refused: string[] = [];
    for (const file of picked) {
      if (!/\.zip$/i.test(file.path)) {
        files.push(file);
        continue;
      }
      try {
        // An app zip ("Export app", a bundle file, any app folder zipped): the app and its data.
        const imported = importAppZip(file.bytes, await loadSqlJs());
        files.push({ path: 'spin.toml', bytes: new TextEncoder().encode(imported.bundle.manifestText) });
        for (const [path, bytes] of Object.entries(imported.bundle.files)) files.push({ path, bytes: new Uint8Array(bytes) });
        pending.kv = imported.kv;
        if (Object.keys(imported.sqlite).length) pending.sqlite = imported.sqlite;
        if (Object.keys(imported.variables).length) variablesForm.set(imported.variables);
        const link = imported.shareFragment ? decodeShareLink(imported.shareFragment) : null;
        if (link?.ok && link.state.request) fillRequest(resolveSharedState(link.state).request);
        if (link?.ok && link.state.selectedFile !== undefined) filesPanel.select(link.state.selectedFile);
        for (const warning of imported.warnings) log('warn', 'import', warning);
        log('info', 'import', `imported ${file.path}: ${Object.keys(imported.bundle.files).length} files and ${imported.kv.length} key-value entries`);
      } catch (error) {
        if (!(error instanceof ImportError)) throw error;
        // Only a readable zip without spin.toml is added file by file. A refusal (over a cap,
        // unreadable) stands: unzipping it again another way would skip the caps.
        if (error.reason !== 'no-manifest') {
          refused.push(`${file.path}: ${error.message}`);
          continue;
        }
        const expanded = expandZip(file.bytes);
        files.push(...expanded.files);
        for (const name of expanded.outside) log('warn', 'import', `${file.path}: ${name} is outside the zip's folder and was left out`);
      }
    }
    for (const message of refused) log('error', 'import', `not imported: ${message}`);
    if (files.length === 0 && refused.length > 0) {
      filesPanel.note(`Not imported: ${refused.join('; ')}.`);
      return;
    }
    const result = await session.addFiles(files, lastInfo.map((c) => c.source));
    if (result.manifestText !== undefined) editor.value = result.manifestText;
    filesPanel.note(`Added ${result.added.length} file${result.added.length === 1 ? '' : 's'}${result.manifestText !== undefined ? ' and spin.toml' : ''}${result.dropped.length ? `; ignored ${result.dropped.length} outside the app's folder` : ''}.`);
    showDraft();
    await run();
  };
  const filesPanel = new FilesPanel(byId('files-panel'), {
    add: (files) => void addFiles(files),
    remove: (path) => void session.removeFile(path).then(run),
    replace: (path, bytes) => void session.replaceFile(path, bytes).then(run),
    showManifest: () => editor.focus(),
  });
  // A drop anywhere on the page is an import; without this the browser would open the file.
  window.addEventListener('dragover', (event) => event.preventDefault());
  window.addEventListener('drop', async (event) => {
    event.preventDefault();
    if (event.dataTransfer && !byId('files-panel').contains(event.target as Node)) await addFiles(await filesFromDrop(event.dataTransfer));
  });

  const menu = new ProjectMenu(byId<HTMLButtonElement>('project-button'), { id: projectId, name: record.name, edited: session.edited, canRevert: false }, {
    list: () => store.list(),
    rename: async (name) => {
      await session.rename(name);
      showDraft();
    },
    duplicate: async () => {
      await session.setManifestText(editor.value);
      const copy: ProjectRecord = { ...structuredClone(record), id: newProjectId(), name: `${record.name} (copy)`, manifestText: editor.value, created: Date.now(), updated: Date.now() };
      await store.put(copy);
      location.href = projectHref(copy, location.href);
    },
    revert: async () => {
      await session.revert();
      location.reload();
    },
    resetKv: async () => {
      await kvExplorer.resetAll();
      log('info', 'key-value', 'every store was emptied (reset to the seed: no keys)');
    },
    remove: async (id) => {
      await store.delete(id);
      if (id === projectId) {
        await kvExplorer.resetAll();
        location.href = projectHref({ id: 'ex-kv-basics', base: { kind: 'example', name: 'kv-basics' } }, location.href);
      }
    },
    open: (other) => (location.href = projectHref(other, location.href)),
  });
  showDraft();
  showFiles();
  if (pending.selectedFile !== undefined) filesPanel.select(pending.selectedFile);

  void Promise.all([loadExamples(base), store.list()]).then(([examples, projects]) => {
    const edited = new Set(projects.flatMap((p) => (p.base.kind === 'example' && p.id === `ex-${p.base.name}` && (p.manifestText !== undefined || Object.keys(p.files).length) ? [p.base.name] : [])));
    mountExamplesGallery(byId<HTMLButtonElement>('examples-button'), examples, {
      current: record.base.kind === 'example' && projectId.startsWith('ex-') ? record.base.name : null,
      edited,
      open: async (name) => {
        // The current edits are already a saved draft; make sure the last keystrokes are too.
        await session.setManifestText(editor.value);
        location.href = projectHref({ id: `ex-${name}`, base: { kind: 'example', name } }, location.href);
      },
    });
  }).catch((error: unknown) => log('warn', 'examples', `the examples list did not load: ${String(error)}`));

  await currentEngine();

  /**
   * Key-value data from a link or an imported zip: the project's stores hold exactly these before
   * the first request. An imported zip's SQLite databases replace those labels' databases.
   */
  const seedPending = async () => {
    const databases = pending.sqlite;
    pending.sqlite = undefined;
    if (databases) {
      for (const outcome of await restoreSqlite(async (op) => (await currentEngine()).sqlite(op), databases)) {
        if (outcome.ok) log('info', 'sqlite', `restored SQLite database ${outcome.label} (${outcome.bytes} bytes)`);
        else log('error', 'sqlite', `restoring the imported SQLite database failed: ${outcome.error}`);
      }
    }
    const rows = pending.kv;
    if (!rows) return;
    pending.kv = undefined;
    const client = await currentEngine();
    for (const op of kvSeedOps(rows, 'replace')) {
      const result = await client.kv(op);
      if (result.op === 'error') log('error', 'key-value', `seeding the shared data failed: ${result.message}`);
    }
    if (rows.length) log('info', 'key-value', `seeded ${rows.length} key-value entr${rows.length === 1 ? 'y' : 'ies'}`);
    void kvExplorer.refresh();
  };

  /** The `--key-value` pairs, over what the stores hold, at every Run (as at every `spin up`). */
  const applySeed = async (rows: KvRow[]) => {
    const client = await currentEngine();
    for (const op of kvSeedOps(rows, 'merge')) {
      const result = await client.kv(op);
      if (result.op === 'error') log('error', 'key-value', `the key-value seed was not written: ${result.message}`);
    }
    log('info', 'key-value', `seeded ${rows.length} key-value entr${rows.length === 1 ? 'y' : 'ies'} (--key-value)`);
    void kvExplorer.refresh();
  };

  wireShareAndExport({
    session, record, editor: () => editor.value, request: () => {
      const entry = requestConsole.current();
      return { method: entry.method, path: entry.path, headers: entry.headers, body: entry.body, bodyType: entry.bodyType === 'json' ? 'json' : 'text' };
    },
    variables: () => variablesForm.values,
    kv: async () => readAllKv(async (op) => (await currentEngine()).kv(op)),
    sqlite: async () => readAllSqlite(async (op) => (await currentEngine()).sqlite(op), declaredSqliteLabels(editor.value)),
    authored: async () => {
      if (!source || !record.authored) return null;
      const component = lastGoodCore ? await authoringClient().exportComponent(lastGoodCore) : undefined;
      return authoredAppFiles({ source: source.value, language: source.language, ...(component ? { component } : {}) });
    },
    authoredSource: () => (source && record.authored ? { language: source.language, source: source.value } : null),
    selectedFile: () => filesPanel.selected,
    keyValueSeeds: () => {
      const seed = seedForm.read();
      return seed.ok ? seed.pairs : [];
    },
    authoredCore: AUTHORED_CORE,
    log: (level, source, message) => log(level, source, message),
    note: (text) => filesPanel.note(text),
  });

  let running: Promise<void> | null = null;
  let loadedOnce = false;
  /**
   * An authored app: build the Source in the page and put the core into the bundle as
   * `dist/app.wasm`. False when the build failed (markers shown; the last good build keeps serving).
   */
  async function buildSource(runStarted: number): Promise<boolean> {
    if (!source || !record.authored) return true;
    // The new-tab preview serves the playground's last build; only the playground's Run rebuilds.
    if (tabView && lastGoodCore) return true;
    const code = source.value;
    await session.setSource(code);
    setStatus('Building the JS component…');
    const started = performance.now();
    let result;
    try {
      result = await buildJsComponent(code, { language: source.language, ...(buildTimeoutMs ? { timeoutMs: buildTimeoutMs } : {}) });
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      if (error instanceof BuildTimeoutError) {
        // Where the loop is cannot be known; the marker goes on the first line, where Run starts.
        const fileName = source.language === 'typescript' ? 'src/index.ts' : 'src/index.js';
        source.showErrors([{ line: 1, column: 1, message }]);
        showProblems([`${fileName}: ${message}`]);
        log('error', 'authoring', `${fileName}: ${message}; the last good build keeps serving`, 'load-error');
        setStatus('The JS build was stopped (too long); the last good build keeps serving', true);
        return !loadedOnce && lastGoodCore !== null;
      }
      showProblems([`build: ${message}`]);
      log('error', 'authoring', `the build failed: ${message}`, 'load-error');
      setStatus('The JS build failed; the last good build keeps serving', true);
      return !loadedOnce && lastGoodCore !== null;
    }
    const buildMs = Math.round(performance.now() - started);
    const fileName = source.language === 'typescript' ? 'src/index.ts' : 'src/index.js';
    if (!result.ok) {
      source.showErrors(result.errors);
      showProblems(result.errors.map((e) => `${fileName} line ${e.line}, column ${e.column}: ${e.message}`));
      log('error', 'authoring', `${fileName}: ${result.errors.length} error${result.errors.length === 1 ? '' : 's'}; the last good build keeps serving`, 'load-error');
      setStatus(`${fileName} has errors; the last good build keeps serving`, true);
      // A reopened project whose source no longer builds still serves its saved build.
      return !loadedOnce && lastGoodCore !== null;
    }
    source.showErrors([]);
    lastGoodCore = result.coreModule;
    await session.replaceFile(AUTHORED_CORE, result.coreModule);
    hook.authoring = { buildMs, firstResponseMs: null };
    log('info', 'authoring', `built in the page in ${buildMs} ms (build_ms=${buildMs}; core module ${result.coreModule.byteLength} bytes)`);
    firstResponse = () => {
      firstResponse = null;
      const ms = Math.round(performance.now() - runStarted);
      if (hook.authoring) hook.authoring.firstResponseMs = ms;
      log('info', 'authoring', `first response ${ms} ms after Run (firstResponse_ms=${ms})`);
    };
    return true;
  }

  async function runOnce(): Promise<void> {
    const runStarted = performance.now();
    firstResponse = null;
    if (!(await buildSource(runStarted))) return;
    const text = editor.value;
    const parsed = parseManifest(text);
    if (!parsed.ok) {
      editor.showErrors(parsed.errors);
      showProblems(parsed.errors.map((e) => `spin.toml line ${e.line}, column ${e.column}: ${e.message}`));
      setStatus('spin.toml has errors; the previous version keeps serving', true);
      return;
    }
    editor.showErrors([]);
    const seed = seedForm.read();
    if (!seed.ok) {
      showProblems([seed.error]);
      setStatus('The key-value seed has an error; the previous version keeps serving', true);
      return;
    }
    await session.setManifestText(text);
    showDraft();
    variablesForm.show(parsed.app.variables);
    kvExplorer.setDeclaredStores(Object.values(parsed.app.components).flatMap((c) => c.keyValueStores));
    setStatus('Loading app…');
    let bundle = session.bundle(text);
    if (bundle.manifestUrl) {
      try {
        const fetched = await fetchSources(bundle, progress.countingFetch());
        for (const [path, bytes] of Object.entries(fetched.files)) if (!Object.hasOwn(session.record.files, path)) setOwn(session.original.files, path, bytes);
        bundle = fetched;
      } catch (error) {
        progress.done();
        const message = error instanceof Error ? error.message : String(error);
        showProblems([message]);
        log('error', 'loader', message, 'load-error');
        setStatus('Could not fetch a component', true);
        return;
      }
    }
    progress.phase('Transpiling and compiling components…');
    let result: LoadResult;
    try {
      result = await (await currentEngine()).load({ ...bundle, variables: variablesForm.values, limits: limitsPanel.limits });
    } catch (error) {
      // The engine never answered: it timed out, or the runner reconnected (which runs the app again).
      progress.done();
      const message = error instanceof Error ? error.message : String(error);
      const again = error instanceof EngineCallError && error.reason === 'disconnected';
      log(again ? 'warn' : 'error', 'engine', again ? `${message}; loading the app again` : message, again ? 'restart' : 'load-error');
      if (!again) showProblems([message]);
      setStatus(again ? 'Loading app…' : 'The engine did not answer; the previous version keeps serving', !again);
      return;
    }
    progress.done();
    lastInfo = result.info ?? [];
    if (result.ok) loadedOnce = true;
    else firstResponse = null;
    showFiles();
    if (!result.ok && result.line) editor.showErrors([{ message: result.error, line: result.line, column: result.column ?? 1 }]);
    showLoadResult(result, previewOrigin);
    // `?preview=off`: the preview makes no request until a route link is clicked, for apps
    // whose `/` has side effects and for runs that need untouched state (conformance).
    if (result.ok) await seedPending();
    if (result.ok && seed.rows.length) await applySeed(seed.rows);
    // Embedded with show=response: the console's request is the only one (no hidden page load).
    if (result.ok && previewEnabled && !(embed && embedShow.has('response'))) preview.show();
    if (result.ok && embed && embedShow.has('response')) {
      requestConsole.fill({ method: 'GET', path: preview.path, headers: [], body: '', bodyType: 'text', time: Date.now() });
      byId('request-panel').querySelector<HTMLFormElement>('form.request-form')?.requestSubmit();
    }
  }
  /** Runs one at a time; a Run pressed meanwhile runs once more afterwards. */
  async function run(): Promise<void> {
    while (running) await running.catch(() => undefined);
    running = runOnce().finally(() => (running = null));
    return running;
  }
  const linkSeed = params.getAll('key-value');
  if (linkSeed.length > 0) {
    document.body.append(askToApplyLinkSeed(linkSeed, () => {
      seedForm.useLinkPairs(linkSeed);
      void run();
    }));
  }
  editor.onRun(() => void run());
  source?.onRun(() => void run());
  byId('run').addEventListener('click', () => void run());
  await run();
}

void main();
