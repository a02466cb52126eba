/**
 * kv.persistPerWrite_ms: the playground's real KvPersistence (IndexedDB journal + snapshot
 * checkpoints, src/storage/persistence.ts) over the real SqliteKvStore, run in a dedicated Worker of a
 * bench page (bench/pages/, built with Vite) in the same Chromium.
 *
 * Why a bench page and not the playground's engine: reaching a 50 MB database through the request
 * path needs a component that writes large values (50 one-megabyte request bodies), and the engine
 * reports only each request's total persistMs. The page runs the very same class on a database
 * grown to each size and checkpointed (so the snapshot in IndexedDB has that size, as after a
 * long-lived app's checkpoint), and times exactly what the engine awaits before each response:
 * one `flush()` after one guest `set`. It also times the checkpoint itself, which runs once the
 * journal reaches max(1 MB, database / 4), to give the amortised cost.
 *
 * Each size lives on its own origin (one static server per size, so one IndexedDB each), and the
 * writes are measured in interleaved rounds (100 KB, 10 MB, 50 MB, 100 KB, …) so that a change in
 * the machine's load affects every size alike.
 */
import type { Browser } from 'playwright-core';
import { serveStatic } from '../../test/support/static-server.ts';
import { mean, round, stats } from '../lib/stats.ts';

const SIZES: Array<[string, number]> = [
  ['100KB', 100_000],
  ['10MB', 10_000_000],
  ['50MB', 50_000_000],
];
const MIN_CHECKPOINT_BYTES = 1 << 20; // src/storage/persistence.ts

interface Fill {
  rows: number;
  dbBytes: number;
  exportMs: number;
  checkpointMs: number;
}
interface Writes {
  dbBytes: number;
  openMs: number;
  durations: number[];
  setMs: number[];
}
type Api = {
  persistFill(bytes: number): Promise<Fill>;
  persistWrites(o: { count: number; warmup: number; valueBytes: number }): Promise<Writes>;
  persistCleanUp(): Promise<void>;
};

export async function measurePersistence(browser: Browser, pagesDir: string, writes: number, valueBytes: number, rounds = 4) {
  const servers = await Promise.all(SIZES.map(() => serveStatic({ pages: pagesDir })));
  const context = await browser.newContext();
  try {
    const pages = [];
    for (const server of servers) {
      const page = await context.newPage();
      await page.goto(`${server.url}/pages/persist.html`);
      await page.waitForFunction(() => 'persistFill' in window);
      pages.push(page);
    }
    const fills: Fill[] = [];
    for (const [i, [, bytes]] of SIZES.entries()) fills.push(await pages[i]!.evaluate((b) => (window as unknown as Api).persistFill(b), bytes));
    const durations: number[][] = SIZES.map(() => []);
    const setMs: number[][] = SIZES.map(() => []);
    const openMs: number[][] = SIZES.map(() => []);
    const perRound = Math.ceil(writes / rounds);
    for (let r = 0; r < rounds; r++) {
      for (const i of SIZES.keys()) {
        const w = await pages[i]!.evaluate((o) => (window as unknown as Api).persistWrites(o), { count: perRound, warmup: 10, valueBytes });
        durations[i]!.push(...w.durations);
        setMs[i]!.push(...w.setMs);
        openMs[i]!.push(w.openMs);
      }
    }
    for (const page of pages) await page.evaluate(() => (window as unknown as Api).persistCleanUp());

    const bytesPerWrite = valueBytes + 'bench-00'.length + 'default'.length + 16; // changeBytes() in persistence.ts
    const bySize = Object.fromEntries(
      SIZES.map(([label], i) => {
        const fill = fills[i]!;
        const threshold = Math.max(MIN_CHECKPOINT_BYTES, fill.dbBytes / 4);
        const perWrite = mean(durations[i]!);
        return [
          label,
          {
            dbBytes: fill.dbBytes,
            flush: stats(durations[i]!),
            guestSetMs: round(mean(setMs[i]!)),
            checkpointMs: round(fill.checkpointMs, 1),
            exportMs: round(fill.exportMs, 1),
            checkpointEveryBytes: Math.round(threshold),
            amortisedPerWrite_ms: round(perWrite + fill.checkpointMs * (bytesPerWrite / threshold)),
            reopenMs: round(mean(openMs[i]!), 1),
          },
        ];
      }),
    );
    const perWrite = Object.fromEntries(SIZES.map(([label], i) => [label, round(mean(durations[i]!))]));
    const values = Object.values(perWrite);
    return {
      persistPerWrite_ms: perWrite,
      persistFlatRatio: round(Math.max(...values) / Math.min(...values), 2),
      persist: {
        note:
          `Mean of ${perRound * rounds} writes per size (${rounds} interleaved rounds of ${perRound}, each after 10 warm-up writes in a ` +
          `freshly reopened Worker) of one ${valueBytes}-byte value each, every one followed by KvPersistence.flush() (one IndexedDB journal ` +
          `transaction, awaited, as the engine awaits it before answering). checkpointMs: snapshot rewrite (db.export + IndexedDB put + journal ` +
          `trim), which runs off the request path once the journal holds checkpointEveryBytes; exportMs is its synchronous part, which blocks the ` +
          `engine thread. amortisedPerWrite_ms adds checkpointMs × bytesPerWrite / checkpointEveryBytes. reopenMs: KvPersistence.open (snapshot ` +
          `read + sql.js load) at that size.`,
        bytesPerWrite,
        bySize,
      },
    };
  } finally {
    await context.close();
    await Promise.all(servers.map((s) => s.close()));
  }
}
