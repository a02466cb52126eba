/**
 * DevTools-protocol access the page cannot give itself:
 * - the engine Worker's heap (Runtime.getHeapUsage after HeapProfiler.collectGarbage), through a
 *   browser session attached to the worker target (non-flat attach + Target.sendMessageToTarget,
 *   since playwright-core has no CDP session for workers);
 * - resident memory (VmRSS from /proc) and CPU time of Chromium's renderer processes
 *   (SystemInfo.getProcessInfo), to find the process that hosts the engine.
 */
import { readFileSync } from 'node:fs';
import type { Browser, CDPSession } from 'playwright-core';

export interface HeapSample {
  usedSize: number;
  totalSize: number;
  embedderHeapUsedSize?: number;
  backingStorageSize?: number;
}

export interface WorkerSession {
  heap(): Promise<HeapSample>;
  close(): Promise<void>;
}

export async function attachToWorker(browser: Browser, match: (target: { type: string; url: string; title: string }) => boolean): Promise<WorkerSession> {
  const cdp: CDPSession = await browser.newBrowserCDPSession();
  const { targetInfos } = (await cdp.send('Target.getTargets')) as { targetInfos: Array<{ targetId: string; type: string; url: string; title: string }> };
  const target = targetInfos.find(match);
  if (!target) throw new Error(`no worker target matched; targets: ${targetInfos.map((t) => `${t.type} ${t.title} ${t.url}`).join('; ')}`);
  const { sessionId } = (await cdp.send('Target.attachToTarget', { targetId: target.targetId, flatten: false })) as { sessionId: string };
  let nextId = 1;
  const waiting = new Map<number, (message: { result?: unknown; error?: { message: string } }) => void>();
  cdp.on('Target.receivedMessageFromTarget', (event: { sessionId: string; message: string }) => {
    if (event.sessionId !== sessionId) return;
    const message = JSON.parse(event.message) as { id?: number; result?: unknown; error?: { message: string } };
    if (message.id !== undefined) {
      waiting.get(message.id)?.(message);
      waiting.delete(message.id);
    }
  });
  const send = async <T>(method: string, params: object = {}): Promise<T> => {
    const id = nextId++;
    const reply = new Promise<{ result?: unknown; error?: { message: string } }>((resolve) => waiting.set(id, resolve));
    await cdp.send('Target.sendMessageToTarget', { sessionId, message: JSON.stringify({ id, method, params }) });
    const message = await reply;
    if (message.error) throw new Error(`${method}: ${message.error.message}`);
    return message.result as T;
  };
  return {
    async heap() {
      await send('HeapProfiler.collectGarbage');
      await send('HeapProfiler.collectGarbage');
      return send<HeapSample>('Runtime.getHeapUsage');
    },
    async close() {
      await cdp.send('Target.detachFromTarget', { sessionId }).catch(() => {});
      await cdp.detach().catch(() => {});
    },
  };
}

export interface ProcessSample {
  pid: number;
  type: string;
  cpuTime: number;
  rssBytes: number | null;
}

/** Every Chromium process with its CPU time (s) and resident set size. */
export async function processSamples(browser: Browser): Promise<ProcessSample[]> {
  const cdp = await browser.newBrowserCDPSession();
  try {
    const { processInfo } = (await cdp.send('SystemInfo.getProcessInfo')) as { processInfo: Array<{ id: number; type: string; cpuTime: number }> };
    return processInfo.map((p) => ({ pid: p.id, type: p.type, cpuTime: p.cpuTime, rssBytes: rss(p.id) }));
  } finally {
    await cdp.detach().catch(() => {});
  }
}

function rss(pid: number): number | null {
  try {
    const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) * 1024 : null;
  } catch {
    return null;
  }
}

export interface CpuUse {
  wallMs: number;
  perRequest_ms: Array<{ pid: number; type: string; ms: number }>;
  totalPerRequest_ms: number;
  coresBusy: number;
}

/** CPU time each Chromium process spent while `work` served `requests` requests (SystemInfo.getProcessInfo deltas). */
export async function cpuDuring<T>(browser: Browser, requests: number, work: () => Promise<T>): Promise<{ result: T; cpu: CpuUse }> {
  const before = await processSamples(browser);
  const started = performance.now();
  const result = await work();
  const wallMs = performance.now() - started;
  const after = await processSamples(browser);
  const perRequest = after
    .map((p) => ({ pid: p.pid, type: p.type, ms: ((p.cpuTime - (before.find((q) => q.pid === p.pid)?.cpuTime ?? 0)) * 1000) / requests }))
    .filter((p) => p.ms >= 0.01)
    .sort((a, b) => b.ms - a.ms)
    .map((p) => ({ ...p, ms: Math.round(p.ms * 100) / 100 }));
  const total = perRequest.reduce((s, p) => s + p.ms, 0);
  return {
    result,
    cpu: {
      wallMs: Math.round(wallMs),
      perRequest_ms: perRequest,
      totalPerRequest_ms: Math.round(total * 100) / 100,
      coresBusy: Math.round(((total * requests) / wallMs) * 100) / 100,
    },
  };
}
