/**
 * The "Projects" dialog: the current project (rename, save as a new project, revert to the
 * original, reset its key-value data, delete) and every saved project (open, delete), with the
 * storage this browser gives the playground.
 */
import { armed } from './actions';
import { h } from './dom';
import { formatBytes } from '../bytes/size';
import type { ProjectRecord } from './projects';

export interface ProjectMenuActions {
  list(): Promise<ProjectRecord[]>;
  rename(name: string): Promise<void>;
  duplicate(): Promise<void>;
  revert(): Promise<void>;
  resetKv(): Promise<void>;
  remove(id: string): Promise<void>;
  open(record: ProjectRecord): void;
}

export class ProjectMenu {
  readonly #dialog = h('dialog', { className: 'sheet', 'aria-label': 'Projects' });
  readonly #button: HTMLButtonElement;
  readonly #actions: ProjectMenuActions;
  #current: { id: string; name: string; edited: boolean; canRevert: boolean };

  constructor(button: HTMLButtonElement, current: { id: string; name: string; edited: boolean; canRevert: boolean }, actions: ProjectMenuActions) {
    this.#button = button;
    this.#actions = actions;
    this.#current = current;
    document.body.append(this.#dialog);
    button.addEventListener('click', () => void this.#open());
    this.update(current);
  }

  update(current: Partial<{ name: string; edited: boolean; canRevert: boolean }>): void {
    this.#current = { ...this.#current, ...current };
    this.#button.replaceChildren(
      h('span', { className: 'muted' }, 'Project '),
      this.#current.name,
      this.#current.edited ? h('span', { className: 'badge draft', title: 'Edits are saved as a draft' }, 'draft') : '',
    );
  }

  async #open(): Promise<void> {
    await this.#render();
    if (!this.#dialog.open) this.#dialog.showModal();
  }

  async #render(): Promise<void> {
    const current = this.#current;
    const name = h('input', { 'aria-label': 'Project name', value: current.name, spellcheck: 'false' });
    const rename = h('form', { className: 'row' }, name, h('button', { type: 'submit' }, 'Rename'));
    rename.addEventListener('submit', async (event) => {
      event.preventDefault();
      if (name.value.trim()) await this.#actions.rename(name.value.trim());
      await this.#render();
    });
    const projects = await this.#actions.list();
    const estimate = await navigator.storage?.estimate?.().catch(() => null);
    const rows = projects.map((p) =>
      h(
        'li',
        { className: p.id === current.id ? 'current' : '' },
        h('span', { className: 'name' }, p.name),
        h('span', { className: 'muted' }, ` ${describeBase(p)} · ${new Date(p.updated).toLocaleString()}`),
        h(
          'span',
          { className: 'file-actions' },
          p.id === current.id
            ? h('span', { className: 'badge' }, 'open')
            : h('button', { type: 'button', className: 'quiet small', 'aria-label': `Open project ${p.name}`, onclick: () => this.#actions.open(p) }, 'Open'),
          armed(
            h('button', { type: 'button', className: 'quiet small danger', 'aria-label': `Delete project ${p.name}` }, 'Delete'),
            'Confirm delete',
            async () => {
              await this.#actions.remove(p.id);
              await this.#render();
            },
          ),
        ),
      ),
    );
    this.#dialog.replaceChildren(
      h(
        'div',
        { className: 'sheet-head' },
        h('h2', {}, 'Projects'),
        h('button', { type: 'button', className: 'quiet', onclick: () => this.#dialog.close() }, 'Close'),
      ),
      h(
        'section',
        { 'aria-label': 'This project' },
        rename,
        h(
          'div',
          { className: 'row' },
          h('button', { type: 'button', className: 'quiet', onclick: () => void this.#actions.duplicate() }, 'Save as new project'),
          current.canRevert
            ? armed(h('button', { type: 'button', className: 'quiet' }, 'Revert to original'), 'Confirm revert', async () => {
                await this.#actions.revert();
                this.#dialog.close();
              })
            : null,
          armed(h('button', { type: 'button', className: 'quiet danger' }, 'Reset key-value data'), 'Confirm reset', async () => {
            await this.#actions.resetKv();
            this.#dialog.close();
          }),
        ),
        h(
          'p',
          { className: 'hint' },
          'Edits are saved automatically as a draft in this browser. Resetting key-value data empties every store, as a fresh spin up would start.',
        ),
      ),
      h('h3', {}, `Saved projects (${projects.length})`),
      projects.length
        ? h('ul', { className: 'project-list', 'aria-label': 'Saved projects' }, ...rows)
        : h('p', { className: 'hint' }, 'No saved projects yet: edit an app, or save it as a new project.'),
      h(
        'p',
        { className: 'hint storage', 'aria-label': 'Storage use' },
        estimate
          ? `Storage: ${formatBytes(estimate.usage ?? 0)} used of ${formatBytes(estimate.quota ?? 0)} available to the playground page. Each ` +
              `project's key-value data is kept by its preview origin.`
          : 'Storage use is not available in this browser.',
      ),
    );
  }
}

function describeBase(p: ProjectRecord): string {
  const base = p.base.kind === 'example' ? `example ${p.base.name}` : p.base.kind === 'url' ? p.base.url : 'added files';
  const files = Object.keys(p.files).length;
  return `${base}${p.manifestText !== undefined ? ' · edited' : ''}${files ? ` · ${files} file${files === 1 ? '' : 's'}` : ''}`;
}
