#!/usr/bin/env node
// `npm test`: everything, browser tests included, on a fresh machine.
// 1. Find Chromium (CHROMIUM_PATH, then /usr/bin/chromium); as root on Debian, install it;
//    otherwise stop and print the command.
// 2. Build the bundled examples and test fixtures (cached), then the production build.
// 3. Serve the build with `vite preview` and run unit and browser tests in one node:test run,
//    which ends with the line "N passed, N failed".
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

const root = new URL('..', import.meta.url).pathname;
const INSTALL = 'apt-get update && apt-get install -y chromium';

function run(command, args, options = {}) {
  const result = spawnSync(command, args, { stdio: 'inherit', cwd: root, ...options });
  if (result.status !== 0) {
    console.error(`\n${command} ${args.join(' ')} failed (exit ${result.status})`);
    process.exit(result.status ?? 1);
  }
}

function findChromium() {
  const candidates = [process.env.CHROMIUM_PATH, '/usr/bin/chromium'].filter(Boolean);
  const found = candidates.find((path) => existsSync(path));
  if (found) return found;
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  if (isRoot && existsSync('/usr/bin/apt-get')) {
    console.log(`Chromium not found; installing it: ${INSTALL}`);
    run('sh', ['-c', INSTALL], { env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
    if (existsSync('/usr/bin/chromium')) return '/usr/bin/chromium';
  }
  console.error(`Chromium is needed for the browser tests and was not found.\nInstall it (as root on Debian): ${INSTALL}\nor set CHROMIUM_PATH to a Chromium binary.`);
  process.exit(1);
}

function testFiles(dir) {
  const full = join(root, dir);
  if (!existsSync(full)) return [];
  return readdirSync(full).filter((f) => f.endsWith('.test.ts')).sort().map((f) => join(dir, f));
}

async function waitForServer(url, child) {
  for (let i = 0; i < 100; i++) {
    if (child.exitCode !== null) throw new Error(`vite preview exited with ${child.exitCode}`);
    try {
      const response = await fetch(url);
      if (response.ok) return;
    } catch {}
    await sleep(100);
  }
  throw new Error(`vite preview did not answer at ${url}`);
}

const chromium = findChromium();
run('node', ['scripts/build-examples.mjs']);
run('npx', ['tsc', '--noEmit', '-p', '.']);
run('npx', ['tsc', '--noEmit', '-p', 'src/sw']);
run('npx', ['vite', 'build', '--logLevel', 'warn']);

// A port of its own, so a running `npm run preview` on 4173 does not collide.
const port = Number(process.env.TEST_PORT || 4179);
// Run vite's own bin (not through npx) so that killing the child really stops the server.
const preview = spawn(process.execPath, ['node_modules/vite/bin/vite.js', 'preview', '--port', String(port), '--strictPort'], {
  cwd: root,
  stdio: ['ignore', 'ignore', 'inherit'],
});
process.on('exit', () => preview.kill());
let code = 1;
try {
  await waitForServer(`http://127.0.0.1:${port}/__pg/`, preview);
  const files = [...testFiles('test/unit'), ...testFiles('test/browser')];
  const child = spawn(
    'node',
    [
      '--import', 'tsx',
      '--test', '--test-concurrency=1',
      '--test-reporter=spec', '--test-reporter-destination=stdout',
      '--test-reporter=./test/support/summary-reporter.mjs', '--test-reporter-destination=stdout',
      ...files,
    ],
    { cwd: root, stdio: 'inherit', env: { ...process.env, PG_URL: `http://localhost:${port}`, CHROMIUM_PATH: chromium } },
  );
  code = await new Promise((resolve) => child.on('exit', (c) => resolve(c ?? 1)));
} finally {
  preview.kill();
}
process.exit(code);
