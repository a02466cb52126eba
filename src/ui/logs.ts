/** The "Logs" panel: component stdout/stderr, host warnings and load errors, as text only. */
import type { LogEntry } from '../protocol/messages';

const MAX_LINES = 1000;

export function mountLogs(list: HTMLOListElement): (entry: LogEntry) => void {
  return (entry) => {
    const item = document.createElement('li');
    item.className = entry.level;
    const source = document.createElement('span');
    source.className = 'source';
    source.textContent = `${new Date(entry.time).toLocaleTimeString()} ${entry.source}`;
    item.append(source, document.createTextNode(entry.message));
    const atBottom = list.scrollTop + list.clientHeight >= list.scrollHeight - 4;
    list.append(item);
    while (list.childElementCount > MAX_LINES) list.firstElementChild?.remove();
    if (atBottom) list.scrollTop = list.scrollHeight;
  };
}
