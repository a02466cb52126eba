/**
 * "Share" and "Export app": the share sheet (a link, or a bundle file when the app cannot go in
 * one) and the zip `spin up` runs. The page passes in what they read (the editor, the engine's
 * data, the forms), so this file knows the codecs but no other panel.
 */
import { buildAppZip, exportFileName } from '../export/export-app';
import { loadSqlJs } from '../export/sql-browser';
import { shareBaseFor } from '../share/apply';
import { encodeBundleFile } from '../share/bundle-file';
import { encodeShareState, shareLinkWarning, shareUrl } from '../share/codec';
import type { AuthoredSource, KvRow, ShareRequest } from '../share/types';
import { copyText, downloadBytes } from './actions';
import { byId, h } from './dom';
import type { ProjectSession } from './project-session';
import type { ProjectRecord } from './projects';
import { setOwn } from '../protocol/own-keys';

export interface ShareDeps {
  session: ProjectSession;
  record: ProjectRecord;
  editor(): string;
  request(): ShareRequest;
  variables(): Record<string, string>;
  kv(): Promise<KvRow[]>;
  /** Every SQLite database the app has or its manifest declares, by label. */
  sqlite(): Promise<Record<string, Uint8Array>>;
  /** An authored app's source files and exported component, for "Export app". */
  authored(): Promise<Record<string, Uint8Array> | null>;
  /** An app written in the page: its source as the editor holds it, for a v2 link. */
  authoredSource(): AuthoredSource | null;
  selectedFile(): string | undefined;
  /** The `--key-value` pairs of the seed form, for the exported app's command. */
  keyValueSeeds(): Array<[string, string]>;
  note(text: string): void;
  /** Where an app written in the page has its built core (left out of a v2 link). */
  authoredCore: string;
  log(level: 'info' | 'warn' | 'error', source: string, message: string): void;
}

/** "Share" (link, or a bundle file when the app cannot go in one) and "Export app" (a zip `spin up` runs). */
export function wireShareAndExport(deps: ShareDeps): void {
  const dialog = h('dialog', { className: 'sheet share-sheet', 'aria-label': 'Share' });
  document.body.append(dialog);
  const close = h('button', { type: 'button', className: 'quiet', onclick: () => dialog.close() }, 'Close');
  const bundleFile = async (kv: KvRow[]) => {
    const bundle = deps.session.bundle(deps.editor());
    // An authored app: its source and the component as spin build makes it, not the page's core module.
    const authored = await deps.authored();
    if (authored) for (const [path, bytes] of Object.entries(authored)) setOwn(bundle.files, path, bytes.slice().buffer as ArrayBuffer);
    const selectedFile = deps.selectedFile();
    const zip = encodeBundleFile(bundle, kv, {
      SQL: await loadSqlJs(),
      sqlite: await deps.sqlite(),
      state: { request: deps.request(), variables: deps.variables(), ...(selectedFile !== undefined ? { selectedFile } : {}) },
    });
    downloadBytes(exportFileName(deps.editor()).replace(/\.zip$/, '-bundle.zip'), zip, 'application/zip');
  };
  const share = async (withKv = true) => {
    const kv = withKv ? await deps.kv() : [];
    const authored = deps.authoredSource();
    const selectedFile = deps.selectedFile();
    // An app written in the page goes as its source (format v2), not as the core module Run built.
    const files = Object.entries(deps.record.files).filter(([path]) => !(authored && path === deps.authoredCore));
    const state = {
      base: shareBaseFor(deps.record),
      manifest: deps.editor(),
      files: Object.fromEntries(files.map(([path, bytes]) => [path, { kind: 'local' as const, bytes: new Uint8Array(bytes) }])),
      kv,
      variables: deps.variables(),
      request: deps.request(),
      ...(authored ? { authored } : {}),
      ...(selectedFile !== undefined ? { selectedFile } : {}),
    };
    const defaults = deps.session.detached ? {} : { manifest: deps.session.original.manifestText };
    const result = encodeShareState(state, defaults);
    const body: Node[] = [];
    if (result.ok) {
      const url = shareUrl(result.fragment, location.href);
      const copied = await copyText(url);
      const { length, warning } = shareLinkWarning(url);
      const field = h('input', { className: 'share-url', readOnly: true, value: url, 'aria-label': 'Share link', spellcheck: 'false' });
      field.addEventListener('focus', () => field.select());
      body.push(
        h(
          'p',
          {},
          copied
            ? 'The link is copied to the clipboard. It holds the app, its edits, the key-value data and the request; it opens as a new project.'
            : 'Copy the link below. It holds the app, its edits, the key-value data and the request; it opens as a new project.',
        ),
        field,
        h('p', { className: 'muted share-length' }, `${length.toLocaleString('en-US')} characters`),
      );
      if (warning) body.push(h('p', { className: 'warn-text', role: 'alert' }, warning));
      if (result.notes.length)
        body.push(h('ul', { className: 'share-notes', 'aria-label': 'Left out of the link' }, ...result.notes.map((n) => h('li', {}, n))));
      body.push(
        h(
          'p',
          { className: 'muted' },
          'Or share one file that also runs with spin up: ',
          h('button', { type: 'button', className: 'quiet', onclick: () => void bundleFile(kv) }, 'Download bundle file'),
        ),
      );
    } else {
      body.push(h('p', { className: 'error-text', role: 'alert' }, result.error));
      if (result.reason === 'kv-too-large')
        body.push(h('button', { type: 'button', className: 'quiet', onclick: () => void share(false) }, 'Share without the key-value data'));
      if (result.reason === 'local-files' || result.reason === 'kv-too-large' || result.reason === 'too-large') {
        body.push(
          h('p', {}, 'A bundle file holds the whole app, its data and the request; Add files (Import) restores it, and spin up runs it.'),
          h('button', { type: 'button', onclick: () => void bundleFile(kv) }, 'Download bundle file'),
        );
      }
    }
    dialog.replaceChildren(h('div', { className: 'sheet-head' }, h('h2', {}, 'Share'), close), ...body);
    if (!dialog.open) dialog.showModal();
  };
  byId('share-button').addEventListener('click', () => void share().catch((error: unknown) => deps.log('error', 'share', String(error))));

  byId('export-button').addEventListener('click', async () => {
    const button = byId<HTMLButtonElement>('export-button');
    button.disabled = true;
    try {
      const manifestText = deps.editor();
      const bundle = deps.session.bundle(manifestText);
      const authored = await deps.authored();
      const result = buildAppZip({
        manifestText,
        files: { ...bundle.files, ...(authored ?? {}) },
        kv: await deps.kv(),
        sqlite: await deps.sqlite(),
        variables: deps.variables(),
        keyValueSeeds: deps.keyValueSeeds(),
        SQL: await loadSqlJs(),
      });
      const name = exportFileName(manifestText);
      downloadBytes(name, result.zip, 'application/zip');
      const summary = `Exported ${name}: unzip it and run \`${result.command}\`.`;
      deps.note([summary, ...result.warnings].join(' '));
      deps.log('info', 'export', summary);
      for (const warning of result.warnings) deps.log('warn', 'export', warning);
    } catch (error) {
      deps.log('error', 'export', `the export failed: ${error instanceof Error ? error.message : String(error)}`);
    } finally {
      button.disabled = false;
    }
  });
}
