/**
 * Data that arrives with a project but can only be written once the engine is up: a share link's
 * or an imported zip's key-value entries and SQLite databases (written once, before the first
 * request), and the `spin up --key-value` pairs (written over the stores at every Run, as at every
 * `spin up`; from the seed form, or from `?key-value=` once the person agrees).
 */
import { kvSeedOps } from '../share/apply';
import type { KvRow, ShareRequest } from '../share/types';
import { restoreSqlite } from '../export/sqlite-data';
import type { EngineClient } from '../ui/engine-client';
import type { KvSeedForm } from '../ui/kv-seed-form';
import type { LogLine } from '../ui/logs';
import { askToApplyLinkSeed } from '../ui/link-seed-prompt';

/** What a share link or an imported zip brings besides the app: applied once the engine is up. */
export interface PendingState {
  kv?: KvRow[];
  /** SQLite database files by label (an imported zip's `.spin/sqlite_db.db`, …). */
  sqlite?: Record<string, Uint8Array>;
  variables?: Record<string, string>;
  request?: ShareRequest;
  selectedFile?: string;
}

export interface SeedDeps {
  engine(): Promise<EngineClient>;
  log(level: LogLine['level'], source: string, message: string): void;
  /** The stores changed behind the explorer's back: re-read them. */
  refreshKv(): void;
}

export class PendingSeeds {
  /** Still to be written; an imported zip adds to it. */
  readonly state: PendingState;
  readonly #deps: SeedDeps;

  constructor(state: PendingState, deps: SeedDeps) {
    this.state = state;
    this.#deps = deps;
  }

  /**
   * Key-value data from a link or an imported zip: the project's stores hold exactly these before
   * the first request. An imported zip's SQLite databases replace those labels' databases.
   */
  async restore(): Promise<void> {
    const { engine, log } = this.#deps;
    const databases = this.state.sqlite;
    this.state.sqlite = undefined;
    if (databases) {
      for (const outcome of await restoreSqlite(async (op) => (await engine()).sqlite(op), databases)) {
        if (outcome.ok) log('info', 'sqlite', `restored SQLite database ${outcome.label} (${outcome.bytes} bytes)`);
        else log('error', 'sqlite', `restoring the imported SQLite database failed: ${outcome.error}`);
      }
    }
    const rows = this.state.kv;
    if (!rows) return;
    this.state.kv = undefined;
    const client = await engine();
    for (const op of kvSeedOps(rows, 'replace')) {
      const result = await client.kv(op);
      if (result.op === 'error') log('error', 'key-value', `seeding the shared data failed: ${result.message}`);
    }
    if (rows.length) log('info', 'key-value', `seeded ${rows.length} key-value entr${rows.length === 1 ? 'y' : 'ies'}`);
    this.#deps.refreshKv();
  }

  /** The `--key-value` pairs, over what the stores hold, at every Run (as at every `spin up`). */
  async applyKeyValueSeed(rows: KvRow[]): Promise<void> {
    const { engine, log } = this.#deps;
    const client = await engine();
    for (const op of kvSeedOps(rows, 'merge')) {
      const result = await client.kv(op);
      if (result.op === 'error') log('error', 'key-value', `the key-value seed was not written: ${result.message}`);
    }
    log('info', 'key-value', `seeded ${rows.length} key-value entr${rows.length === 1 ? 'y' : 'ies'} (--key-value)`);
    this.#deps.refreshKv();
  }
}

/** `?key-value=k=v` in a link: asks first, then puts the pairs in the seed form and runs. */
export function offerLinkSeed(pairs: string[], seedForm: KvSeedForm, run: () => void): void {
  if (pairs.length === 0) return;
  document.body.append(
    askToApplyLinkSeed(pairs, () => {
      seedForm.useLinkPairs(pairs);
      run();
    }),
  );
}
