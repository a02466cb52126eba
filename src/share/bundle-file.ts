/**
 * The bundle file: what "Share" offers when the app cannot go in a link (a local `.wasm` too big
 * to inline, too much key-value data). It is the "Export app" zip, so `spin up` runs it too,
 * plus the rest of the shared state (request, selected file) as a share fragment in
 * `.spin/playground-link.txt`, which `importAppZip` hands back as `shareFragment`.
 */
import type { SqlJsStatic } from 'sql.js';
import { buildAppZip } from '../export/export-app';
import { PLAYGROUND_LINK_PATH } from '../export/spin-state';
import type { AppBundle } from '../protocol/messages';
import { encodeShareState } from './codec';
import { DEFAULT_REQUEST, type KvRow, type ShareState } from './types';

export interface BundleFileOptions {
  SQL: SqlJsStatic;
  /** The request and selected file to restore on import; variables go in `.env` (not secret ones). */
  state?: Partial<Pick<ShareState, 'request' | 'selectedFile' | 'variables'>>;
  sqlite?: Record<string, Uint8Array>;
  mtime?: Date;
}

/**
 * The bundle file for an app and its key-value data: a zip laid out like `exportAppZip`'s.
 *
 * @example
 * const zip = encodeBundleFile(session.bundle(editor.value), await readAllKv(run), { SQL: await loadSqlJs(), state: { request } });
 */
export function encodeBundleFile(bundle: AppBundle, kvSeed: readonly KvRow[], options: BundleFileOptions): Uint8Array {
  const state = options.state ?? {};
  // Only what the zip itself cannot hold: the manifest, files and data are in the zip.
  const link = encodeShareState(
    {
      base: { kind: 'none' },
      manifest: '',
      files: {},
      kv: [],
      variables: {},
      request: state.request ?? { ...DEFAULT_REQUEST, headers: [] },
      ...(state.selectedFile !== undefined ? { selectedFile: state.selectedFile } : {}),
    },
    { manifest: '' },
  );
  return buildAppZip({
    manifestText: bundle.manifestText,
    files: bundle.files,
    kv: kvSeed,
    ...(options.sqlite ? { sqlite: options.sqlite } : {}),
    variables: state.variables ?? bundle.variables ?? {},
    SQL: options.SQL,
    ...(options.mtime ? { mtime: options.mtime } : {}),
    ...(link.ok ? { extra: { [PLAYGROUND_LINK_PATH]: new TextEncoder().encode(`${link.fragment}\n`) } } : {}),
  }).zip;
}
