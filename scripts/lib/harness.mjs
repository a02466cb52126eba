// Shared by `npm test` and `npm run bench`: find (or install) Chromium, build everything, and
// serve the production build with `vite preview`.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';

export const root = new URL('../..', import.meta.url).pathname;
const INSTALL = 'apt-get update && apt-get install -y chromium';

export function run(command, args, options = {}) {
  const result = spawnSync(command, args, { stdio: 'inherit', cwd: root, ...options });
  if (result.status !== 0) {
    console.error(`\n${command} ${args.join(' ')} failed (exit ${result.status})`);
    process.exit(result.status ?? 1);
  }
}

/** CHROMIUM_PATH, then /usr/bin/chromium; as root on Debian, install it; otherwise explain. */
export function findChromium() {
  const candidates = [process.env.CHROMIUM_PATH, '/usr/bin/chromium'].filter(Boolean);
  const found = candidates.find((path) => existsSync(path));
  if (found) return found;
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  if (isRoot && existsSync('/usr/bin/apt-get')) {
    console.log(`Chromium not found; installing it: ${INSTALL}`);
    run('sh', ['-c', INSTALL], { env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
    if (existsSync('/usr/bin/chromium')) return '/usr/bin/chromium';
  }
  console.error(
    `Chromium is needed for the browser tests and was not found.\nInstall it (as root on Debian): ${INSTALL}\nor set CHROMIUM_PATH to a Chromium binary.`,
  );
  process.exit(1);
}

/** Examples and fixtures (cached by source hash), type checks, then the production build. */
export function buildAll() {
  run(process.execPath, ['scripts/build-examples.mjs']);
  run(process.execPath, ['node_modules/typescript/bin/tsc', '--noEmit', '-p', '.']);
  run(process.execPath, ['node_modules/typescript/bin/tsc', '--noEmit', '-p', 'src/sw']);
  // The tests and the bench are run by tsx, which strips types without checking them.
  run(process.execPath, ['node_modules/typescript/bin/tsc', '--noEmit', '-p', 'test']);
  run(process.execPath, ['node_modules/typescript/bin/tsc', '--noEmit', '-p', 'bench']);
  // Dependencies point one way (.dependency-cruiser.cjs, docs/architecture.md): no cycles, no
  // import against the layers.
  run(process.execPath, ['node_modules/dependency-cruiser/bin/dependency-cruise.mjs', 'src', '--config', '.dependency-cruiser.cjs']);
  run(process.execPath, ['node_modules/vite/bin/vite.js', 'build', '--logLevel', 'warn']);
}

/**
 * `vite preview` on `port`. Vite's own bin is run (not through npx) so that stopping the child
 * really stops the server.
 */
export async function startPreview(port) {
  const child = spawn(process.execPath, ['node_modules/vite/bin/vite.js', 'preview', '--port', String(port), '--strictPort'], {
    cwd: root,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  process.on('exit', () => child.kill());
  const url = `http://127.0.0.1:${port}/__pg/`;
  for (let i = 0; i < 100; i++) {
    if (child.exitCode !== null) throw new Error(`vite preview exited with ${child.exitCode}`);
    try {
      if ((await fetch(url)).ok) return { url: `http://localhost:${port}`, stop: () => child.kill() };
    } catch {}
    await sleep(100);
  }
  throw new Error(`vite preview did not answer at ${url}`);
}

/** Run a node command to completion, resolving with its exit code. */
export function runNode(args, env) {
  const child = spawn(process.execPath, args, { cwd: root, stdio: 'inherit', env: { ...process.env, ...env } });
  return new Promise((resolve) => child.on('exit', (code) => resolve(code ?? 1)));
}
