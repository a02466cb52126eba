/**
 * The steps of loading a component, timed one by one with the playground's own functions
 * (src/engine/components.ts, component-world.ts, transpile-cache.ts) in a dedicated Worker, as
 * the engine runs them. Run twice in fresh Workers on a fresh origin: the first run transpiles
 * (cold), the second finds the output in the IndexedDB cache (warm).
 */
/// <reference lib="webworker" />
import { $init } from '@bytecodealliance/jco-transpile/component';
import { prepareComponent } from '../../src/engine/components';
import { readComponentWorld } from '../../src/engine/component-world';
import { getTranspiled } from '../../src/engine/transpile-cache';
import { sha256Hex } from '../../src/bytes/sha256';

// Importing components.ts imports jco-transpile, whose `$init` starts fetching and compiling the
// 3.4 MB transpiler at once, whether or not a transpile will be needed.
let jcoReadyAt: number | null = null;
void $init.then(() => (jcoReadyAt = performance.now()));

self.onmessage = async (event: MessageEvent<{ bytes: ArrayBuffer }>) => {
  try {
    const bytes = new Uint8Array(event.data.bytes);
    const receivedAt = performance.now();
    let t = performance.now();
    const hash = await sha256Hex(bytes);
    const sha256Ms = performance.now() - t;
    t = performance.now();
    readComponentWorld(bytes);
    const worldMs = performance.now() - t;
    t = performance.now();
    const prepared = await (prepareComponent as (b: Uint8Array, bridge: string) => ReturnType<typeof prepareComponent>)(bytes, 'jspi');
    const prepareMs = performance.now() - t;
    // The cache write is not awaited by the engine; wait for it here so the next run can hit it.
    if (!prepared.stats.fromCache) {
      for (let i = 0; i < 100; i++) {
        if (await getTranspiled(`${hash}:jspi`, bytes)) break;
        await new Promise((r) => setTimeout(r, 50));
      }
    }
    self.postMessage({
      ok: true,
      receivedAt,
      sha256Ms,
      worldMs,
      prepareMs,
      stats: prepared.stats,
      jcoReadyAt,
    });
  } catch (error) {
    self.postMessage({ ok: false, error: error instanceof Error ? `${error.message}\n${error.stack}` : String(error) });
  }
};
