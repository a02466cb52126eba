/**
 * The page's layouts, chosen by the URL:
 *
 * - the playground: three columns of resizable panels;
 * - `?embed=1` (README "Embedding"): the app, the panels `show` names beside it, "Open in
 *   playground"; nothing is saved;
 * - `?view=preview`, the Preview's "Open in a new tab": the app filling the tab, framed by this
 *   page on the UI origin. A top-level tab on the preview origin would be another storage
 *   partition (its own service worker, no engine, other data); framed from here it is the same
 *   partition as the playground's frame, so it reaches the same engine and data, and it keeps
 *   working when the playground tab closes (it has its own runner and takes the engine over).
 */
import { byId, h } from './dom';
import { makeSplit } from './split';

const EMBED_PANELS = ['request', 'kv', 'logs', 'manifest', 'response'] as const;

export interface PageMode {
  /** The compact layout: `?embed=1` or `?view=preview`. */
  embed: boolean;
  /** `?view=preview`: the new-tab preview. */
  tabView: boolean;
  /** The panels `show` names (embed only). */
  show: ReadonlySet<string>;
}

export function pageMode(params: URLSearchParams): PageMode {
  const tabView = params.get('view') === 'preview';
  const named = (params.get('show') ?? '').split(',').map((p) => p.trim());
  return {
    embed: params.get('embed') === '1' || tabView,
    tabView,
    show: new Set(tabView ? [] : named.filter((p) => (EMBED_PANELS as readonly string[]).includes(p))),
  };
}

/** Lay the page out for its mode (the editing column waits for `layoutEditColumn`). */
export function layOutPage(mode: PageMode): void {
  if (mode.embed) return setUpEmbed(mode);
  makeSplit(byId('workspace'), { key: 'columns', direction: 'row', weights: [0.3, 0.36, 0.34], labels: ['editing column', 'HTTP column', 'app column'] });
  makeSplit(byId('column-http'), { key: 'http', direction: 'column', weights: [0.5, 0.5], labels: ['Request', 'Trace'] });
  makeSplit(byId('column-app'), { key: 'app', direction: 'column', weights: [0.56, 0.44], labels: ['Preview', 'Key-value explorer'] });
}

/** The editing column; an app written in the page ("New JS app") has its Source editor on top. */
export function layoutEditColumn(mode: PageMode, authored: boolean): void {
  // Embedded, the Source sits beside the Manifest (shown with show=manifest, otherwise parked).
  if (authored) byId('manifest-panel').before(h('section', { className: 'panel source', role: 'region', 'aria-label': 'Source', id: 'source-panel' }));
  if (mode.embed) return;
  if (authored)
    makeSplit(byId('column-edit'), {
      key: 'edit-authored',
      direction: 'column',
      weights: [0.42, 0.24, 0.16, 0.18],
      labels: ['Source', 'Manifest', 'Files', 'Logs'],
    });
  else makeSplit(byId('column-edit'), { key: 'edit', direction: 'column', weights: [0.56, 0.24, 0.2], labels: ['Manifest', 'Files', 'Logs'] });
}

/** The Preview's "Open in a new tab": this page in `view=preview` at the app path. */
export function previewTabHref(path: string): string {
  const url = new URL(location.href);
  for (const name of ['embed', 'show']) url.searchParams.delete(name);
  url.searchParams.set('view', 'preview');
  if (path === '/') url.searchParams.delete('path');
  else url.searchParams.set('path', path);
  return url.href;
}

/**
 * Embed mode: hide what `show` does not name, no splits, and an "Open in playground" link to the
 * same app in a full tab. The hidden panels stay in the page (the code still wires them).
 */
function setUpEmbed(mode: PageMode): void {
  const show = mode.show;
  document.body.classList.add('embed');
  if (mode.tabView) document.body.classList.add('tab-view');
  for (const id of ['examples-button', 'new-js-app', 'project-button', 'share-button', 'export-button']) byId(id).hidden = true;
  const visible: Record<string, boolean> = {
    'preview-panel': !show.has('response'),
    'request-panel': show.has('request') || show.has('response'),
    'kv-panel': show.has('kv'),
    'logs-panel': show.has('logs'),
    'manifest-panel': show.has('manifest'),
    'files-panel': false,
    'trace-panel': false,
  };
  for (const [id, shown] of Object.entries(visible)) byId(id).hidden = !shown;
  // The app (its preview, or the request console showing the response) on the left, the other
  // panels `show` names stacked beside it; the rest parked, hidden.
  const mainId = show.has('response') ? 'request-panel' : 'preview-panel';
  const left = h('div', { className: 'column embed-main' }, byId(mainId));
  const right = h('div', { className: 'column embed-side' });
  const parked = h('div', { hidden: true });
  for (const id of ['preview-panel', 'request-panel', 'kv-panel', 'logs-panel', 'manifest-panel', 'files-panel', 'trace-panel']) {
    if (id === mainId) continue;
    (visible[id] ? right : parked).append(byId(id));
  }
  right.hidden = right.childElementCount === 0;
  byId('workspace').replaceChildren(left, right, parked);
  const full = new URL(location.href);
  for (const name of ['embed', 'show', 'view']) full.searchParams.delete(name);
  byId('status').before(h('a', { className: 'open-full', href: full.href, target: '_blank', rel: 'noopener' }, 'Open in playground'));
}
