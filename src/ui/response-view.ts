/**
 * The request console's response: status, the timing split (routing, instantiation, handler,
 * persistence), headers, and the body as pretty JSON, text or hex. HTML is never rendered here:
 * "Show in Preview" loads the path in the preview frame, on the app's own origin.
 */
import type { RequestTiming, WireResponse } from '../protocol/messages';
import { formatCap } from '../loader/byte-caps';
import { h } from './dom';
import { formatBytes } from '../bytes/size';
import { formatMs, hexDump, prettyJson, utf8OrNull } from './format';

type View = 'pretty' | 'text' | 'hex';

export interface ResponseElements {
  status: HTMLElement;
  timing: HTMLElement;
  headers: HTMLElement;
  body: HTMLElement;
  views: HTMLElement;
}

const REASONS: Record<number, string> = {
  200: 'OK',
  201: 'Created',
  202: 'Accepted',
  204: 'No Content',
  301: 'Moved Permanently',
  302: 'Found',
  303: 'See Other',
  304: 'Not Modified',
  307: 'Temporary Redirect',
  308: 'Permanent Redirect',
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  409: 'Conflict',
  413: 'Content Too Large',
  422: 'Unprocessable Content',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  501: 'Not Implemented',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
};

export class ResponseView {
  readonly #out: ResponseElements;
  readonly #openInPreview: (path: string) => void;
  #view: View = 'pretty';
  #last: { response: WireResponse; bytes: Uint8Array; method: string; path: string; total: number } | null = null;

  constructor(out: ResponseElements, openInPreview: (path: string) => void) {
    this.#out = out;
    this.#openInPreview = openInPreview;
  }

  pending(): void {
    this.#out.status.textContent = 'Sending…';
    delete this.#out.status.dataset.status;
  }

  failed(message: string): void {
    this.#out.status.textContent = `Request failed: ${message}`;
  }

  /** `total`: the body's full length, when only its first `bytes` were kept. */
  show(response: WireResponse, bytes: Uint8Array, method: string, path: string, total = bytes.byteLength): void {
    this.#last = { response, bytes, method, path, total };
    const timing = response.timing;
    const reason = REASONS[response.status];
    const extra = timing ? ` · ${formatMs(timing.totalMs)}${timing.handledBy ? ` · ${timing.handledBy}` : ''}` : '';
    this.#out.status.textContent = `${response.status}${reason ? ` ${reason}` : ''}${extra}`;
    this.#out.status.dataset.status = String(response.status);
    this.#out.timing.replaceChildren(...(timing ? timingSplit(timing) : []));
    this.#out.headers.textContent = response.headers.map(([n, v]) => `${n}: ${v}`).join('\n');
    this.#render();
  }

  #render(): void {
    const last = this.#last;
    if (!last) return;
    const { bytes, response, method, path, total } = last;
    const type = response.headers.find(([n]) => n.toLowerCase() === 'content-type')?.[1] ?? '';
    const text = bytes.byteLength === 0 ? '' : utf8OrNull(bytes);
    const view: View = text === null && this.#view !== 'hex' ? 'hex' : this.#view;
    let body: string;
    if (bytes.byteLength === 0) body = '';
    else if (view === 'hex') body = `(${formatBytes(bytes.byteLength)}${text === null ? ' of binary' : ''})\n${hexDump(bytes)}`;
    else if (view === 'pretty' && type.includes('json')) body = prettyJson(text!) ?? text!;
    else body = text!;
    this.#out.body.textContent = body;
    this.#out.body.dataset.view = view;
    const buttons = (['pretty', 'text', 'hex'] as const).map((name) =>
      h(
        'button',
        {
          type: 'button',
          className: 'seg',
          'aria-pressed': String(view === name),
          disabled: text === null && name !== 'hex',
          onclick: () => ((this.#view = name), this.#render()),
        },
        name === 'pretty' ? 'Pretty' : name === 'text' ? 'Text' : 'Hex',
      ),
    );
    const html = /text\/html|application\/xhtml/.test(type) && method === 'GET';
    this.#out.views.replaceChildren(
      h('div', { className: 'segmented', role: 'group', 'aria-label': 'Show body as' }, ...buttons),
      ...(html ? [h('button', { type: 'button', className: 'quiet', onclick: () => this.#openInPreview(path) }, 'Show in Preview')] : []),
      h(
        'span',
        { className: 'muted' },
        total > bytes.byteLength
          ? `${total.toLocaleString('en')} bytes: showing the first ${formatCap(bytes.byteLength)}, the rest was counted, not kept`
          : bytes.byteLength
            ? formatBytes(bytes.byteLength)
            : 'empty body',
      ),
    );
  }
}

const PHASES = [
  ['routeMs', 'Routing'],
  ['instantiateMs', 'Instantiation'],
  ['handlerMs', 'Handler'],
  ['persistMs', 'Persistence'],
] as const;

function timingSplit(timing: RequestTiming): HTMLElement[] {
  const total = Math.max(timing.totalMs, 0.001);
  const bar = h('div', { className: 'timing-bar', 'aria-hidden': 'true' });
  for (const [key, name] of PHASES)
    bar.append(h('span', { className: `phase ${key}`, style: `width:${(timing[key] / total) * 100}%`, title: `${name}: ${formatMs(timing[key])}` }));
  const legend = h('dl', { className: 'timing-legend', 'aria-label': 'Timing' });
  for (const [key, name] of PHASES) legend.append(h('div', {}, h('dt', { className: `swatch ${key}` }, name), h('dd', {}, formatMs(timing[key]))));
  legend.append(h('div', {}, h('dt', {}, 'Total'), h('dd', {}, formatMs(timing.totalMs))));
  return [bar, legend];
}
