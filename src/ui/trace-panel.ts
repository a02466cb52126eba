/**
 * The "Trace" panel: for each request (from the preview or the console), how it was routed, every
 * host call its component made in order with arguments and outcome, and the timing split. Times
 * below the browser's timer resolution show as "<0.1 ms". Text only.
 */
import type { RequestTrace, TraceCall } from '../protocol/messages';
import { h } from './dom';
import { formatMs } from './format';
import { stickToBottom } from './stick-to-bottom';

const MAX_TRACES = 300;

export class TracePanel {
  readonly #list: HTMLElement;
  readonly #rows: HTMLElement;
  readonly #detail: HTMLElement;
  readonly #follow: HTMLInputElement;
  readonly #traces = new Map<number, { trace: RequestTrace; row: HTMLElement }>();
  #selected: number | null = null;

  constructor(root: HTMLElement) {
    this.#follow = h('input', { type: 'checkbox', checked: true });
    const clear = h('button', { type: 'button', className: 'quiet', onclick: () => this.clear() }, 'Clear');
    root.querySelector('.panel-head')!.append(h('div', { className: 'tools' }, h('label', { className: 'check' }, this.#follow, 'Follow latest'), clear));
    this.#rows = h('div', { className: 'trace-rows' });
    this.#list = h('div', { className: 'trace-list', role: 'listbox', 'aria-label': 'Requests', tabindex: 0 }, this.#rows);
    this.#detail = h('div', { className: 'trace-detail', 'aria-label': 'Trace details', role: 'group' });
    this.#detail.append(
      h('p', { className: 'hint' }, 'Send a request (or use the preview) to see how Spin routes it and every host call the component makes.'),
    );
    this.#list.addEventListener('keydown', (event) => this.#onKey(event));
    stickToBottom(this.#list, this.#rows, () => this.#follow.checked);
    root.append(this.#list, this.#detail);
  }

  /**
   * Add a batch of traces in order, or update ones the engine sends again (a streamed body made
   * more calls). The new rows go in with one append and the details are drawn once, for the
   * trace that ends up selected; nothing here reads layout.
   */
  add(traces: readonly RequestTrace[]): void {
    const added = document.createDocumentFragment();
    let redraw: number | null = null;
    for (const trace of traces) {
      const known = this.#traces.get(trace.id);
      const row = this.#row(trace);
      if (known) {
        known.row.replaceWith(row);
        known.trace = trace;
        known.row = row;
      } else {
        this.#traces.set(trace.id, { trace, row });
        added.append(row);
      }
      if (this.#follow.checked || this.#selected === trace.id) redraw = trace.id;
    }
    this.#rows.append(added);
    for (const [id, { row }] of this.#traces) {
      if (this.#traces.size <= MAX_TRACES) break;
      row.remove();
      this.#traces.delete(id);
      if (this.#selected === id) this.#selected = null;
    }
    if (this.#selected !== null) this.#traces.get(this.#selected)?.row.setAttribute('aria-selected', 'true');
    if (redraw !== null) this.#select(redraw, false);
  }

  clear(): void {
    this.#traces.clear();
    this.#selected = null;
    this.#rows.replaceChildren();
    this.#detail.replaceChildren(h('p', { className: 'hint' }, 'Cleared.'));
  }

  #row(trace: RequestTrace): HTMLElement {
    const total = trace.timing ? formatMs(trace.timing.totalMs) : '…';
    const calls = trace.calls.length;
    const failed = trace.calls.some((c) => !c.outcome.startsWith('ok'));
    const row = h(
      'div',
      {
        className: `trace-row${failed ? ' has-error' : ''}`,
        role: 'option',
        'aria-selected': 'false',
        'data-id': trace.id,
        onclick: () => this.#select(trace.id, true),
      },
      h('span', { className: `badge ${trace.source}` }, trace.source === 'console' ? 'console' : 'preview'),
      h('span', { className: 'method' }, trace.method),
      h('span', { className: 'path' }, trace.pathWithQuery),
      h('span', { className: `status s${String(trace.status ?? 0)[0]}` }, trace.status === undefined ? '…' : `→ ${trace.status}`),
      h('span', { className: 'muted' }, `${total} · ${calls} call${calls === 1 ? '' : 's'}`),
    );
    return row;
  }

  #select(id: number, byUser: boolean): void {
    const entry = this.#traces.get(id);
    if (!entry) return;
    // Picking an older request stops following; picking the newest resumes it.
    if (byUser) this.#follow.checked = id === [...this.#traces.keys()].pop();
    if (this.#selected !== null) this.#traces.get(this.#selected)?.row.setAttribute('aria-selected', 'false');
    this.#selected = id;
    entry.row.setAttribute('aria-selected', 'true');
    this.#detail.replaceChildren(...detail(entry.trace));
  }

  #onKey(event: KeyboardEvent): void {
    if (event.key !== 'ArrowDown' && event.key !== 'ArrowUp') return;
    event.preventDefault();
    const ids = [...this.#traces.keys()];
    const at = this.#selected === null ? ids.length : ids.indexOf(this.#selected);
    const next = ids[Math.min(Math.max(at + (event.key === 'ArrowDown' ? 1 : -1), 0), ids.length - 1)];
    if (next !== undefined) {
      this.#select(next, true);
      this.#traces.get(next)?.row.scrollIntoView({ block: 'nearest' });
    }
  }
}

function detail(trace: RequestTrace): Node[] {
  const heading = h(
    'div',
    { className: 'trace-title' },
    `${trace.method} ${trace.pathWithQuery} → ${trace.status ?? '…'}`,
    h('span', { className: 'muted' }, ` · from the ${trace.source} · ${new Date(trace.startedAt).toLocaleTimeString()}`),
  );
  return [heading, routeLine(trace), timingLine(trace), calls(trace)];
}

function routeLine(trace: RequestTrace): HTMLElement {
  const line = h('div', { className: 'trace-route' });
  switch (trace.kind) {
    case 'component':
      line.append('Route ', h('code', {}, trace.route ?? ''), ' matched → component ', h('code', {}, trace.handledBy ?? ''));
      if (trace.instance) {
        const { id, request, maxReuse, inFlight } = trace.instance;
        line.append(` · instance #${id}, request ${request} of up to ${maxReuse} (${inFlight} in flight)`);
      }
      break;
    case 'static':
      line.append('Route ', h('code', {}, trace.route ?? ''), ' matched → static_response of trigger ', h('code', {}, trace.handledBy ?? ''));
      break;
    case 'reserved':
      line.append(
        'Reserved Spin path ',
        h('code', {}, '/.well-known/spin/…'),
        trace.handledBy ? ` (${trace.handledBy})` : ' (404)',
        ': answered by the runtime, not the app',
      );
      break;
    case 'no-route':
      line.append('No route matched: Spin answers 404 with an empty body');
      break;
    case 'no-app':
      line.append('No app loaded yet: 503');
      break;
  }
  return line;
}

const PHASES = [
  ['routeMs', 'routing'],
  ['instantiateMs', 'instantiation'],
  ['handlerMs', 'handler'],
  ['persistMs', 'persistence'],
] as const;

function timingLine(trace: RequestTrace): HTMLElement {
  const timing = trace.timing;
  if (!timing) return h('div', { className: 'trace-timing muted' }, 'Running…');
  const bar = h('div', { className: 'timing-bar', 'aria-hidden': 'true' });
  const total = Math.max(timing.totalMs, 0.001);
  for (const [key, name] of PHASES)
    bar.append(
      h('span', { className: `phase ${key}`, style: `width:${Math.max((timing[key] / total) * 100, 0)}%`, title: `${name}: ${formatMs(timing[key])}` }),
    );
  const text = PHASES.map(([key, name]) => `${name} ${formatMs(timing[key])}`).join(' · ');
  return h(
    'div',
    { className: 'trace-timing' },
    bar,
    h('span', {}, `${text} · total ` + `${formatMs(timing.totalMs)}${trace.streaming ? ' (body streamed)' : ''}`),
  );
}

/** When a call returned (or, for an async call, started), from the start of the request. */
const at = (ms: number) => (ms < 0.1 ? '<0.1 ms' : `+${formatMs(ms)}`);

function calls(trace: RequestTrace): HTMLElement {
  if (trace.calls.length === 0) {
    const why =
      trace.kind === 'component' ? 'No host calls: the component answered without key-value, variables, SQLite or outbound HTTP.' : 'No component ran.';
    return h('p', { className: 'hint' }, why);
  }
  const multi = new Set(trace.calls.map((c) => c.component)).size > 1;
  return h(
    'ol',
    { className: 'trace-calls', 'aria-label': 'Host calls' },
    ...trace.calls.map((c: TraceCall) => {
      const kind = c.outcome.startsWith('ok') ? 'ok' : c.outcome.startsWith('trap') ? 'trap' : c.outcome ? 'err' : 'note';
      return h(
        'li',
        { className: `call ${kind}` },
        h('span', { className: 'at' }, c.startMs === undefined ? at(c.atMs) : `${at(c.startMs)} → ${at(c.atMs)}`),
        h(
          'span',
          { className: 'body' },
          multi && c.component ? h('span', { className: 'who' }, `${c.component} `) : null,
          h('code', { className: 'what' }, c.call),
          c.outcome ? h('code', { className: 'outcome' }, ` → ${c.outcome}`) : null,
        ),
      );
    }),
  );
}
