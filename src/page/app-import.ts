/**
 * "Add files", "Add folder" and drops: `.wasm`, `spin.toml` and other files go into the project;
 * an app zip ("Export app", a bundle file, any app folder zipped) brings the app and its data
 * (README "Export to spin up"). A refused zip (over a cap, unreadable) is named with the reason.
 */
import { importAppZip, ImportError } from '../export/import-app';
import { loadSqlJs } from '../export/sql-browser';
import { resolveSharedState } from '../share/apply';
import { decodeShareLink } from '../share/codec';
import type { ShareRequest } from '../share/types';
import { expandZip, filesFromDrop, type ImportedFile } from '../ui/file-import';
import type { LogLine } from '../ui/logs';
import type { ManifestEditor } from '../ui/manifest-editor';
import type { ProjectSession } from '../ui/project-session';
import type { VariablesForm } from '../ui/variables-form';
import type { PendingState } from './pending-seeds';

export interface ImportDeps {
  session: ProjectSession;
  editor: ManifestEditor;
  variablesForm: VariablesForm;
  /** Where an imported zip's key-value and SQLite data wait for the next load. */
  pending: PendingState;
  fillRequest(request: ShareRequest): void;
  selectFile(path: string): void;
  /** The Files panel's note: what was added or refused. */
  note(text: string): void;
  /** The `source` paths of the loaded components (a lone `.wasm` named like one replaces it). */
  componentSources(): string[];
  log(level: LogLine['level'], source: string, message: string): void;
  showDraft(): void;
  run(): Promise<void>;
}

/** Adds picked or dropped files to the project, then runs it. */
export function appImporter(deps: ImportDeps): (picked: ImportedFile[]) => Promise<void> {
  const { session, log, pending } = deps;
  return async (picked) => {
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
        if (Object.keys(imported.variables).length) deps.variablesForm.set(imported.variables);
        const link = imported.shareFragment ? decodeShareLink(imported.shareFragment) : null;
        if (link?.ok && link.state.request) deps.fillRequest(resolveSharedState(link.state).request);
        if (link?.ok && link.state.selectedFile !== undefined) deps.selectFile(link.state.selectedFile);
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
      deps.note(`Not imported: ${refused.join('; ')}.`);
      return;
    }
    const result = await session.addFiles(files, deps.componentSources());
    if (result.manifestText !== undefined) deps.editor.value = result.manifestText;
    const manifest = result.manifestText !== undefined ? ' and spin.toml' : '';
    const dropped = result.dropped.length ? `; ignored ${result.dropped.length} outside the app's folder` : '';
    deps.note(`Added ${result.added.length} file${result.added.length === 1 ? '' : 's'}${manifest}${dropped}.`);
    deps.showDraft();
    await deps.run();
  };
}

/** A drop anywhere on the page (outside the Files panel, which takes its own) is an import. */
export function acceptDrops(filesPanel: HTMLElement, add: (files: ImportedFile[]) => Promise<void>): void {
  // Without this the browser would open the dropped file.
  window.addEventListener('dragover', (event) => event.preventDefault());
  window.addEventListener('drop', async (event) => {
    event.preventDefault();
    if (event.dataTransfer && !filesPanel.contains(event.target as Node)) await add(await filesFromDrop(event.dataTransfer));
  });
}
