/**
 * The "Logs" panel: component stdout/stderr, host warnings, load errors and engine restarts, as
 * text only (never guest HTML). Load errors and restarts stand out.
 */
import type { LogEntry } from '../protocol/messages';
import { h } from './dom';
import { stickToBottom } from './stick-to-bottom';

const MAX_LINES = 1000;

export type LogLine = LogEntry & { kind?: 'restart' | 'load-error' };

/**
 * Mounts the panel; `restart` backs its "Restart engine" button (a stuck or misbehaving engine).
 * The returned function appends one entry or a batch (the engine's logs come a frame at a time),
 * with one DOM append per batch and no layout read.
 */
export function mountLogs(root: HTMLElement, restart: () => Promise<unknown>): (entries: LogLine | readonly LogLine[]) => void {
  const list = root.querySelector<HTMLOListElement>('ol.log-lines')!;
  // The list scrolls inside a wrapper, so the wrapper can follow the list's growth (stickToBottom).
  const scroller = h('div', { className: 'log-scroll' });
  list.replaceWith(scroller);
  scroller.append(list);
  stickToBottom(scroller, list);
  const restartButton = h(
    'button',
    { type: 'button', className: 'quiet', title: 'Replace the engine Worker with a fresh one and load the app again' },
    'Restart engine',
  );
  restartButton.addEventListener('click', async () => {
    restartButton.disabled = true;
    try {
      await restart();
    } finally {
      restartButton.disabled = false;
    }
  });
  root
    .querySelector('.panel-head')!
    .append(
      h('div', { className: 'tools' }, restartButton, h('button', { type: 'button', className: 'quiet', onclick: () => list.replaceChildren() }, 'Clear')),
    );
  return (entries) => {
    const items = document.createDocumentFragment();
    for (const entry of 'level' in entries ? [entries] : entries.slice(-MAX_LINES)) {
      const kind = entry.kind ?? (entry.source === 'loader' && entry.level === 'error' ? 'load-error' : undefined);
      items.append(
        h(
          'li',
          { className: `${entry.level}${kind ? ` ${kind}` : ''}` },
          h('span', { className: 'source' }, `${new Date(entry.time).toLocaleTimeString()} ${entry.source}`),
          kind === 'load-error' ? h('strong', { className: 'tag' }, 'load error ') : kind === 'restart' ? h('strong', { className: 'tag' }, 'engine ') : null,
          entry.message,
        ),
      );
    }
    list.append(items);
    while (list.childElementCount > MAX_LINES) list.firstElementChild?.remove();
  };
}
