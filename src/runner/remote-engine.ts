/**
 * How a tab reaches its project's engine when another tab runs it. Tabs on the same project
 * share one preview origin, so one registration, one service worker and one IndexedDB: two
 * engines would each hold their own in-memory copy of the data and overwrite each other's writes.
 * So only the runner holding the Web Lock `ENGINE_LOCK` runs an engine; every other runner sends
 * its UI's messages over a port to that runner's `EngineHost` (the service worker passes the port
 * on, since two tabs have no other way to exchange one) and relays the answers and broadcasts.
 *
 * When the live tab closes its lock is released and the next runner takes over: messages that
 * were in flight are handed to the new host (`close()`); requests among them get 503, because
 * the old engine may or may not have run them.
 */
import type { AppBundle, EngineEvent, EngineToUi, UiToEngine, WireResponse } from '../protocol/messages';
import type { EngineUpstream, HostClient } from './engine-host';

/** How long the live tab's runner has to answer a new connection. */
const CONNECT_WAIT_MS = 3000;
const RETRY_MS = 1000;

interface InFlight {
  client: HostClient;
  id: number;
  message: UiToEngine;
}

export interface RemoteEngineOptions {
  /** A port to the live tab's host (through the service worker), or null if there is no way. */
  connect(): Promise<MessagePort | null>;
  /** A load this tab sent succeeded (the runner keeps the app for a later takeover). */
  onLoaded?(bundle: AppBundle): void;
  /** Connected to the live tab, or not reachable. */
  onState?(event: EngineEvent): void;
}

const encoder = new TextEncoder();

function unavailable(message: string): WireResponse {
  return { status: 503, headers: [['content-type', 'text/plain; charset=utf-8']], body: encoder.encode(`Spin Playground: ${message}\n`).buffer as ArrayBuffer };
}

export class RemoteEngine implements EngineUpstream {
  readonly #options: RemoteEngineOptions;
  readonly #clients = new Set<HostClient>();
  readonly #inFlight = new Map<number, InFlight>();
  #queue: Array<{ client: HostClient; message: UiToEngine }> = [];
  #port: MessagePort | null = null;
  #state: 'connecting' | 'connected' | 'unreachable' | 'closed' = 'connecting';
  #nextId = 1;

  constructor(options: RemoteEngineOptions) {
    this.#options = options;
    void this.#connect();
  }

  attach(client: HostClient): void {
    this.#clients.add(client);
  }

  detach(client: HostClient): void {
    this.#clients.delete(client);
  }

  receive(client: HostClient, message: UiToEngine): void {
    if (this.#state === 'closed') return;
    if (this.#state === 'connected') return this.#send(client, message);
    if (this.#state === 'unreachable' && message.type === 'request') {
      client.post({
        type: 'response',
        id: message.id,
        response: unavailable(
          'this project is open in another tab, which runs its engine, and this tab cannot reach it (no service worker). Close the other tab; this ' +
            'one then takes over.',
        ),
      });
      return;
    }
    this.#queue.push({ client, message });
  }

  /**
   * This tab takes over: stop relaying. Returns the messages the new host must handle (queued,
   * and in flight except requests, which are answered 503 here).
   */
  close(): Array<{ client: HostClient; message: UiToEngine }> {
    this.#state = 'closed';
    if (this.#port) {
      this.#port.onmessage = null;
      this.#port.close();
      this.#port = null;
    }
    const handOver = this.#queue;
    this.#queue = [];
    for (const entry of this.#inFlight.values()) {
      if (entry.message.type === 'request') {
        entry.client.post({
          type: 'response',
          id: entry.id,
          response: unavailable(
            "the tab that ran this project's engine closed while this request was in flight; this tab runs it now. Send the request again.",
          ),
        });
      } else {
        handOver.push({ client: entry.client, message: entry.message });
      }
    }
    this.#inFlight.clear();
    return handOver;
  }

  get #closed(): boolean {
    return this.#state === 'closed';
  }

  #send(client: HostClient, message: UiToEngine): void {
    const id = this.#nextId++;
    this.#inFlight.set(id, { client, id: message.id, message });
    const transfer = message.type === 'request' && message.request.body ? [message.request.body] : [];
    this.#port!.postMessage({ ...message, id }, transfer);
  }

  async #connect(): Promise<void> {
    while (this.#state !== 'closed' && this.#state !== 'connected') {
      const port = await this.#options.connect().catch(() => null);
      if (this.#closed) {
        port?.close();
        return;
      }
      if (port && (await this.#handshake(port))) return;
      port?.close();
      if (this.#state === 'connecting') {
        this.#state = 'unreachable';
        this.#options.onState?.({
          kind: 'live',
          where: 'none',
          message:
            'This project is open in another tab, which runs its engine, and this tab cannot reach it yet. It keeps trying, and takes over when ' +
            'that tab closes.',
        });
        // Requests queued so far cannot wait for an engine that may never come.
        const queued = this.#queue;
        this.#queue = [];
        for (const { client, message } of queued) this.receive(client, message);
      }
      await new Promise((resolve) => setTimeout(resolve, RETRY_MS));
    }
  }

  /** The live tab's host greets a new connection at once; no greeting means no host there. */
  #handshake(port: MessagePort): Promise<boolean> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        port.onmessage = null;
        resolve(false);
      }, CONNECT_WAIT_MS);
      port.onmessage = (event: MessageEvent<EngineToUi>) => {
        clearTimeout(timer);
        this.#port = port;
        this.#state = 'connected';
        port.onmessage = (e: MessageEvent<EngineToUi>) => this.#fromHost(e.data);
        this.#fromHost(event.data);
        const queued = this.#queue;
        this.#queue = [];
        for (const { client, message } of queued) this.#send(client, message);
        resolve(true);
      };
    });
  }

  #fromHost(message: EngineToUi): void {
    const id = (message as { id?: unknown }).id;
    if (typeof id !== 'number') {
      if (message.type === 'engine-event' && message.event.kind === 'live') this.#options.onState?.(message.event);
      else for (const client of this.#clients) client.post(message);
      return;
    }
    const entry = this.#inFlight.get(id);
    if (!entry) return;
    this.#inFlight.delete(id);
    if (message.type === 'loaded' && message.result.ok && entry.message.type === 'load') this.#options.onLoaded?.(entry.message.bundle);
    const transfer = message.type === 'response' && message.response.body ? [message.response.body as Transferable] : [];
    entry.client.post({ ...message, id: entry.id } as EngineToUi, transfer);
  }
}
