/**
 * The "Files" panel: `spin.toml`, each component (source, size, and its world: imports marked
 * supported or not, and exports), and the other files (static files for `files`). Files are added
 * by drag-and-drop or a picker: `.wasm` and `spin.toml`, a whole folder, or a `.zip`; added files
 * can be replaced and removed. Names are shown as text only.
 *
 * One file is selected (clicked, or named by a share link): its row is marked `aria-current`
 * and scrolled into view, and "Share" carries its path.
 */
import type { ComponentInfo } from '../protocol/messages';
import { h } from './dom';
import { formatBytes } from '../bytes/size';
import { filesFromDrop, filesFromList, type ImportedFile } from './file-import';

export interface FileRow {
  path: string;
  size: number;
  /** Added in the page (can be removed), or fetched with the app. */
  added: boolean;
}

export interface FilesActions {
  add(files: ImportedFile[]): void;
  remove(path: string): void;
  replace(path: string, bytes: Uint8Array): void;
  showManifest(): void;
}

export class FilesPanel {
  readonly #list: HTMLElement;
  readonly #note: HTMLElement;
  readonly #actions: FilesActions;
  #selected: string | undefined;

  constructor(root: HTMLElement, actions: FilesActions) {
    this.#actions = actions;
    const picker = (label: string, attrs: Record<string, string | boolean>) => {
      const input = h('input', { type: 'file', 'aria-label': label, ...attrs });
      input.addEventListener('change', async () => {
        const files = await filesFromList([...(input.files ?? [])]);
        input.value = '';
        if (files.length) actions.add(files);
      });
      return h('label', { className: 'button quiet file-button' }, label, input);
    };
    const folder = picker('Add folder', {});
    folder.querySelector('input')!.setAttribute('webkitdirectory', '');
    root.querySelector('.panel-head')!.append(h('div', { className: 'tools' }, picker('Add files', { multiple: true }), folder));
    this.#note = h('p', { className: 'hint drop-hint' }, 'Drop .wasm and spin.toml files, an app folder or a .zip here.');
    this.#list = h('ul', { className: 'file-list', 'aria-label': 'App files' });
    root.append(this.#note, this.#list);
    root.addEventListener('dragover', (event) => {
      event.preventDefault();
      root.classList.add('dropping');
    });
    root.addEventListener('dragleave', (event) => {
      if (!root.contains(event.relatedTarget as Node | null)) root.classList.remove('dropping');
    });
    root.addEventListener('drop', async (event) => {
      event.preventDefault();
      root.classList.remove('dropping');
      if (!event.dataTransfer) return;
      const files = await filesFromDrop(event.dataTransfer);
      if (files.length) actions.add(files);
    });
  }

  /** A note under the tools: what an import did, or why it failed. */
  note(text: string): void {
    this.#note.textContent = text;
  }

  /** The selected file's path (`spin.toml` for the manifest), if one was selected. */
  get selected(): string | undefined {
    return this.#selected;
  }

  /** Selects a file by path; a path not listed (yet) is marked once a render lists it. */
  select(path: string): void {
    this.#selected = path;
    for (const row of this.#list.querySelectorAll<HTMLElement>('li[data-path]')) {
      const current = row.dataset.path === path;
      row.toggleAttribute('aria-current', current);
      if (current) row.scrollIntoView({ block: 'nearest' });
    }
  }

  render(view: { manifestBytes: number; files: FileRow[]; components: ComponentInfo[] }): void {
    const sources = new Set(view.components.map((c) => c.source));
    const manifest = h(
      'li',
      { className: 'file manifest-file', 'data-path': 'spin.toml' },
      h(
        'button',
        {
          type: 'button',
          className: 'link',
          onclick: () => {
            this.select('spin.toml');
            this.#actions.showManifest();
          },
        },
        'spin.toml',
      ),
      h('span', { className: 'muted' }, ` ${formatBytes(view.manifestBytes)} · manifest`),
    );
    const components = view.components.map((c) =>
      this.#component(
        c,
        view.files.find((f) => f.path === c.source),
      ),
    );
    const others = view.files
      .filter((f) => !sources.has(f.path))
      .sort((a, b) => a.path.localeCompare(b.path))
      .map((f) => this.#file(f));
    this.#list.replaceChildren(
      manifest,
      ...components,
      ...(others.length ? [h('li', { className: 'group' }, `Other files (${others.length})`), ...others] : []),
    );
    if (this.#selected !== undefined) this.select(this.#selected);
  }

  /** A file's name as a button that selects it. */
  #pathButton(path: string, className: string): HTMLElement {
    return h(
      'button',
      { type: 'button', className: `link ${className}`, title: 'Select (Share carries the selected file)', onclick: () => this.select(path) },
      path,
    );
  }

  #component(info: ComponentInfo, file: FileRow | undefined): HTMLElement {
    const kind = {
      component: 'component',
      'core-module': 'Spin 1 core module',
      'not-wasm': 'not WebAssembly',
      missing: 'missing',
      registry: 'registry source (unsupported)',
    }[info.kind];
    const unsupported = info.imports.filter((i) => !i.supported);
    const item = h(
      'li',
      {
        className: `file component-file${unsupported.length || info.kind === 'missing' || info.kind === 'not-wasm' ? ' has-error' : ''}`,
        'aria-label': `Component ${info.id}`,
        'data-path': info.source,
      },
      h(
        'div',
        { className: 'file-line' },
        h('span', { className: 'component-id' }, info.id),
        ' ',
        this.#pathButton(info.source, 'path'),
        h('span', { className: 'muted' }, ` ${info.size !== undefined ? formatBytes(info.size) : ''} · ${kind}`),
        file ? this.#fileButtons(file) : null,
      ),
    );
    if (info.error) item.append(h('p', { className: 'error-text' }, info.error));
    if (info.kind === 'component' && (info.imports.length || info.exports.length)) {
      const summary =
        `World: ${info.imports.length} ` +
        `import${info.imports.length === 1 ? '' : 's'}${unsupported.length ? ` (${unsupported.length} unsupported)` : ''}, ${info.exports.length} ` +
        `export${info.exports.length === 1 ? '' : 's'}`;
      const details = h(
        'details',
        { className: 'world' },
        h('summary', {}, summary),
        h(
          'ul',
          { className: 'imports', 'aria-label': `Imports of ${info.id}` },
          ...info.imports.map((i) =>
            h(
              'li',
              { className: i.supported ? 'supported' : 'unsupported', title: i.reason ?? 'supported by the playground' },
              h('span', { className: 'mark', 'aria-label': i.supported ? 'supported' : 'unsupported' }, i.supported ? '✓' : '✗'),
              ` ${i.name}`,
              i.reason ? h('span', { className: 'reason' }, ` — ${i.reason}`) : null,
            ),
          ),
        ),
        h(
          'ul',
          { className: 'exports', 'aria-label': `Exports of ${info.id}` },
          ...info.exports.map((e) => h('li', {}, h('span', { className: 'mark' }, '↗'), ` ${e}`)),
        ),
      );
      if (unsupported.length) details.open = true;
      item.append(details);
    }
    return item;
  }

  #file(file: FileRow): HTMLElement {
    return h(
      'li',
      { className: 'file', 'data-path': file.path },
      h(
        'div',
        { className: 'file-line' },
        this.#pathButton(file.path, 'path'),
        h('span', { className: 'muted' }, ` ${formatBytes(file.size)}${file.added ? ' · added' : ''}`),
        this.#fileButtons(file),
      ),
    );
  }

  #fileButtons(file: FileRow): HTMLElement {
    const input = h('input', { type: 'file', hidden: true, 'aria-label': `Replace ${file.path}` });
    input.addEventListener('change', async () => {
      const picked = input.files?.[0];
      input.value = '';
      if (picked) this.#actions.replace(file.path, new Uint8Array(await picked.arrayBuffer()));
    });
    return h(
      'span',
      { className: 'file-actions' },
      h('button', { type: 'button', className: 'quiet small', onclick: () => input.click() }, 'Replace'),
      file.added
        ? h(
            'button',
            { type: 'button', className: 'quiet small danger', 'aria-label': `Remove ${file.path}`, onclick: () => this.#actions.remove(file.path) },
            'Remove',
          )
        : null,
      input,
    );
  }
}
