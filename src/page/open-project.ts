/**
 * Opening the project the page's URL names: a share link (`#v1.…`, `#v2.…`) becomes a new saved
 * project, `?project=` opens a saved one, an example or `?app=` URL opens its own project (README
 * "Opening an app by URL"). A broken link shows what could be recovered and offers to open that.
 */
import { fetchApp } from '../loader/fetch-app';
import { decodeShareLink, isShareFragment } from '../share/codec';
import { loadSharedFiles, projectBaseFor, resolveSharedState } from '../share/apply';
import type { SharedState } from '../share/types';
import { AUTHORED_CORE } from '../authoring/template';
import { appChoiceFrom, manifestUrlFor, projectIdFor } from '../ui/project';
import { defaultName, newProjectId, projectHref, type ProjectBase, type ProjectRecord, type ProjectStore } from '../ui/projects';
import type { OriginalApp } from '../ui/project-session';
import type { LogLine } from '../ui/logs';
import type { Progress } from '../ui/progress';
import { h } from '../ui/dom';
import type { PendingState } from './pending-seeds';
import type { PageStatus } from './status';

export interface OpenDeps {
  status: PageStatus;
  log(level: LogLine['level'], source: string, message: string, kind?: LogLine['kind']): void;
  /** Embedded: a share link stays in the address bar (nothing is saved). */
  embed: boolean;
}

export interface OpenedProject {
  record: ProjectRecord;
  /** Whether the record is in the store already (an example opened for the first time is not). */
  saved: boolean;
  /** What a share link brings besides the app. */
  pending: PendingState;
}

/** Opens a `#v1.…` link as a new project (never over a saved one), or shows why it cannot. */
async function openShareLink(store: ProjectStore, page: OpenDeps): Promise<OpenedProject | null> {
  const decoded = decodeShareLink(location.hash);
  if (!decoded.ok) {
    const recovered = decoded.recovered;
    const members = recovered ? Object.keys(recovered).filter((k) => recovered[k as keyof SharedState] !== undefined) : [];
    const lines = [`Share link: ${decoded.error}`, ...(members.length ? [`Recovered from the link: ${members.join(', ')}.`] : [])];
    page.status.problems(lines);
    page.log('error', 'share', lines.join(' '), 'load-error');
    page.status.set('The share link could not be opened', true);
    if (!recovered?.base) return null;
    // Wait for the reader's choice: the recovered members open like an intact link.
    await new Promise<void>((resolve) => {
      const button = h('button', { type: 'button', className: 'quiet', onclick: () => resolve() }, 'Open what was recovered');
      page.status.offer(button);
    });
    page.status.problems([]);
    page.status.set('Loading app…');
  }
  const recoveredBase = decoded.ok ? undefined : decoded.recovered?.base;
  const state: SharedState | undefined = decoded.ok ? decoded.state : recoveredBase ? { ...decoded.recovered, base: recoveredBase } : undefined;
  if (!state) return null;
  const fromShare = await projectFromShare(store, state, page);
  if (!fromShare) return null;
  const { record, pending } = fromShare;
  // A reload opens the saved project, not the link again (embeds keep the link: nothing is saved).
  if (!page.embed) {
    const next = new URL(projectHref(record, location.href));
    next.hash = '';
    history.replaceState(null, '', next.href);
  }
  return { record, saved: true, pending };
}

async function projectFromShare(store: ProjectStore, state: SharedState, page: OpenDeps): Promise<{ record: ProjectRecord; pending: PendingState } | null> {
  const opened = resolveSharedState(state);
  let files: Record<string, ArrayBuffer>;
  try {
    files = await loadSharedFiles(opened.files, { fetch: (...args) => fetch(...args) });
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    page.status.problems([`Share link: ${message}`]);
    page.status.set('The share link could not be opened', true);
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
  const pending: PendingState = {
    kv: opened.kv,
    variables: opened.variables,
    request: opened.request,
    ...(opened.selectedFile !== undefined ? { selectedFile: opened.selectedFile } : {}),
  };
  return { record, pending };
}

/** The project the URL names: a share link (saved as a new project), a saved project, or an example or `?app=` URL. */
export async function openProject(store: ProjectStore, page: OpenDeps): Promise<OpenedProject | null> {
  if (isShareFragment(location.hash)) return openShareLink(store, page);
  const choice = appChoiceFrom(location);
  const id = await projectIdFor(choice);
  const record = await store.get(id);
  if (record) return { record, saved: true, pending: {} };
  if (choice.kind === 'project') {
    page.status.problems([`There is no saved project ${id} in this browser. Open an example, or open Projects to see the saved ones.`]);
    page.status.set('Could not open the project', true);
    return null;
  }
  const projectBase: ProjectBase = choice.kind === 'example' ? { kind: 'example', name: choice.name } : { kind: 'url', url: choice.manifestUrl };
  return { record: { id, name: defaultName(projectBase), base: projectBase, files: {}, created: Date.now(), updated: Date.now() }, saved: false, pending: {} };
}

/** The app as its base serves it (an example, a URL), for the edits to be compared with and reverted to. */
export async function fetchOriginal(record: ProjectRecord, base: string, progress: Progress): Promise<OriginalApp> {
  if (record.base.kind === 'files' || record.replacedApp) return { manifestText: '', files: {} };
  const manifestUrl = manifestUrlFor(record.base.kind === 'url' ? { kind: 'url', manifestUrl: record.base.url } : record.base, base);
  const bundle = await fetchApp(manifestUrl, progress.countingFetch());
  return { manifestText: bundle.manifestText, manifestUrl, files: bundle.files };
}
