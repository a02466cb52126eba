/**
 * `window.runLoadBench(wasmUrl)`: the component load steps, cold then warm (each in a fresh
 * Worker), and the cost of handing 12 MB of component bytes to a Worker by structured clone
 * (what `EngineClient.load` does: the bundle is posted without a transfer list) versus transfer.
 */
function run(bytes: ArrayBuffer) {
  const worker = new Worker(new URL('./load-worker.ts', import.meta.url), { type: 'module' });
  return new Promise<Record<string, unknown>>((resolve, reject) => {
    worker.onmessage = (event) => {
      worker.terminate();
      if (event.data.ok) resolve(event.data);
      else reject(new Error(event.data.error));
    };
    worker.onerror = (event) => reject(new Error(event.message));
    worker.postMessage({ bytes }, [bytes]);
  });
}

async function postCost(bytes: ArrayBuffer, transfer: boolean): Promise<number> {
  const source = 'self.onmessage = (e) => self.postMessage(e.data.bytes.byteLength);';
  const worker = new Worker(URL.createObjectURL(new Blob([source], { type: 'text/javascript' })));
  await new Promise<void>((resolve) => {
    worker.onmessage = () => resolve();
    worker.postMessage({ bytes: new ArrayBuffer(8) });
  });
  const copy = bytes.slice(0);
  const started = performance.now();
  await new Promise<void>((resolve) => {
    worker.onmessage = () => resolve();
    worker.postMessage({ bytes: copy }, transfer ? [copy] : []);
  });
  const elapsed = performance.now() - started;
  worker.terminate();
  return elapsed;
}

(window as unknown as { runLoadBench: unknown }).runLoadBench = async (wasmUrl: string) => {
  const bytes = await (await fetch(wasmUrl)).arrayBuffer();
  const clone = [await postCost(bytes, false), await postCost(bytes, false)];
  const transfer = [await postCost(bytes, true), await postCost(bytes, true)];
  const cold = await run(bytes.slice(0));
  const warm = await run(bytes.slice(0));
  return { bytes: bytes.byteLength, postMessageCloneMs: clone, postMessageTransferMs: transfer, cold, warm };
};
