/**
 * The persistence benchmark page. Each step runs in a fresh Worker (so its IndexedDB connection
 * closes when it ends), on this page's origin's own `spin-playground-kv` database:
 *   window.persistFill(bytes)  delete the database, grow a new one to `bytes` and checkpoint it;
 *   window.persistWrites(o)    reopen it and time `o.count` writes, each followed by flush().
 * The bench opens one such page per database size, each on its own origin (port), so the sizes
 * can be measured in interleaved rounds.
 */
const DB_NAME = 'spin-playground-kv'; // src/storage/persistence.ts

function step<T>(message: unknown): Promise<T> {
  const worker = new Worker(new URL('./persist-worker.ts', import.meta.url), { type: 'module' });
  return new Promise<T>((resolve, reject) => {
    worker.onmessage = (event: MessageEvent<{ ok: boolean; error?: string } & T>) => {
      worker.terminate();
      if (event.data.ok) resolve(event.data);
      else reject(new Error(event.data.error));
    };
    worker.onerror = (event) => {
      worker.terminate();
      reject(new Error(event.message));
    };
    worker.postMessage(message);
  });
}

function deleteDatabase(): Promise<void> {
  return new Promise((resolve, reject) => {
    const request = indexedDB.deleteDatabase(DB_NAME);
    request.onsuccess = () => resolve();
    request.onerror = () => reject(request.error);
    request.onblocked = () => reject(new Error('deleteDatabase blocked: a connection is still open'));
  });
}

const api = {
  async persistFill(targetBytes: number) {
    await deleteDatabase();
    return step<{ rows: number; dbBytes: number; exportMs: number; checkpointMs: number }>({ cmd: 'fill', targetBytes });
  },
  async persistWrites(options: { count: number; warmup: number; valueBytes: number }) {
    const result = await step<{ dbBytes: number; openMs: number; durations: number[]; setMs: number[] }>({
      cmd: 'writes',
      count: options.warmup + options.count,
      valueBytes: options.valueBytes,
    });
    return { ...result, durations: result.durations.slice(options.warmup), setMs: result.setMs.slice(options.warmup) };
  },
  persistCleanUp: deleteDatabase,
};

Object.assign(window, api);
document.title += ' (ready)';
