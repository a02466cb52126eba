/**
 * The playground page: the only file that knows every UI part. It picks the app from the URL,
 * starts the project's runner on its own preview origin, loads the app into the engine, and
 * wires the manifest editor, request console, preview and logs.
 */
import { RUNNER_PATH, isMessage, type AppBundle, type LoadResult, type RunnerToUi } from './protocol/messages';
import { previewOriginFor } from './runner/origins';
import { parseManifest } from './manifest/parse';
import { fetchApp, fetchSources } from './loader/fetch-app';
import { EngineClient } from './ui/engine-client';
import { ManifestEditor } from './ui/manifest-editor';
import { mountRequestConsole } from './ui/request-console';
import { mountLogs } from './ui/logs';
import { appChoiceFrom, manifestUrlFor, projectIdFor } from './ui/project';
import { VariablesForm } from './ui/variables-form';

// Preview origins are `<project>.localhost`; a UI on 127.0.0.1 would be a different site from
// the one the runner trusts, so use the canonical name.
if (location.hostname === '127.0.0.1') location.replace(location.href.replace('//127.0.0.1', '//localhost'));

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const status = $('status');
const problems = $<HTMLUListElement>('problems');
const routesBox = $('routes');
const preview = $<HTMLIFrameElement>('preview');
const openPreview = $<HTMLAnchorElement>('open-preview');
const editor = new ManifestEditor($('editor'));
const appendLog = mountLogs($<HTMLOListElement>('log-lines'));

function setStatus(text: string, isError = false): void {
  status.textContent = text;
  status.classList.toggle('error', isError);
}

function showProblems(lines: string[]): void {
  problems.replaceChildren(
    ...lines.map((line) => {
      const item = document.createElement('li');
      item.textContent = line;
      return item;
    }),
  );
}

/** Starts the project's runner frame and resolves with a client connected to its engine. */
function startRunner(previewOrigin: string): Promise<EngineClient> {
  const frame = document.createElement('iframe');
  frame.hidden = true;
  frame.title = 'Spin engine (runner)';
  frame.src = `${previewOrigin}${RUNNER_PATH}`;
  return new Promise((resolve, reject) => {
    window.addEventListener('message', (event) => {
      if (event.source !== frame.contentWindow || event.origin !== previewOrigin) return;
      const message = event.data as RunnerToUi;
      if (isMessage<Extract<RunnerToUi, { type: 'runner-error' }>>(message, 'runner-error')) {
        appendLog({ time: Date.now(), level: 'error', source: 'runner', message: message.message });
      } else if (message.type === 'runner-ready') {
        const channel = new MessageChannel();
        frame.contentWindow!.postMessage({ type: 'connect', port: channel.port2 }, previewOrigin, [channel.port2]);
        resolve(new EngineClient(channel.port1));
      }
    });
    frame.addEventListener('error', () => reject(new Error(`the runner at ${frame.src} did not load`)));
    document.body.append(frame);
  });
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
    const line = document.createElement('div');
    const link = document.createElement('a');
    const path = route.route.replace(/\/\.\.\.$/, '') || '/';
    link.href = `${previewOrigin}${path}`;
    link.target = 'preview';
    link.textContent = `${previewOrigin}${route.route.replace(/\/\.\.\.$/, '')}${route.wildcard ? ' (wildcard)' : ''}`;
    line.append(`  ${route.component}: `, link);
    routesBox.append(line);
  }
  setStatus('Running');
}

const previewEnabled = new URLSearchParams(location.search).get('preview') !== 'off';

async function main(): Promise<void> {
  const choice = appChoiceFrom(location);
  const projectId = await projectIdFor(choice);
  const previewOrigin = previewOriginFor(projectId, location);
  const manifestUrl = manifestUrlFor(choice, new URL(import.meta.env.BASE_URL, location.href).href);
  $('app-source').textContent = choice.kind === 'url' ? manifestUrl : `example: ${choice.name}`;
  void populateExamples(choice.kind === 'example' ? choice.name : null);

  const variablesForm = new VariablesForm($<HTMLDetailsElement>('variables'), projectId);
  const enginePromise = startRunner(previewOrigin);
  setStatus('Loading app…');
  let bundle: AppBundle;
  try {
    bundle = await fetchApp(manifestUrl);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    showProblems([message]);
    setStatus('Could not load the app', true);
    return;
  }
  editor.value = bundle.manifestText;
  void editor.upgrade().catch((error: unknown) => appendLog({ time: Date.now(), level: 'warn', source: 'editor', message: `Monaco did not load (${String(error)}); using a plain text area` }));

  const engine = await enginePromise;
  engine.onLog(appendLog);
  // For the benchmark and tests driving the page: the engine client, nothing else.
  (window as unknown as { spinPlayground?: unknown }).spinPlayground = { engine };
  mountRequestConsole(
    $<HTMLFormElement>('request-form'),
    { status: $('response-status'), headers: $('response-headers'), body: $('response-body') },
    (request) => engine.request(request),
  );

  const run = async (): Promise<void> => {
    const text = editor.value;
    const parsed = parseManifest(text);
    if (!parsed.ok) {
      editor.showErrors(parsed.errors);
      showProblems(parsed.errors.map((e) => `spin.toml line ${e.line}, column ${e.column}: ${e.message}`));
      setStatus('spin.toml has errors; the previous version keeps serving', true);
      return;
    }
    editor.showErrors([]);
    variablesForm.show(parsed.app.variables);
    setStatus('Loading app…');
    try {
      bundle = await fetchSources({ ...bundle, manifestText: text });
    } catch (error) {
      showProblems([error instanceof Error ? error.message : String(error)]);
      setStatus('Could not fetch a component', true);
      return;
    }
    const result = await engine.load({ ...bundle, variables: variablesForm.values });
    if (!result.ok && result.line) editor.showErrors([{ message: result.error, line: result.line, column: result.column ?? 1 }]);
    showLoadResult(result, previewOrigin);
    if (result.ok) {
      openPreview.href = `${previewOrigin}/`;
      // `?preview=off`: the preview makes no request until a route link is clicked, for apps
      // whose `/` has side effects and for runs that need untouched state (conformance).
      if (previewEnabled) preview.src = `${previewOrigin}/`;
    }
  };
  editor.onRun(() => void run());
  $('run').addEventListener('click', () => void run());
  await run();
}

async function populateExamples(current: string | null): Promise<void> {
  const select = $<HTMLSelectElement>('example-select');
  try {
    const response = await fetch(new URL('examples/index.json', new URL(import.meta.env.BASE_URL, location.href)));
    const examples = (await response.json()) as Array<{ name: string; description: string }>;
    const placeholder = new Option(current ? '' : '(opened by URL)', '');
    placeholder.hidden = current !== null;
    select.append(placeholder, ...examples.map((e) => Object.assign(new Option(e.name, e.name), { title: e.description })));
    select.value = current ?? '';
    select.addEventListener('change', () => {
      if (select.value) location.search = `?example=${encodeURIComponent(select.value)}`;
    });
  } catch {
    select.disabled = true;
  }
}

void main();
