/**
 * The open project: the app as fetched (the original) and the user's draft on top of it (edited
 * manifest, added or replaced files), saved automatically. It assembles the bundle the engine
 * loads: original files, overridden by the files added in the page.
 */
import type { AppBundle } from '../protocol/messages';
import type { FileRow } from './files-panel';
import { rootAtManifest, type ImportedFile } from './file-import';
import type { ProjectRecord, ProjectStore } from './projects';
import { setOwn } from '../protocol/own-keys';

export interface OriginalApp {
  manifestText: string;
  manifestUrl?: string;
  files: Record<string, ArrayBuffer>;
}

export class ProjectSession {
  readonly record: ProjectRecord;
  original: OriginalApp;
  readonly #store: ProjectStore;
  #saved: boolean;

  constructor(store: ProjectStore, record: ProjectRecord, original: OriginalApp, saved: boolean) {
    this.#store = store;
    this.record = record;
    this.original = original;
    this.#saved = saved;
  }

  /** The app as dropped in the page replaced the fetched one: the original no longer applies. */
  get detached(): boolean {
    return this.record.replacedApp === true || this.record.base.kind === 'files';
  }

  get manifestText(): string {
    return this.record.manifestText ?? (this.detached ? '' : this.original.manifestText);
  }

  get edited(): boolean {
    return this.record.manifestText !== undefined || Object.keys(this.record.files).length > 0;
  }

  /** The bundle for the engine, with `manifestText` as the editor holds it now. */
  bundle(manifestText: string): AppBundle {
    const files = this.detached ? { ...this.record.files } : { ...this.original.files, ...this.record.files };
    return { manifestText, files, ...(!this.detached && this.original.manifestUrl ? { manifestUrl: this.original.manifestUrl } : {}) };
  }

  fileRows(): FileRow[] {
    const rows = new Map<string, FileRow>();
    if (!this.detached) for (const [path, bytes] of Object.entries(this.original.files)) rows.set(path, { path, size: bytes.byteLength, added: false });
    for (const [path, bytes] of Object.entries(this.record.files)) rows.set(path, { path, size: bytes.byteLength, added: true });
    return [...rows.values()];
  }

  async setManifestText(text: string): Promise<void> {
    const same = !this.detached && text === this.original.manifestText;
    if (same && this.record.manifestText === undefined) return;
    if (same) delete this.record.manifestText;
    else if (this.record.manifestText === text) return;
    else this.record.manifestText = text;
    await this.save();
  }

  /**
   * Add dropped or picked files. With a `spin.toml` among them they are a whole app, which
   * replaces the fetched one; a lone `.wasm` whose name matches a component source replaces it.
   */
  async addFiles(files: ImportedFile[], componentSources: string[]): Promise<{ manifestText?: string; added: string[]; dropped: string[] }> {
    const app = rootAtManifest(files);
    if (app.manifestText !== undefined) {
      this.record.replacedApp = true;
      this.record.files = {};
      this.record.manifestText = app.manifestText;
    }
    const added: string[] = [];
    for (const file of app.files) {
      let path = file.path;
      if (app.manifestText === undefined && !path.includes('/') && /\.wasm$/i.test(path)) {
        path = componentSources.find((s) => s === path || s.endsWith(`/${path}`)) ?? path;
      }
      setOwn(this.record.files, path, file.bytes.slice().buffer as ArrayBuffer);
      added.push(path);
    }
    await this.save();
    return { ...(app.manifestText !== undefined ? { manifestText: app.manifestText } : {}), added, dropped: app.dropped };
  }

  /** The authored app's source, as the Source editor holds it. */
  async setSource(source: string): Promise<void> {
    if (!this.record.authored || this.record.authored.source === source) return;
    this.record.authored.source = source;
    await this.save();
  }

  async replaceFile(path: string, bytes: Uint8Array): Promise<void> {
    setOwn(this.record.files, path, bytes.slice().buffer as ArrayBuffer);
    await this.save();
  }

  async removeFile(path: string): Promise<void> {
    delete this.record.files[path];
    await this.save();
  }

  async rename(name: string): Promise<void> {
    this.record.name = name;
    await this.save(true);
  }

  /** Forget the draft: back to the app as fetched. */
  async revert(): Promise<void> {
    delete this.record.manifestText;
    delete this.record.replacedApp;
    this.record.files = {};
    await this.save();
  }

  /** Saved once there is something to keep (named projects always). */
  async save(force = false): Promise<void> {
    if (!force && !this.#saved && !this.edited && !this.record.id.startsWith('p-')) return;
    this.#saved = true;
    await this.#store.put(this.record);
  }
}
