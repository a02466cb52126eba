/**
 * Projects: what the page shows and where its work is kept. A project is an app (a bundled
 * example, a manifest URL, or files added in the page) plus the user's draft of it: the edited
 * `spin.toml` and any added or replaced files, saved automatically in the UI origin's IndexedDB.
 * The project id is also the preview origin's label, so each project has its own key-value data.
 *
 * Opening an example or URL uses its own project (`ex-<name>`, `app-<hash>`), so switching away
 * and back finds the edits where they were left. Named projects (`p-<random>`) start as a copy.
 */
import { openDB, type IDBPDatabase } from 'idb';
import { DEFAULT_EXAMPLE } from './project';

export type ProjectBase = { kind: 'example'; name: string } | { kind: 'url'; url: string } | { kind: 'files' };

export interface ProjectRecord {
  id: string;
  name: string;
  base: ProjectBase;
  /** The edited manifest; absent while the original is unchanged. */
  manifestText?: string;
  /** Files added or replaced in the page, by path relative to the manifest. */
  files: Record<string, ArrayBuffer>;
  /** A whole app (with its own spin.toml) was added in the page: the fetched original no longer applies. */
  replacedApp?: boolean;
  /** An app written in the page ("New JS app"): its handler's source, built by Run into `dist/app.wasm`. */
  authored?: { language: 'javascript' | 'typescript'; source: string };
  created: number;
  updated: number;
}

const DB_NAME = 'spin-playground-ui';
const STORE = 'projects';

export class ProjectStore {
  readonly #db: IDBPDatabase | null;
  readonly #memory = new Map<string, ProjectRecord>();

  private constructor(db: IDBPDatabase | null) {
    this.#db = db;
  }

  /** Opens the store; without IndexedDB (blocked storage) it keeps projects in memory. */
  static async open(): Promise<ProjectStore> {
    try {
      const db = await openDB(DB_NAME, 1, { upgrade: (database) => void database.createObjectStore(STORE, { keyPath: 'id' }) });
      return new ProjectStore(db);
    } catch {
      return new ProjectStore(null);
    }
  }

  /** A store that keeps projects in memory only (embed mode: never the reader's saved projects). */
  static memory(): ProjectStore {
    return new ProjectStore(null);
  }

  get persistent(): boolean {
    return this.#db !== null;
  }

  async get(id: string): Promise<ProjectRecord | undefined> {
    return this.#db ? ((await this.#db.get(STORE, id)) as ProjectRecord | undefined) : this.#memory.get(id);
  }

  async list(): Promise<ProjectRecord[]> {
    const all = this.#db ? ((await this.#db.getAll(STORE)) as ProjectRecord[]) : [...this.#memory.values()];
    return all.sort((a, b) => b.updated - a.updated);
  }

  async put(record: ProjectRecord): Promise<void> {
    record.updated = Date.now();
    if (this.#db) await this.#db.put(STORE, record);
    else this.#memory.set(record.id, record);
  }

  async delete(id: string): Promise<void> {
    if (this.#db) await this.#db.delete(STORE, id);
    else this.#memory.delete(id);
  }
}

/** A fresh id for a named project: a DNS label, so it can name the preview origin. */
export function newProjectId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(5));
  return `p-${Array.from(bytes, (b) => b.toString(36).padStart(2, '0'))
    .join('')
    .slice(0, 8)}`;
}

/** The playground URL that opens a project. */
export function projectHref(record: Pick<ProjectRecord, 'id' | 'base'>, here: string): string {
  const url = new URL(here);
  url.search = '';
  if (record.id.startsWith('p-')) url.searchParams.set('project', record.id);
  else if (record.base.kind === 'example') {
    if (record.base.name !== DEFAULT_EXAMPLE) url.searchParams.set('example', record.base.name);
  } else if (record.base.kind === 'url') url.searchParams.set('app', record.base.url);
  return url.href;
}

export function defaultName(base: ProjectBase): string {
  if (base.kind === 'example') return base.name;
  if (base.kind === 'url') return base.url.replace(/^https?:\/\//, '').replace(/\/spin\.toml$/, '');
  return 'Untitled app';
}
