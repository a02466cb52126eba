/**
 * The project around the panels: "New JS app", the Projects menu (rename, save as new, revert,
 * reset key-value data, delete, open another), the draft note, and the Examples gallery. Every
 * way out saves the last keystrokes first, so switching projects never loses an edit.
 */
import { NEW_JS_APP_MANIFEST, STARTER_JS } from '../authoring/template';
import { loadExamples, mountExamplesGallery } from '../ui/examples-gallery';
import type { LogLine } from '../ui/logs';
import { ProjectMenu } from '../ui/project-menu';
import type { ProjectSession } from '../ui/project-session';
import { newProjectId, projectHref, type ProjectRecord, type ProjectStore } from '../ui/projects';

/** "New JS app": a project whose handler is written in the page, opened at once. */
export function wireNewJsApp(button: HTMLElement, store: ProjectStore): void {
  button.addEventListener('click', async () => {
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
}

export interface ProjectControlsDeps {
  store: ProjectStore;
  record: ProjectRecord;
  session: ProjectSession;
  /** The manifest as the editor holds it (saved before leaving). */
  manifestText(): string;
  /** Empty every key-value store of this project. */
  resetKv(): Promise<void>;
  log(level: LogLine['level'], source: string, message: string): void;
}

export class ProjectControls {
  readonly #deps: ProjectControlsDeps;
  readonly #menu: ProjectMenu;
  readonly #draftNote: HTMLElement;

  constructor(menuButton: HTMLButtonElement, draftNote: HTMLElement, deps: ProjectControlsDeps) {
    this.#deps = deps;
    this.#draftNote = draftNote;
    const { store, record, session } = deps;
    const projectId = record.id;
    this.#menu = new ProjectMenu(
      menuButton,
      { id: projectId, name: record.name, edited: session.edited, canRevert: false },
      {
        list: () => store.list(),
        rename: async (name) => {
          await session.rename(name);
          this.showDraft();
        },
        duplicate: async () => {
          await session.setManifestText(deps.manifestText());
          const copy: ProjectRecord = {
            ...structuredClone(record),
            id: newProjectId(),
            name: `${record.name} (copy)`,
            manifestText: deps.manifestText(),
            created: Date.now(),
            updated: Date.now(),
          };
          await store.put(copy);
          location.href = projectHref(copy, location.href);
        },
        revert: async () => {
          await session.revert();
          location.reload();
        },
        resetKv: async () => {
          await deps.resetKv();
          deps.log('info', 'key-value', 'every store was emptied (reset to the seed: no keys)');
        },
        remove: async (id) => {
          await store.delete(id);
          if (id === projectId) {
            await deps.resetKv();
            location.href = projectHref({ id: 'ex-kv-basics', base: { kind: 'example', name: 'kv-basics' } }, location.href);
          }
        },
        open: (other) => (location.href = projectHref(other, location.href)),
      },
    );
  }

  /** The draft note and the menu's state after an edit, a save or a rename. */
  showDraft(): void {
    const { store, record, session } = this.#deps;
    const draftNote = this.#draftNote;
    // Embedded (or with storage blocked) nothing is saved: say so instead of "draft saved".
    const saved = store.persistent;
    draftNote.textContent = session.edited ? (saved ? 'draft saved' : 'edited, not saved') : '';
    draftNote.title = !session.edited
      ? ''
      : saved
        ? 'Your edits are saved in this browser; Projects → Revert to original discards them'
        : 'Edits here live in this page only (an embed, or storage is blocked); Open in playground to keep them';
    this.#menu.update({ name: record.name, edited: session.edited, canRevert: session.edited && record.base.kind !== 'files' });
  }

  /** The Examples gallery, marking the current example and those with saved edits. */
  mountExamples(button: HTMLButtonElement, base: string): void {
    const { store, record, session } = this.#deps;
    void Promise.all([loadExamples(base), store.list()])
      .then(([examples, projects]) => {
        const isEdited = (p: ProjectRecord) => p.manifestText !== undefined || Object.keys(p.files).length;
        const edited = new Set(projects.flatMap((p) => (p.base.kind === 'example' && p.id === `ex-${p.base.name}` && isEdited(p) ? [p.base.name] : [])));
        mountExamplesGallery(button, examples, {
          current: record.base.kind === 'example' && record.id.startsWith('ex-') ? record.base.name : null,
          edited,
          open: async (name) => {
            // The current edits are already a saved draft; make sure the last keystrokes are too.
            await session.setManifestText(this.#deps.manifestText());
            location.href = projectHref({ id: `ex-${name}`, base: { kind: 'example', name } }, location.href);
          },
        });
      })
      .catch((error: unknown) => this.#deps.log('warn', 'examples', `the examples list did not load: ${String(error)}`));
  }
}
