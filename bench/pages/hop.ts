/**
 * `window.runHop(warmup, samples)`: sequential fetches through a bare service worker with none of
 * the playground's code (public/hop-sw.js): answered by the service worker (ping), forwarded
 * straight to a dedicated Worker (echo), or relayed through this page's main thread (relay), with
 * an extra acknowledgement message (relay-ack). The platform's own cost of each design.
 *
 * `window.runHopBody(size, warmup, samples, blob)`: POSTs of `size` bytes (a Uint8Array, or a
 * Blob) that the Worker sends back (echo, and relay through this page), checked byte for byte: the
 * floor of a body's round trip, as `p3.echo1MiB` measures it through the playground.
 */
async function setUp(): Promise<void> {
  await navigator.serviceWorker.register('./hop-sw.js', { scope: './' });
  if (!navigator.serviceWorker.controller) {
    await new Promise<void>((resolve) => navigator.serviceWorker.addEventListener('controllerchange', () => resolve(), { once: true }));
  }
  const active = (await navigator.serviceWorker.ready).active!;
  const worker = new Worker('./hop-worker.js');
  const direct = new MessageChannel(); // service worker <-> Worker
  const relay = new MessageChannel(); // service worker <-> this page
  const inner = new MessageChannel(); // this page <-> Worker
  worker.postMessage({ port: direct.port1 }, [direct.port1]);
  worker.postMessage({ port: inner.port1 }, [inner.port1]);
  relay.port1.onmessage = (event) => {
    if (event.data.ack) relay.port1.postMessage({ type: 'ack', id: event.data.id });
    inner.port2.postMessage(event.data, event.data.body ? [event.data.body] : []);
  };
  inner.port2.onmessage = (event) => relay.port1.postMessage(event.data, event.data.body ? [event.data.body] : []);
  await new Promise<void>((resolve) => {
    navigator.serviceWorker.addEventListener('message', (event) => {
      if (event.data?.type === 'ports-ok') resolve();
    });
    active.postMessage({ type: 'ports', direct: direct.port2, relay: relay.port2 }, [direct.port2, relay.port2]);
  });
}

async function time(path: string, warmup: number, samples: number): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < warmup + samples; i++) {
    const started = performance.now();
    await (await fetch(path)).arrayBuffer();
    if (i >= warmup) out.push(performance.now() - started);
  }
  return out;
}

const ready = setUp();
(window as unknown as { runHop: unknown }).runHop = async (warmup: number, samples: number) => {
  await ready;
  const out: Record<string, number[]> = { ping: [], echo: [], relay: [], relayAck: [] };
  const paths: Record<string, string> = { ping: './hop-ping', echo: './hop-echo', relay: './hop-relay', relayAck: './hop-relay-ack' };
  for (const [_name, path] of Object.entries(paths)) await time(path, warmup, 0);
  // Interleaved rounds, so that load changes on the machine affect every path alike.
  const rounds = Math.max(1, Math.round(samples / 30));
  for (let r = 0; r < rounds; r++) {
    for (const [name, path] of Object.entries(paths)) out[name]!.push(...(await time(path, 0, 30)));
  }
  return out;
};

(window as unknown as { runHopBody: unknown }).runHopBody = async (size: number, warmup: number, samples: number, blob: boolean) => {
  await ready;
  const body = new Uint8Array(size);
  for (let i = 0; i < size; i++) body[i] = (i * 2654435761) >>> 24;
  const sent = blob ? new Blob([body]) : body;
  const out: Record<string, number[]> = { echo: [], relay: [] };
  const paths: Record<string, string> = { echo: './hop-echo', relay: './hop-relay' };
  for (let i = 0; i < warmup + samples; i++) {
    for (const [name, path] of Object.entries(paths)) {
      const started = performance.now();
      const echoed = new Uint8Array(await (await fetch(path, { method: 'POST', body: sent })).arrayBuffer());
      const elapsed = performance.now() - started;
      if (echoed.length !== size || echoed.some((b, j) => b !== body[j])) throw new Error(`${path}: the echoed body differs from the ${size} bytes sent`);
      if (i >= warmup) out[name]!.push(elapsed);
    }
  }
  return out;
};
