// Shared by `npm test` and `npm run bench`: find (or install) Chromium, build everything, and
// serve the production build with `vite preview`.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
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
  // Formatting, lint rules and line length (biome.json, scripts/lint.mjs).
  run(process.execPath, ['scripts/lint.mjs']);
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
  // Up to 30 s: on a busy 2-core machine vite preview can take more than 10 s to answer.
  for (let i = 0; i < 300; i++) {
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

// The other two engines of the cross-browser suite (test/cross-browser/). Missing or too old,
// their tests are reported skipped with the reason and this command, never passed silently.
// Debian 12's main archive has Firefox ESR 140; its security archive (in a default install's
// sources) has 153, which apt prefers as the newer version.
export const CROSS_BROWSER_INSTALL = 'apt-get update && apt-get install -y firefox-esr webkit2gtk-driver xvfb';
/** Module service workers (the playground's worker is an ES module) arrived in Firefox 147. */
const FIREFOX_MIN = 147;

const which = (name) => spawnSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' }).stdout.trim() || undefined;
const firefoxCandidates = () => [process.env.FIREFOX_PATH, '/usr/bin/firefox-esr', '/usr/bin/firefox'].filter((p) => p && existsSync(p));
const webkitMissing = () => ['WebKitWebDriver', 'Xvfb'].filter((name) => !which(name));
function firefoxVersion(path) {
  const out = spawnSync(path, ['--version'], { encoding: 'utf8', env: { ...process.env, MOZ_HEADLESS: '1' } }).stdout ?? '';
  return /(\d+)\.(\d+)(?:\.(\d+))?/.exec(out)?.[0];
}

/**
 * Find Firefox (≥ 147) and WebKitWebDriver with Xvfb; as root on Debian, install what is missing.
 * Returns the environment the cross-browser tests read: FIREFOX_PATH or FIREFOX_SKIP, and
 * WEBKIT_WEBDRIVER_URL (a WebKitWebDriver started here under its own Xvfb display) or WEBKIT_SKIP.
 */
export async function prepareCrossBrowser() {
  // Stopped with Ctrl+C or a signal, still stop Xvfb and WebKitWebDriver (the 'exit' handlers).
  for (const signal of ['SIGINT', 'SIGTERM']) process.once(signal, () => process.exit(130));
  const firefoxOk = () => firefoxCandidates().find((p) => Number(firefoxVersion(p)?.split('.')[0]) >= FIREFOX_MIN);
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  if ((!firefoxOk() || webkitMissing().length) && isRoot && existsSync('/usr/bin/apt-get') && !process.env.NO_BROWSER_INSTALL) {
    console.log(`Firefox ESR ≥ ${FIREFOX_MIN}, WebKitWebDriver or Xvfb missing; installing: ${CROSS_BROWSER_INSTALL}`);
    const result = spawnSync('sh', ['-c', CROSS_BROWSER_INSTALL], { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
    if (result.status !== 0) console.error(`${CROSS_BROWSER_INSTALL} failed (exit ${result.status}); the engines it did not install are skipped`);
  }
  const env = {};
  const firefox = firefoxOk();
  if (firefox) env.FIREFOX_PATH = firefox;
  else {
    const found = firefoxCandidates().map((p) => `${p} is ${firefoxVersion(p) ?? 'of unknown version'}`);
    env.FIREFOX_SKIP =
      `${found.length ? `${found.join(', ')}; ` : 'no Firefox found; '}the playground needs Firefox ≥ ${FIREFOX_MIN} (module ` +
      `service workers). Install (as root on Debian 12, with bookworm-security in the apt sources): ${CROSS_BROWSER_INSTALL}, or set FIREFOX_PATH`;
  }
  const missing = webkitMissing();
  if (missing.length) {
    env.WEBKIT_SKIP = `${missing.join(' and ')} not found. Install (as root on Debian): ${CROSS_BROWSER_INSTALL}`;
    return env;
  }
  try {
    Object.assign(env, await startWebKitDriver());
  } catch (error) {
    env.WEBKIT_SKIP = `WebKitWebDriver did not start: ${error.message}`;
  }
  return env;
}

/** MiniBrowser, the browser WebKitWebDriver drives, is not on PATH; Debian puts it beside WebKit's helpers. */
function miniBrowser() {
  for (const dir of ['/usr/lib/x86_64-linux-gnu', '/usr/lib/aarch64-linux-gnu', '/usr/lib']) {
    for (const api of ['webkit2gtk-4.1', 'webkit2gtk-4.0', 'webkitgtk-6.0']) {
      const path = `${dir}/${api}/MiniBrowser`;
      if (existsSync(path)) return path;
    }
  }
  return undefined;
}

/** Xvfb on a display it picks itself (-displayfd), then WebKitWebDriver on a free port under it. */
async function startWebKitDriver() {
  const xvfb = spawn('Xvfb', ['-displayfd', '1', '-screen', '0', '1920x1080x24', '-nolisten', 'tcp'], { stdio: ['ignore', 'pipe', 'ignore'] });
  process.on('exit', () => xvfb.kill());
  const display = await new Promise((resolve, reject) => {
    let out = '';
    xvfb.stdout.on('data', (chunk) => {
      out += chunk;
      if (out.includes('\n')) resolve(`:${out.trim()}`);
    });
    xvfb.on('exit', (code) => reject(new Error(`Xvfb exited with ${code}`)));
    setTimeout(() => reject(new Error('Xvfb did not report a display within 10 s')), 10_000);
  });
  const port = await freePort();
  const driver = spawn('WebKitWebDriver', [`--port=${port}`], { stdio: 'ignore', env: { ...process.env, DISPLAY: display } });
  process.on('exit', () => driver.kill());
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 600; i++) {
    if (driver.exitCode !== null) throw new Error(`WebKitWebDriver exited with ${driver.exitCode}`);
    try {
      if ((await fetch(`${url}/status`)).ok) {
        const env = { WEBKIT_WEBDRIVER_URL: url };
        const binary = miniBrowser();
        if (binary) env.WEBKIT_MINIBROWSER = binary;
        return env;
      }
    } catch {}
    await sleep(100);
  }
  throw new Error(`no answer at ${url}/status`);
}

function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}
