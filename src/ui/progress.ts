/**
 * Progress for long work, in the top bar: downloading the app (bytes, from a counting `fetch`),
 * then transpiling and compiling its components in the engine (a phase with elapsed time: the
 * engine reports no finer steps).
 */
import { h } from './dom';
import { formatBytes } from '../bytes/size';

export class Progress {
  readonly element: HTMLElement;
  readonly #bar: HTMLProgressElement;
  readonly #label: HTMLElement;
  readonly #downloads = new Map<string, { loaded: number; total: number }>();
  #phaseTimer = 0;

  constructor() {
    this.#bar = h('progress', { max: 1 });
    this.#label = h('span', { className: 'progress-label' });
    this.element = h('div', { className: 'progress', role: 'group', 'aria-label': 'Progress', hidden: true }, this.#bar, this.#label);
  }

  /** A `fetch` that reports the bytes of every response body it reads. */
  countingFetch(): typeof fetch {
    return async (input, init) => {
      const response = await fetch(input, init);
      if (!response.body || !response.ok) return response;
      const url = input instanceof Request ? input.url : String(input);
      const total = Number(response.headers.get('content-length')) || 0;
      const entry = { loaded: 0, total };
      this.#downloads.set(url, entry);
      this.#showDownloads();
      const counted = response.body.pipeThrough(
        new TransformStream<Uint8Array, Uint8Array>({
          transform: (chunk, controller) => {
            entry.loaded += chunk.byteLength;
            this.#showDownloads();
            controller.enqueue(chunk);
          },
        }),
      );
      return new Response(counted, { status: response.status, statusText: response.statusText, headers: response.headers });
    };
  }

  /** A phase without byte counts (transpile and compile), with elapsed seconds. */
  phase(label: string): void {
    clearInterval(this.#phaseTimer);
    const started = performance.now();
    this.element.hidden = false;
    this.#bar.removeAttribute('value');
    const tick = () => (this.#label.textContent = `${label} ${((performance.now() - started) / 1000).toFixed(1)} s`);
    tick();
    this.#phaseTimer = window.setInterval(tick, 100);
  }

  done(): void {
    clearInterval(this.#phaseTimer);
    this.#downloads.clear();
    this.element.hidden = true;
  }

  #showDownloads(): void {
    clearInterval(this.#phaseTimer);
    let loaded = 0;
    let total = 0;
    for (const d of this.#downloads.values()) {
      loaded += d.loaded;
      total += d.total || d.loaded;
    }
    this.element.hidden = false;
    if (total > 0) this.#bar.value = Math.min(loaded / total, 1);
    this.#label.textContent =
      `Downloading ${this.#downloads.size} file${this.#downloads.size === 1 ? '' : 's'}: ` +
      `${formatBytes(loaded)}${total ? ` of ${formatBytes(total)}` : ''}`;
  }
}
