/**
 * The "Request" console: method, path (with query) and body, sent straight to the engine (no
 * preview frame needed), then status, headers and body. Guest output is shown as text only.
 */
import type { WireRequest, WireResponse } from '../protocol/messages';

export function mountRequestConsole(
  form: HTMLFormElement,
  out: { status: HTMLElement; headers: HTMLElement; body: HTMLElement },
  send: (request: WireRequest) => Promise<WireResponse>,
): void {
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const data = new FormData(form);
    const method = String(data.get('method') ?? 'GET');
    let path = String(data.get('path') ?? '/').trim() || '/';
    if (!path.startsWith('/')) path = `/${path}`;
    const bodyText = String(data.get('body') ?? '');
    const hasBody = bodyText !== '' && method !== 'GET' && method !== 'HEAD';
    const headers: Array<[string, string]> = hasBody ? [['content-type', guessContentType(bodyText)]] : [];
    const button = form.querySelector('button[type="submit"]') as HTMLButtonElement | null;
    if (button) button.disabled = true;
    out.status.textContent = 'Sending…';
    try {
      const response = await send({
        method,
        pathWithQuery: path,
        headers,
        body: hasBody ? (new TextEncoder().encode(bodyText).buffer as ArrayBuffer) : null,
      });
      // A streamed body (server-sent events, large responses) is shown once it ends.
      const bytes = response.body ? new Uint8Array(await new Response(response.body).arrayBuffer()) : new Uint8Array();
      showResponse(out, response, bytes);
    } catch (error) {
      out.status.textContent = `Request failed: ${error instanceof Error ? error.message : String(error)}`;
    } finally {
      if (button) button.disabled = false;
    }
  });
}

function guessContentType(body: string): string {
  const trimmed = body.trim();
  if (trimmed.startsWith('{') || trimmed.startsWith('[')) return 'application/json';
  if (/^[^=&\s]+=[^&]*(&[^=&\s]+=[^&]*)*$/.test(trimmed)) return 'application/x-www-form-urlencoded';
  return 'text/plain;charset=UTF-8';
}

function showResponse(out: { status: HTMLElement; headers: HTMLElement; body: HTMLElement }, response: WireResponse, bytes: Uint8Array): void {
  const timing = response.timing;
  const ms = timing ? ` · ${timing.totalMs < 0.1 ? '<0.1' : timing.totalMs.toFixed(1)} ms${timing.handledBy ? ` · ${timing.handledBy}` : ''}` : '';
  out.status.textContent = `${response.status}${ms}`;
  out.status.dataset.status = String(response.status);
  out.headers.textContent = response.headers.map(([n, v]) => `${n}: ${v}`).join('\n');
  out.body.textContent = describeBody(bytes, response.headers);
}

function describeBody(bytes: Uint8Array, headers: Array<[string, string]>): string {
  if (bytes.byteLength === 0) return '';
  const type = headers.find(([n]) => n.toLowerCase() === 'content-type')?.[1] ?? '';
  try {
    const text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    if (type.includes('json')) {
      try {
        return JSON.stringify(JSON.parse(text), null, 2);
      } catch {
        return text;
      }
    }
    return text;
  } catch {
    const hex = Array.from(bytes.subarray(0, 512), (b) => b.toString(16).padStart(2, '0')).join(' ');
    return `(${bytes.byteLength} bytes of binary)\n${hex}${bytes.byteLength > 512 ? ' …' : ''}`;
  }
}
