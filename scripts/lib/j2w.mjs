/**
 * The offline Spin JS toolchain, as both build scripts drive it: where a package is installed,
 * its version (for input hashes), the files of an app folder, and a j2w run that really fails
 * when the build fails (j2w prints its errors and still exits 0).
 */
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = path.dirname(path.dirname(path.dirname(fileURLToPath(import.meta.url))));
/** Loaded into j2w: preview2-shim 0.26 preopens nothing in Node, so j2w could not read its WIT. */
export const PREOPEN_FIX = path.join(ROOT, 'scripts', 'preopen-fix.mjs');

/** Directory of package `name` as Node resolves it from `fromDir`. */
export function packageDir(name, fromDir = ROOT) {
  let dir = fromDir;
  for (;;) {
    const candidate = path.join(dir, 'node_modules', name);
    if (existsSync(path.join(candidate, 'package.json'))) return candidate;
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`package ${name} not found from ${fromDir} (run npm ci)`);
    dir = parent;
  }
}

/** The installed version of package `name` (throws if it is not installed). */
export function packageVersion(name, fromDir) {
  return JSON.parse(readFileSync(path.join(packageDir(name, fromDir), 'package.json'), 'utf8')).version;
}

/** Every file below `dir` (relative paths, sorted), skipping dot-files and node_modules. */
export function listFiles(dir, base = dir) {
  if (!existsSync(dir)) return [];
  const out = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name.startsWith('.') || entry.name === 'node_modules') continue;
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...listFiles(full, base));
    else if (entry.isFile()) out.push(path.relative(base, full).split(path.sep).join('/'));
  }
  return out.sort();
}

/**
 * `j2w -i src/index.js -o outFile` in `cwd`. Resolves with its log; rejects with
 * `makeError(message)` (default: Error) naming the folder, why it failed, and the log.
 */
export function runJ2w(cwd, outFile, makeError = (message) => new Error(message)) {
  const j2w = path.join(packageDir('@spinframework/build-tools'), 'dist', 'index.js');
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', PREOPEN_FIX, j2w, '-i', 'src/index.js', '-o', outFile], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let log = '';
    child.stdout.on('data', (d) => (log += d));
    child.stderr.on('data', (d) => (log += d));
    child.on('error', reject);
    child.on('close', (code, signal) => {
      // j2w catches its own errors, prints them and still exits 0: check the log and the output too.
      const reason =
        code !== 0 || signal
          ? `exit ${signal ?? code}`
          : /An error occurred during the componentization process/.test(log)
            ? 'it reported an error'
            : !existsSync(path.resolve(cwd, outFile))
              ? 'no output written'
              : null;
      if (reason) reject(makeError(`j2w failed in ${path.relative(ROOT, cwd) || '.'} (${reason}):\n${log.trim()}`));
      else resolve(log);
    });
  });
}
