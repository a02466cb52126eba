/**
 * The request console's history: each request sent, newest first, kept per project in the UI
 * origin's localStorage. Picking an entry loads it into the form; "Replay" sends it again.
 */
import { h } from './dom';
import { formatMs } from './format';

export interface HistoryEntry {
  method: string;
  path: string;
  headers: Array<[string, string]>;
  body: string;
  bodyType: string;
  status?: number;
  totalMs?: number;
  time: number;
}

const MAX_ENTRIES = 50;

export class RequestHistory {
  readonly #root: HTMLDetailsElement;
  readonly #list: HTMLOListElement;
  readonly #summary: HTMLElement;
  readonly #key: string;
  readonly #load: (entry: HistoryEntry) => void;
  readonly #replay: (entry: HistoryEntry) => void;
  #entries: HistoryEntry[];

  constructor(root: HTMLDetailsElement, projectId: string, actions: { load(entry: HistoryEntry): void; replay(entry: HistoryEntry): void }) {
    this.#root = root;
    this.#key = `spin-playground:history:${projectId}`;
    this.#load = actions.load;
    this.#replay = actions.replay;
    this.#entries = this.#read();
    this.#summary = h('summary', {});
    this.#list = h('ol', { className: 'history-list', 'aria-label': 'Request history' });
    const clear = h('button', { type: 'button', className: 'quiet', onclick: () => ((this.#entries = []), this.#save(), this.#render()) }, 'Clear history');
    root.replaceChildren(this.#summary, this.#list, clear);
    this.#render();
  }

  add(entry: HistoryEntry): void {
    this.#entries.unshift(entry);
    this.#entries.length = Math.min(this.#entries.length, MAX_ENTRIES);
    this.#save();
    this.#render();
  }

  #render(): void {
    this.#summary.textContent = `History (${this.#entries.length})`;
    this.#list.replaceChildren(
      ...this.#entries.map((entry) =>
        h(
          'li',
          {},
          h(
            'button',
            { type: 'button', className: 'history-item', title: 'Load into the form', onclick: () => this.#load(entry) },
            h('span', { className: 'method' }, entry.method),
            ` ${entry.path}`,
            h(
              'span',
              { className: 'muted' },
              ` → ${entry.status ?? '…'}${entry.totalMs !== undefined ? ` · ${formatMs(entry.totalMs)}` : ''} · ` +
                `${new Date(entry.time).toLocaleTimeString()}`,
            ),
          ),
          // Named "Replay" only: a name holding the path would also match a search for the "Path" field.
          h('button', { type: 'button', className: 'quiet', title: `Send ${entry.method} ${entry.path} again`, onclick: () => this.#replay(entry) }, 'Replay'),
        ),
      ),
    );
    this.#root.classList.toggle('empty', this.#entries.length === 0);
  }

  #read(): HistoryEntry[] {
    try {
      const saved = JSON.parse(localStorage.getItem(this.#key) ?? '[]') as unknown;
      return Array.isArray(saved) ? (saved as HistoryEntry[]) : [];
    } catch {
      return [];
    }
  }

  #save(): void {
    try {
      localStorage.setItem(this.#key, JSON.stringify(this.#entries));
    } catch {
      // Storage full or blocked: the history still works for this page.
    }
  }
}
