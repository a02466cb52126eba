/**
 * Where a component load's time goes, step by step, with the playground's own functions in a
 * bench page Worker (bench/pages/load-worker.ts): sha256, reading the component's world,
 * prepareComponent (transpile or cache read, then compile + glue import), and when the eagerly
 * started jco transpiler becomes ready. Plus the cost of posting 12 MB of component bytes to a
 * Worker by structured clone versus by transfer.
 */
import type { Browser } from 'playwright-core';
import { round } from '../lib/stats.ts';

export async function measureLoadSteps(browser: Browser, pagesUrl: string, wasmUrl: string) {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(`${pagesUrl}/load.html`);
  await page.waitForFunction(() => 'runLoadBench' in window);
  const raw = (await page.evaluate((url) => (window as unknown as { runLoadBench(u: string): Promise<unknown> }).runLoadBench(url), wasmUrl)) as {
    bytes: number;
    postMessageCloneMs: number[];
    postMessageTransferMs: number[];
    cold: Step;
    warm: Step;
  };
  await context.close();
  const shape = (s: Step) => ({
    sha256Ms: round(s.sha256Ms, 1),
    readWorldMs: round(s.worldMs, 1),
    prepareMs: round(s.prepareMs, 1),
    transpileOrCacheReadMs: round(s.stats.transpileMs, 1),
    compileAndGlueImportMs: round(s.stats.compileMs, 1),
    fromCache: s.stats.fromCache,
    jcoTranspilerReadyAtMs: s.jcoReadyAt === null ? null : round(s.jcoReadyAt, 1),
    bytesReceivedAtMs: round(s.receivedAt, 1),
  });
  return {
    note:
      'Times in ms, in a fresh dedicated Worker each (timeOrigin = Worker start), on a fresh origin. cold transpiles; warm reads the transpile ' +
      'cache. jcoTranspilerReadyAtMs: when the jco transpiler (3.4 MB wasm, fetched and compiled as soon as components.ts is imported) became ' +
      'ready, needed or not. postMessage*: handing the 12.3 MB component to a Worker and getting an answer back, copied (structured clone, as ' +
      'EngineClient.load posts the bundle) or transferred.',
    componentBytes: raw.bytes,
    cold: shape(raw.cold),
    warm: shape(raw.warm),
    postMessageCloneMs: raw.postMessageCloneMs.map((v) => round(v, 1)),
    postMessageTransferMs: raw.postMessageTransferMs.map((v) => round(v, 1)),
  };
}

interface Step {
  receivedAt: number;
  sha256Ms: number;
  worldMs: number;
  prepareMs: number;
  stats: { transpileMs: number; fromCache: boolean; compileMs: number };
  jcoReadyAt: number | null;
}
