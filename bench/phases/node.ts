/**
 * Node-side measurements:
 * - kv.opsPerSec: host-level get and set of the real SqliteKvStore (src/storage/sqlite-store.ts) on
 *   sql.js in Node, as the host adapters call it (each set is its own autocommit statement).
 * - node.*: the Node baseline server (bench/node/server.ts) driven over loopback HTTP by a small
 *   load generator on Node's fetch (undici, keep-alive), with `inFlight` requests outstanding.
 */
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import initSqlJs from 'sql.js';
import { SqliteKvStore } from '../../src/storage/sqlite-store.ts';
import { stats } from '../lib/stats.ts';

const root = new URL('../..', import.meta.url).pathname;

export async function measureKvOps(durationMs = 600) {
  const SQL = await initSqlJs();
  const kv = new SqliteKvStore(new SQL.Database());
  const value = new Uint8Array(100).fill(7);
  for (let i = 0; i < 1000; i++) kv.set('default', `key-${i}`, value);
  const rate = (op: (i: number) => void) => {
    for (let i = 0; i < 2000; i++) op(i); // warm-up
    let n = 0;
    const started = performance.now();
    while (performance.now() - started < durationMs) {
      for (let k = 0; k < 100; k++, n++) op(n);
    }
    return Math.round(n / ((performance.now() - started) / 1000));
  };
  const get = rate((i) => kv.get('default', `key-${i % 1000}`));
  const set = rate((i) => kv.set('default', `key-${i % 1000}`, value));
  return { get, set, note: 'SqliteKvStore on sql.js 1.16 in Node, 1,000 keys, 100-byte values; each set is one autocommit upsert (as one guest set is)' };
}

/** jco transpile (--instantiation sync) of the component, cached by its sha256. */
function transpileForNode(wasm: string): string {
  const bytes = readFileSync(wasm);
  const hash = createHash('sha256').update(bytes).digest('hex');
  const out = join(root, 'bench', '.build', 'node', hash.slice(0, 16));
  if (!existsSync(join(out, 'component.js'))) {
    rmSync(out, { recursive: true, force: true });
    mkdirSync(out, { recursive: true });
    const jco = join(root, 'node_modules', '@bytecodealliance', 'jco', 'dist', 'jco.js');
    const result = spawnSync(process.execPath, [jco, 'transpile', wasm, '--instantiation', 'sync', '--no-typescript', '--name', 'component', '-q', '-o', out], {
      stdio: 'inherit',
    });
    if (result.status !== 0) throw new Error(`jco transpile failed (exit ${result.status})`);
    writeFileSync(join(out, 'package.json'), '{ "type": "module" }\n');
  }
  return out;
}

async function load(url: string, total: number, inFlight: number) {
  let next = 0;
  const durations: number[] = [];
  const statuses: Record<number, number> = {};
  const started = performance.now();
  await Promise.all(
    Array.from({ length: inFlight }, async () => {
      while (next < total) {
        next++;
        const t = performance.now();
        const response = await fetch(url);
        await response.arrayBuffer();
        durations.push(performance.now() - t);
        statuses[response.status] = (statuses[response.status] ?? 0) + 1;
      }
    }),
  );
  return { rps: total / ((performance.now() - started) / 1000), durations, statuses };
}

export async function measureNodeBaseline(wasm: string, opts: { warmup: number; samples: number; rpsTotal: number; inFlight: number }) {
  const dir = transpileForNode(wasm);
  const child = spawn(process.execPath, ['--import', 'tsx', join(root, 'bench', 'node', 'server.ts'), dir], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  try {
    const port = await new Promise<number>((resolve, reject) => {
      let out = '';
      child.stdout.on('data', (d: Buffer) => {
        out += d;
        const m = /listening (\d+)/.exec(out);
        if (m) resolve(Number(m[1]));
      });
      child.on('exit', (code) => reject(new Error(`node baseline exited (${code}) before listening: ${out}`)));
      setTimeout(() => reject(new Error('node baseline did not start within 60 s')), 60_000);
    });
    const url = `http://127.0.0.1:${port}/`;
    for (let i = 0; i < 50; i++) {
      try {
        await (await fetch(url)).arrayBuffer();
        break;
      } catch {
        await new Promise((r) => setTimeout(r, 100));
      }
    }
    const sequential: number[] = [];
    for (let i = 0; i < opts.warmup + opts.samples; i++) {
      const t = performance.now();
      await (await fetch(url)).arrayBuffer();
      if (i >= opts.warmup) sequential.push(performance.now() - t);
    }
    const cpuBefore = processCpuMs(child.pid!);
    const loaded = await load(url, opts.rpsTotal, opts.inFlight);
    const cpuAfter = processCpuMs(child.pid!);
    const counter = (await (await fetch(url)).text()).trim();
    return {
      rps: Math.round(loaded.rps),
      request: stats(sequential),
      underLoad: stats(loaded.durations),
      statuses: loaded.statuses,
      serverCpuPerRequest_ms: cpuBefore !== null && cpuAfter !== null ? Math.round(((cpuAfter - cpuBefore) / opts.rpsTotal) * 100) / 100 : null,
      finalCounter: counter,
      note:
        `bench-kv-rw app.wasm under Node ${process.version}: jco 1.35 transpile --instantiation sync, preview2-shim 0.26.1 HTTPServer (as ` +
        `\`jco serve --isolate-requests instance\`), fresh instance per request, fermyon:spin/key-value@2.0.0 over SqliteKvStore (sql.js, in ` +
        `memory, no persistence). Load from Node fetch (undici, keep-alive) in the bench process.`,
      transpiledTo: dir.replace(root, ''),
      serverCpuTotal_ms: processCpuMs(child.pid!),
    };
  } finally {
    child.kill();
  }
}

/** utime + stime of a process (all its threads), in ms, from /proc (10 ms ticks). */
function processCpuMs(pid: number): number | null {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return null;
  }
}
