/**
 * The "Logs" panel: component stdout/stderr, host warnings, load errors and engine restarts, as
 * text only (never guest HTML). Load errors and restarts stand out.
 */
import type { LogEntry } from '../protocol/messages';
import { h } from './dom';

const MAX_LINES = 1000;

export type LogLine = LogEntry & { kind?: 'restart' | 'load-error' };

/** Mounts the panel; `restart` backs its "Restart engine" button (a stuck or misbehaving engine). */
export function mountLogs(root: HTMLElement, restart: () => Promise<unknown>): (entry: LogLine) => void {
  const list = root.querySelector<HTMLOListElement>('ol.log-lines')!;
  const restartButton = h('button', { type: 'button', className: 'quiet', title: 'Replace the engine Worker with a fresh one and load the app again' }, 'Restart engine');
  restartButton.addEventListener('click', async () => {
    restartButton.disabled = true;
    try {
      await restart();
    } finally {
      restartButton.disabled = false;
    }
  });
  root.querySelector('.panel-head')!.append(h('div', { className: 'tools' }, restartButton, h('button', { type: 'button', className: 'quiet', onclick: () => list.replaceChildren() }, 'Clear')));
  return (entry) => {
    const kind = entry.kind ?? (entry.source === 'loader' && entry.level === 'error' ? 'load-error' : undefined);
    const item = h('li', { className: `${entry.level}${kind ? ` ${kind}` : ''}` },
      h('span', { className: 'source' }, `${new Date(entry.time).toLocaleTimeString()} ${entry.source}`),
      kind === 'load-error' ? h('strong', { className: 'tag' }, 'load error ') : kind === 'restart' ? h('strong', { className: 'tag' }, 'engine ') : null,
      entry.message);
    const atBottom = list.scrollTop + list.clientHeight >= list.scrollHeight - 4;
    list.append(item);
    while (list.childElementCount > MAX_LINES) list.firstElementChild?.remove();
    if (atBottom) list.scrollTop = list.scrollHeight;
  };
}
