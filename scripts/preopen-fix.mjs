// Preload for `node --import <this file> …` (used by scripts/build-examples.mjs).
//
// Why: since 0.26, the Node build of @bytecodealliance/preview2-shim starts with
// an EMPTY preopen table (older releases preopened `/`). Tools that run
// WebAssembly through that shim and read files via WASI — j2w's WIT merge
// (build-tools' wit_tools), `jco embed --wit`, `jco componentize --wit`, and
// jco-transpile's `componentEmbed({ witPath })` — then fail with errors such as
// "failed to read path for WIT [<dir>/wit]" or "No such file or directory
// (os error 44)".
//
// Fix: find every installed copy of the shim (nested copies under other
// packages' node_modules each keep their own module-level preopen table) and
// call `_setPreopens({ '/': '/' })` on each copy's dist/nodejs/filesystem.js,
// i.e. give the guest the host filesystem root, like the old shim did.
//
// Only build tooling loads this file; it is never shipped to the browser.

import { existsSync, readdirSync, realpathSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const SHIM = path.join('@bytecodealliance', 'preview2-shim');
const ENTRY = path.join('dist', 'nodejs', 'filesystem.js');

/** Directories to start from: this project's root and every ancestor of cwd. */
function rootNodeModulesDirs() {
  const dirs = new Set();
  const add = (start) => {
    let dir = path.resolve(start);
    for (;;) {
      const nm = path.join(dir, 'node_modules');
      if (existsSync(nm)) dirs.add(nm);
      const parent = path.dirname(dir);
      if (parent === dir) break;
      dir = parent;
    }
  };
  add(path.dirname(path.dirname(fileURLToPath(import.meta.url))));
  add(process.cwd());
  return [...dirs];
}

function isDir(p) {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}

/**
 * Collect package directories named @bytecodealliance/preview2-shim in `nm`
 * and, recursively, in every package's own nested node_modules. Only package
 * folders are visited (not their whole contents), so this stays cheap.
 */
function findShims(nm, found, seen) {
  let real;
  try {
    real = realpathSync(nm);
  } catch {
    return;
  }
  if (seen.has(real)) return;
  seen.add(real);

  let entries;
  try {
    entries = readdirSync(nm);
  } catch {
    return;
  }
  const pkgDirs = [];
  for (const name of entries) {
    if (name.startsWith('.')) continue;
    const p = path.join(nm, name);
    if (name.startsWith('@')) {
      let scoped = [];
      try {
        scoped = readdirSync(p);
      } catch {
        /* not a directory */
      }
      for (const sub of scoped) pkgDirs.push(path.join(p, sub));
    } else {
      pkgDirs.push(p);
    }
  }
  for (const dir of pkgDirs) {
    if (dir.endsWith(path.sep + SHIM) && existsSync(path.join(dir, ENTRY))) {
      found.add(realpathSync(path.join(dir, ENTRY)));
    }
    const nested = path.join(dir, 'node_modules');
    if (isDir(nested)) findShims(nested, found, seen);
  }
}

const found = new Set();
const seen = new Set();
for (const nm of rootNodeModulesDirs()) findShims(nm, found, seen);

for (const file of found) {
  // Import by real path so we hit the same module instance the tools load
  // (Node resolves symlinks to real paths when caching modules).
  const fs = await import(pathToFileURL(file).href);
  if (typeof fs._setPreopens === 'function') {
    fs._setPreopens({ '/': '/' });
  } else if (typeof fs._addPreopen === 'function') {
    fs._addPreopen('/', '/');
  }
}

if (process.env.PREOPEN_FIX_DEBUG) {
  console.error(`[preopen-fix] preopened / in ${found.size} preview2-shim copies:`);
  for (const f of found) console.error(`  ${f}`);
}
