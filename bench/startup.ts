/**
 * `BENCH_STARTUP=1 npm run bench`: only the start-up numbers (cold and warm start of the default
 * app, and in-page authoring's "New JS app" → first response), for comparing start-up changes
 * before and after in the same conditions without the full suite's 3+ minutes. Prints them with
 * the load average and writes bench/.build/startup-results.json.
 * Environment: PG_URL (required), CHROMIUM_PATH, BENCH_RUNS (cold and warm visits, default 3).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { launchChromium } from '../test/support/chromium.ts';
import { round } from './lib/stats.ts';
import { measureStarts } from './phases/start.ts';
import { measureAuthoring } from './phases/authoring.ts';

const PG_URL = process.env.PG_URL;
if (!PG_URL) throw new Error('PG_URL is not set (run `BENCH_STARTUP=1 npm run bench`)');
const runs = Number(process.env.BENCH_RUNS || 3);
const loadBefore = loadavg().map((v) => round(v, 2));
const browser = await launchChromium();
try {
  const start = await measureStarts(browser, PG_URL, runs, runs);
  const authoring = await measureAuthoring(browser, PG_URL, 2).catch((error: unknown) => ({ error: String(error) }));
  const summary = {
    when: new Date().toISOString(),
    loadAverage: { before: loadBefore, after: loadavg().map((v) => round(v, 2)) },
    coldStart: start.coldStart,
    warmStart: start.warmStart,
    transpile: start.transpile,
    firstRequestsAfterWarmStart: start.firstRequestsAfterWarmStart,
    authoring,
  };
  mkdirSync(new URL('.build/', import.meta.url), { recursive: true });
  writeFileSync(new URL('.build/startup-results.json', import.meta.url), JSON.stringify(summary, null, 2));
  const a = authoring as { firstResponse_ms?: number; onOpen?: { firstResponse_ms: number | null } };
  console.log(
    `coldStart.ms ${start.coldStart.ms} (runs ${start.coldStart.runs.map((r) => r.ms).join(', ')}); ` +
      `warmStart.ms ${start.warmStart.ms} (runs ${start.warmStart.runs.map((r) => r.ms).join(', ')}); ` +
      `transpile.ms ${start.transpile.ms}; authoring.onOpen.firstResponse_ms ${a.onOpen?.firstResponse_ms ?? '-'}; ` +
      `authoring.firstResponse_ms ${a.firstResponse_ms ?? '-'}; ` +
      `load average ${summary.loadAverage.before.join('/')} → ${summary.loadAverage.after.join('/')}`,
  );
} finally {
  await browser.close();
}
