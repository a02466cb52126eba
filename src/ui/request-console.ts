/**
 * The "Request" console: method, path (with query), headers and a body (text or JSON), sent
 * straight to the engine (no preview frame needed). The response shows status, timing split,
 * headers and body; every request goes to a replayable history; "Copy as curl" gives the same
 * request against `spin up`. Guest output is shown as text only.
 */
import { MAX_CONSOLE_BODY_BYTES, readKeeping } from '../loader/byte-caps';
import type { WireRequest, WireResponse } from '../protocol/messages';
import { copyText } from './actions';
import { curlCommand } from './curl';
import { HeadersEditor } from './headers-editor';
import { RequestHistory, type HistoryEntry } from './request-history';
import { ResponseView } from './response-view';
import { prettyJson } from './format';

export interface RequestConsoleDeps {
  send(request: WireRequest): Promise<WireResponse>;
  openInPreview(path: string): void;
  projectId: string;
  /** How much of a response body to keep and show (default `MAX_CONSOLE_BODY_BYTES`). */
  keepBodyBytes?: number;
}

/** The console's request as a share link carries it, and loading one into it (not sent). */
export interface RequestConsoleHandle {
  current(): HistoryEntry;
  fill(entry: HistoryEntry): void;
}

export function mountRequestConsole(root: HTMLElement, deps: RequestConsoleDeps): RequestConsoleHandle {
  const form = root.querySelector<HTMLFormElement>('form.request-form')!;
  const field = <T extends Element>(selector: string) => root.querySelector<T & HTMLElement>(selector)!;
  const method = field<HTMLSelectElement>('[name="method"]');
  const path = field<HTMLInputElement>('[name="path"]');
  const body = field<HTMLTextAreaElement>('[name="body"]');
  const bodyType = field<HTMLSelectElement>('[name="bodyType"]');
  const curlOut = field<HTMLOutputElement>('.curl-out');
  const headers = new HeadersEditor(field<HTMLDetailsElement>('details.headers-editor'));
  const view = new ResponseView(
    {
      status: field('.response-status'),
      timing: field('.response-timing'),
      headers: field('.response-headers'),
      body: field('.response-body'),
      views: field('.response-views'),
    },
    deps.openInPreview,
  );

  const current = (): HistoryEntry => {
    let p = path.value.trim() || '/';
    if (!p.startsWith('/')) p = `/${p}`;
    return { method: method.value, path: p, headers: headers.value, body: body.value, bodyType: bodyType.value, time: Date.now() };
  };
  const fill = (entry: HistoryEntry) => {
    method.value = entry.method;
    path.value = entry.path;
    headers.value = entry.headers;
    body.value = entry.body;
    bodyType.value = entry.bodyType;
  };
  const history = new RequestHistory(field<HTMLDetailsElement>('details.history'), deps.projectId, {
    load: fill,
    replay: (entry) => {
      fill(entry);
      void send(entry);
    },
  });

  const send = async (entry: HistoryEntry): Promise<void> => {
    const hasBody = entry.body !== '' && entry.method !== 'GET' && entry.method !== 'HEAD';
    if (hasBody && entry.bodyType === 'json' && prettyJson(entry.body) === null) {
      view.failed('the body is not valid JSON (switch Body to Text to send it as it is)');
      return;
    }
    const sent = withContentType(entry, hasBody);
    const button = form.querySelector<HTMLButtonElement>('button[type="submit"]');
    if (button) button.disabled = true;
    view.pending();
    try {
      const response = await deps.send({
        method: entry.method,
        pathWithQuery: entry.path,
        headers: sent,
        body: hasBody ? (new TextEncoder().encode(entry.body).buffer as ArrayBuffer) : null,
      });
      // A streamed body (server-sent events, large responses) is shown once it ends. The console
      // keeps its first bytes only: an app that streams without end must not fill the page's memory.
      const { kept, total } = await readKeeping(response.body, deps.keepBodyBytes ?? MAX_CONSOLE_BODY_BYTES);
      view.show(response, kept, entry.method, entry.path, total);
      history.add({ ...entry, status: response.status, ...(response.timing ? { totalMs: response.timing.totalMs } : {}), time: Date.now() });
    } catch (error) {
      view.failed(error instanceof Error ? error.message : String(error));
    } finally {
      if (button) button.disabled = false;
    }
  };

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    void send(current());
  });
  body.addEventListener('keydown', (event) => {
    if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      form.requestSubmit();
    }
  });
  field<HTMLButtonElement>('.format-json').addEventListener('click', () => {
    const pretty = prettyJson(body.value);
    if (pretty !== null) {
      body.value = pretty;
      bodyType.value = 'json';
    }
  });
  field<HTMLButtonElement>('.copy-curl').addEventListener('click', async () => {
    const entry = current();
    const command = curlCommand({ ...entry, headers: withContentType(entry, entry.body !== '' && entry.method !== 'GET' && entry.method !== 'HEAD') });
    curlOut.value = command;
    const copied = await copyText(command);
    curlOut.dataset.copied = String(copied);
    curlOut.title = copied ? 'Copied to the clipboard' : 'Select and copy';
  });
  return { current, fill };
}

/** The headers to send: the user's, plus a content-type for the body unless they set one. */
function withContentType(entry: HistoryEntry, hasBody: boolean): Array<[string, string]> {
  const sent = entry.headers.slice();
  if (hasBody && !sent.some(([n]) => n.toLowerCase() === 'content-type')) {
    sent.push(['content-type', entry.bodyType === 'json' ? 'application/json' : guessContentType(entry.body)]);
  }
  return sent;
}

function guessContentType(body: string): string {
  const trimmed = body.trim();
  if (trimmed.startsWith('{') || trimmed.startsWith('[')) return 'application/json';
  if (/^[^=&\s]+=[^&]*(&[^=&\s]+=[^&]*)*$/.test(trimmed)) return 'application/x-www-form-urlencoded';
  return 'text/plain;charset=UTF-8';
}
