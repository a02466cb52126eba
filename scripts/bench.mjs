#!/usr/bin/env node
// `npm run bench`: builds (examples and fixtures, type checks, the production build, the bench's
// own pages), serves the production build with `vite preview`, and measures in headless Chromium
// and Node (bench/run.ts). Prints a table and writes bench/results.json; BENCHMARKS.md explains it.
//
// The production build goes to bench/.build/dist, not dist/: `npm test` rebuilds dist/ (emptying
// it first), and a test run at the same time must not pull files from under the bench's server.
//   BENCH_PORT     port for vite preview (default 4180)
//   BENCH_QUICK=1  small counts, to try the suite out in about a minute
//   BENCH_STARTUP=1  only the start-up numbers (bench/startup.ts)
import { spawn } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { findChromium, root, run, runNode } from './lib/harness.mjs';

const OUT_DIR = 'bench/.build/dist';
const chromium = findChromium();
const started = performance.now();
run(process.execPath, ['scripts/build-examples.mjs']);
run(process.execPath, ['node_modules/typescript/bin/tsc', '--noEmit', '-p', '.']);
run(process.execPath, ['node_modules/typescript/bin/tsc', '--noEmit', '-p', 'src/sw']);
run(process.execPath, ['node_modules/typescript/bin/tsc', '--noEmit', '-p', 'bench']);
run(process.execPath, ['node_modules/vite/bin/vite.js', 'build', '--logLevel', 'warn', '--outDir', OUT_DIR, '--emptyOutDir']);
run(process.execPath, ['bench/build-pages.mjs']);
console.log(`bench: built in ${((performance.now() - started) / 1000).toFixed(0)} s`);

const port = Number(process.env.BENCH_PORT || 4180);
const server = spawn(process.execPath, ['node_modules/vite/bin/vite.js', 'preview', '--port', String(port), '--strictPort', '--outDir', OUT_DIR], {
  cwd: root,
  stdio: ['ignore', 'ignore', 'inherit'],
});
process.on('exit', () => server.kill());
let up = false;
for (let i = 0; i < 100 && !up; i++) {
  if (server.exitCode !== null) throw new Error(`vite preview exited with ${server.exitCode}`);
  try {
    up = (await fetch(`http://127.0.0.1:${port}/__pg/`)).ok;
  } catch {}
  if (!up) await sleep(100);
}
if (!up) throw new Error(`vite preview did not answer on port ${port}`);

const code = await runNode(['--import', 'tsx', process.env.BENCH_STARTUP === '1' ? 'bench/startup.ts' : 'bench/run.ts'], {
  PG_URL: `http://localhost:${port}`,
  CHROMIUM_PATH: chromium,
});
server.kill();
console.log(`bench: ${code === 0 ? 'done' : `failed (exit ${code})`} in ${((performance.now() - started) / 1000).toFixed(0)} s`);
process.exit(code);
