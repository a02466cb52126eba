/**
 * `window.spinPlayground`: what the benchmark and the browser tests drive and read. Its shape is
 * an interface of its own (bench/lib/page.ts watches the assignment), so it changes only with them.
 */
import type { EngineClient } from '../ui/engine-client';
import type { KvRenderStats } from '../ui/kv-explorer';

/** The last in-page JS build: build time and time from Run to the first response. */
export interface AuthoringTimings {
  buildMs: number;
  firstResponseMs: number | null;
}

export interface PlaygroundHook {
  engine: EngineClient | null;
  kvExplorerRenderMs: number | null;
  kvExplorerStats: KvRenderStats | null;
  /** The last in-page JS build (the bench reads it). */
  authoring: AuthoringTimings | null;
  /** Re-read the explorer's current store and resolve with the timing of that render. */
  refreshKvExplorer(): Promise<KvRenderStats | null>;
}

interface Explorer {
  refresh(): Promise<void>;
  readonly lastRender: KvRenderStats | null;
}

/** The hook, unpublished; `explorer` is asked for when a test refreshes it. */
export function createTestHook(explorer: () => Explorer): PlaygroundHook {
  return {
    engine: null,
    kvExplorerRenderMs: null,
    kvExplorerStats: null,
    authoring: null,
    refreshKvExplorer: async () => {
      await explorer().refresh();
      return explorer().lastRender;
    },
  };
}

/** The explorer's stats callback: keeps the last render's timing on the hook and logs it to the console. */
export function reportKvRenders(hook: PlaygroundHook): (stats: KvRenderStats) => void {
  return (stats) => {
    hook.kvExplorerRenderMs = stats.totalMs;
    hook.kvExplorerStats = stats;
    const parts = `query ${stats.queryMs.toFixed(1)} ms, render ${stats.renderMs.toFixed(1)} ms`;
    console.info(`[kv-explorer] ${stats.keys} keys: ${stats.totalMs.toFixed(1)} ms (${parts})`);
  };
}

/** Published once the engine is connected: the bench watches for the assignment. */
export function publishTestHook(hook: PlaygroundHook): void {
  (window as unknown as { spinPlayground: PlaygroundHook }).spinPlayground = hook;
}
