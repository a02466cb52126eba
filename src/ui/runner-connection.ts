/**
 * Starts the project's runner frame on its preview origin and hands back engine clients: one
 * when the runner first says it is ready, and a new one whenever it says so again (its page was
 * reloaded, so the engine behind it is a fresh one). The previous client is then disposed, so
 * its calls still waiting fail instead of hanging. Messages are accepted only from that frame
 * and that origin. The runner waits for this page's `connect` before it starts anything, so the
 * port goes out as soon as the runner's page says it has loaded.
 */
import { RUNNER_PATH, isMessage, type RunnerToUi } from '../protocol/messages';
import { EngineClient } from './engine-client';

export function connectRunner(
  previewOrigin: string,
  options: {
    query: string;
    onClient(client: EngineClient, first: boolean): void;
    onError(message: string): void;
    /** The service worker can serve the preview (it may come after the engine's client). */
    onPreviewReady(): void;
  },
): void {
  const frame = document.createElement('iframe');
  frame.hidden = true;
  frame.title = 'Spin engine (runner)';
  frame.src = `${previewOrigin}${RUNNER_PATH}${options.query}`;
  let first = true;
  /** The port sent with `connect` to the runner page now loaded, until it says it is ready. */
  let port: MessagePort | null = null;
  let current: EngineClient | null = null;
  window.addEventListener('message', (event) => {
    if (event.source !== frame.contentWindow || event.origin !== previewOrigin) return;
    const message = event.data as RunnerToUi;
    if (isMessage<Extract<RunnerToUi, { type: 'runner-error' }>>(message, 'runner-error')) {
      options.onError(message.message);
    } else if (message.type === 'preview-ready') {
      options.onPreviewReady();
    } else if (message.type === 'runner-loaded') {
      const channel = new MessageChannel();
      frame.contentWindow!.postMessage({ type: 'connect', port: channel.port2 }, previewOrigin, [channel.port2]);
      port = channel.port1;
    } else if (message.type === 'runner-ready' && port) {
      current?.dispose('the runner started a fresh engine');
      current = new EngineClient(port);
      options.onClient(current, first);
      port = null;
      first = false;
    }
  });
  frame.addEventListener('error', () => options.onError(`the runner at ${frame.src} did not load`));
  document.body.append(frame);
}
