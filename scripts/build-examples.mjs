#!/usr/bin/env node
// Build everything the playground and its tests load as WebAssembly:
//
//   examples/<name>/            -> public/examples/<name>/{app.wasm, spin.toml}
//                                  public/examples/index.json (kv-basics first)
//   test/fixtures/conformance/<name>/
//                               -> test/fixtures/dist/conformance/<name>/
//                                  {app.wasm, spin.toml, expect.json}
//   test/fixtures/wat/<x>.wat   -> test/fixtures/dist/<x>.wasm
//   test/fixtures/wat-p3/<x>.wat -> test/fixtures/dist/<x>.wasm (WASI 0.3 components)
//   test/fixtures/apps/<app>/   -> test/fixtures/dist/apps/<app>/{spin.toml, *.wasm, expect.json?}
//
// JS examples and JS conformance apps are Spin JS SDK v3 apps built with j2w
// (@spinframework/build-tools), at most two at a time in all (one build peaks
// near 600 MB RSS). A conformance folder without src/index.js but with a
// component.json `{ "from": "<other>" }` reuses the other app's built
// app.wasm with its own spin.toml and expect.json (e.g. key-value-no-permission).
//
// WAT fixtures are built in process: parse -> componentEmbed -> componentNew
// (@bytecodealliance/jco-transpile/wasm-tools). A .wat whose text has a line
// `;; build: core-module` stays a core module (parse only), e.g. the Spin 1
// legacy module spin1-core.wat.
//
// Every item is cached by a hash of its inputs and of the tool versions; the
// hash is stored next to the output (.build-hash) and an item is rebuilt only
// when that hash or the output is missing or different.
//
// Usage: node scripts/build-examples.mjs [--force] [name ...]
//   --force   ignore the cache
//   name      only build these examples / fixtures (by folder or file name;
//             conformance apps also as conformance/<name>)
//
// Runs before `npm run dev`, `npm run build` and `npm test`; a fresh clone
// needs nothing but `npm ci`.

import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import TOML from '@iarna/toml';
import { PREOPEN_FIX, ROOT, listFiles, packageDir, packageVersion, runJ2w } from './lib/j2w.mjs';

// Bump when the recipe below changes in a way that should invalidate outputs.
const RECIPE = 'build-examples/1';

const EXAMPLES_DIR = path.join(ROOT, 'examples');
const PUBLIC_EXAMPLES = path.join(ROOT, 'public', 'examples');
const WAT_DIR = path.join(ROOT, 'test', 'fixtures', 'wat');
// WASI 0.3 (Spin 4) fixtures: their own WIT document, because test/fixtures/wat/wit holds
// synchronous stand-ins under the same package names (wasi:http@0.3.0-rc-2026-03-15).
const WAT_P3_DIR = path.join(ROOT, 'test', 'fixtures', 'wat-p3');
const FIXTURE_APPS_DIR = path.join(ROOT, 'test', 'fixtures', 'apps');
const FIXTURES_DIST = path.join(ROOT, 'test', 'fixtures', 'dist');
const CONFORMANCE_DIR = path.join(ROOT, 'test', 'fixtures', 'conformance');
const CONFORMANCE_DIST = path.join(FIXTURES_DIST, 'conformance');
const JS_EXTRA_DIR = path.join(ROOT, 'test', 'fixtures', 'js-extra');
const JS_EXTRA_DIST = path.join(FIXTURES_DIST, 'js-extra');
const DEFAULT_EXAMPLE = 'kv-basics';
const MAX_PARALLEL_JS = 2;

// j2w writes these next to its input; they are not build inputs.
const J2W_BYPRODUCT = /(^|\/)precompiled-source\.js(\.map)?$|\.buildData\.json$/;

const args = process.argv.slice(2);
const force = args.includes('--force');
const only = new Set(args.filter((a) => !a.startsWith('--')));
const wanted = (name) => only.size === 0 || only.has(name);

// ---------------------------------------------------------------------------
// helpers

/** A package's version for an input hash; 'missing' if it is not installed. */
function versionOrMissing(name, fromDir) {
  try {
    return packageVersion(name, fromDir);
  } catch {
    return 'missing';
  }
}

/** sha256 over labelled strings and files. */
function hashInputs(parts) {
  const h = createHash('sha256');
  for (const [label, value] of parts) {
    h.update(label);
    h.update('\0');
    h.update(value);
    h.update('\0');
  }
  return h.digest('hex');
}

function readIfExists(file) {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return null;
  }
}

/** Write only when the content differs (keeps mtimes stable for Vite). */
function writeIfChanged(file, content) {
  if (readIfExists(file) === content) return false;
  mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, content);
  renameSync(tmp, file);
  return true;
}

function copyIfChanged(from, to) {
  const src = readFileSync(from);
  try {
    if (src.equals(readFileSync(to))) return false;
  } catch {
    /* missing */
  }
  mkdirSync(path.dirname(to), { recursive: true });
  const tmp = `${to}.${process.pid}.tmp`;
  copyFileSync(from, tmp);
  renameSync(tmp, to);
  return true;
}

const seconds = (start) => `${((performance.now() - start) / 1000).toFixed(1)} s`;

/** Minimal reader for the few manifest fields we need (no TOML dependency). */
function manifestInfo(tomlText) {
  let table = '';
  let description = '';
  const sources = [];
  for (const rawLine of tomlText.split(/\r?\n/)) {
    const line = rawLine.trim();
    const header = /^\[\[?\s*([^\]]+?)\s*\]\]?/.exec(line);
    if (header) {
      table = header[1];
      continue;
    }
    const kv = /^([A-Za-z0-9_.-]+)\s*=\s*"((?:[^"\\]|\\.)*)"/.exec(line);
    if (!kv) continue;
    const value = JSON.parse(`"${kv[2]}"`);
    if (table === 'application' && kv[1] === 'description') description = value;
    // v2: [component.<id>]; v1: [[component]]
    if ((table === 'component' || /^component\.[^.]+$/.test(table)) && kv[1] === 'source') {
      sources.push(value);
    }
  }
  return { description, sources };
}

class BuildError extends Error {}

// ---------------------------------------------------------------------------
// JS examples (j2w)

function toolVersionsForJs() {
  const buildTools = packageDir('@spinframework/build-tools');
  return JSON.stringify({
    recipe: RECIPE,
    buildTools: versionOrMissing('@spinframework/build-tools'),
    componentizeJs: versionOrMissing('@bytecodealliance/componentize-js', buildTools),
    wizer: versionOrMissing('@bytecodealliance/wizer', buildTools),
    wasiHttpProxy: versionOrMissing('@spinframework/wasi-http-proxy'),
    preview2Shim: versionOrMissing('@bytecodealliance/preview2-shim'),
    preopenFix: readFileSync(PREOPEN_FIX, 'utf8'),
  });
}

function jsInputsHash(dir, toolVersions, keep) {
  const parts = [['tools', toolVersions]];
  for (const rel of listFiles(dir)) {
    if (J2W_BYPRODUCT.test(rel) || !keep(rel)) continue;
    parts.push([rel, readFileSync(path.join(dir, rel))]);
  }
  return hashInputs(parts);
}

/**
 * Build one j2w app: `dir` (with package.json and src/index.js) -> `outDir`/app.wasm.
 * `hashFilter(rel)` picks the files of `dir` that are build inputs; `always`
 * lists [from, to] files copied on every run, `afterBuild` those copied only
 * after a build (they are inputs, so a change rebuilds).
 */
async function buildJsApp({ label, dir, outDir, toolVersions, hashFilter, always = [], afterBuild = [] }) {
  const wasm = path.join(outDir, 'app.wasm');
  const hashFile = path.join(outDir, '.build-hash');
  const hash = jsInputsHash(dir, toolVersions, hashFilter);
  const outputsPresent = () => existsSync(wasm) && afterBuild.every(([, to]) => existsSync(to));

  if (!force && readIfExists(hashFile) === hash && outputsPresent()) {
    for (const [from, to] of always) copyIfChanged(from, to);
    console.log(`cached ${label}`);
    return;
  }
  const start = performance.now();
  mkdirSync(outDir, { recursive: true });
  rmSync(hashFile, { force: true });
  // A fresh temporary output name also defeats j2w's own "no changes" skip.
  const tmp = path.join(outDir, `.app.wasm.${process.pid}.tmp`);
  rmSync(tmp, { force: true });
  try {
    await runJ2w(dir, tmp, (message) => new BuildError(message));
    renameSync(tmp, wasm);
  } finally {
    rmSync(tmp, { force: true });
  }
  for (const [from, to] of [...afterBuild, ...always]) copyIfChanged(from, to);
  writeFileSync(hashFile, hash);
  console.log(`built ${label} (${seconds(start)})`);
}

/**
 * Files the example's manifest mounts with `files` (plain paths and `{ source }`
 * entries; a folder source contributes every file in it; globs are skipped: the
 * playground cannot fetch them over HTTP anyway). Relative to `dir`.
 */
function mountedFiles(dir) {
  const manifest = TOML.parse(readFileSync(path.join(dir, 'spin.toml'), 'utf8'));
  const components = Array.isArray(manifest.component) ? manifest.component : Object.values(manifest.component ?? {});
  const all = listFiles(dir);
  const out = new Set();
  for (const component of components) {
    for (const entry of component.files ?? []) {
      const source = typeof entry === 'string' ? entry : entry?.source;
      if (typeof source !== 'string' || /[*?[\]{}]/.test(source)) continue;
      const rel = source.replace(/^\.\//, '').replace(/\/+$/, '');
      for (const file of all) if (file === rel || rel === '' || file.startsWith(`${rel}/`)) out.add(file);
    }
  }
  return [...out].sort();
}

function buildExample(name, toolVersions) {
  const dir = path.join(EXAMPLES_DIR, name);
  const outDir = path.join(PUBLIC_EXAMPLES, name);
  const mounted = mountedFiles(dir);
  return buildJsApp({
    label: name,
    dir,
    outDir,
    toolVersions,
    // Mounted files are not inputs of app.wasm: copied on every run instead.
    hashFilter: (rel) => rel !== 'README.md' && !mounted.includes(rel),
    always: mounted.map((rel) => [path.join(dir, rel), path.join(outDir, rel)]),
    afterBuild: [[path.join(dir, 'spin.toml'), path.join(outDir, 'spin.toml')]],
  });
}

/** test/fixtures/js-extra/<name>/ (package.json, src/index.js, spin.toml). */
function discoverJsExtra() {
  if (!existsSync(JS_EXTRA_DIR)) return [];
  return readdirSync(JS_EXTRA_DIR, { withFileTypes: true })
    .filter(
      (e) => e.isDirectory() && existsSync(path.join(JS_EXTRA_DIR, e.name, 'spin.toml')) && existsSync(path.join(JS_EXTRA_DIR, e.name, 'src', 'index.js')),
    )
    .map((e) => e.name)
    .sort();
}

/** js-extra/<name> -> test/fixtures/dist/js-extra/<name>/{app.wasm, spin.toml}. */
function buildJsExtra(name, toolVersions) {
  const dir = path.join(JS_EXTRA_DIR, name);
  const outDir = path.join(JS_EXTRA_DIST, name);
  return buildJsApp({
    label: `js-extra/${name}`,
    dir,
    outDir,
    toolVersions,
    hashFilter: (rel) => rel === 'package.json' || rel.startsWith('src/') || rel.startsWith('wit/'),
    always: [[path.join(dir, 'spin.toml'), path.join(outDir, 'spin.toml')]],
  });
}

function discoverExamples() {
  if (!existsSync(EXAMPLES_DIR)) return [];
  return readdirSync(EXAMPLES_DIR, { withFileTypes: true })
    .filter(
      (e) => e.isDirectory() && existsSync(path.join(EXAMPLES_DIR, e.name, 'spin.toml')) && existsSync(path.join(EXAMPLES_DIR, e.name, 'src', 'index.js')),
    )
    .map((e) => e.name)
    .sort((a, b) => (a === DEFAULT_EXAMPLE ? -1 : b === DEFAULT_EXAMPLE ? 1 : a.localeCompare(b)));
}

function writeExamplesIndex(names) {
  const index = names.map((name) => ({
    name,
    description: manifestInfo(readFileSync(path.join(EXAMPLES_DIR, name, 'spin.toml'), 'utf8')).description,
    manifest: `examples/${name}/spin.toml`,
  }));
  writeIfChanged(path.join(PUBLIC_EXAMPLES, 'index.json'), `${JSON.stringify(index, null, 2)}\n`);
}

/** Remove outputs of examples that no longer exist (only folders holding nothing but our files). */
function pruneExamples(names) {
  if (!existsSync(PUBLIC_EXAMPLES)) return;
  const ours = (file) => ['app.wasm', 'spin.toml', '.build-hash'].includes(file) || file.endsWith('.tmp');
  for (const entry of readdirSync(PUBLIC_EXAMPLES, { withFileTypes: true })) {
    const dir = path.join(PUBLIC_EXAMPLES, entry.name);
    if (entry.isDirectory() && !names.includes(entry.name) && readdirSync(dir).every(ours)) {
      rmSync(dir, { recursive: true, force: true });
      console.log(`removed stale public/examples/${entry.name}`);
    }
  }
}

/** Run async tasks with at most `limit` in flight; collect every failure. */
async function pool(items, limit, task) {
  const failures = [];
  let next = 0;
  async function worker() {
    while (next < items.length) {
      const item = items[next++];
      try {
        await task(item);
      } catch (err) {
        failures.push([item, err]);
      }
    }
  }
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return failures;
}

// ---------------------------------------------------------------------------
// Conformance apps (test/fixtures/conformance)

/** Each folder with a spin.toml: a j2w app (src/index.js) or a reuse (component.json). */
function discoverConformance() {
  if (!existsSync(CONFORMANCE_DIR)) return { js: [], reuse: [] };
  const js = [];
  const reuse = [];
  for (const entry of readdirSync(CONFORMANCE_DIR, { withFileTypes: true })) {
    const dir = path.join(CONFORMANCE_DIR, entry.name);
    if (!entry.isDirectory() || !existsSync(path.join(dir, 'spin.toml'))) continue;
    if (existsSync(path.join(dir, 'src', 'index.js'))) {
      js.push(entry.name);
    } else if (existsSync(path.join(dir, 'component.json'))) {
      let from;
      try {
        from = JSON.parse(readFileSync(path.join(dir, 'component.json'), 'utf8')).from;
      } catch (err) {
        throw new BuildError(`test/fixtures/conformance/${entry.name}/component.json: ${err.message}`);
      }
      reuse.push({ name: entry.name, from });
    }
  }
  js.sort();
  reuse.sort((a, b) => a.name.localeCompare(b.name));
  for (const r of reuse) {
    if (!js.includes(r.from)) {
      throw new BuildError(
        `test/fixtures/conformance/${r.name}/component.json: "from" must name a conformance app with src/index.js (got ${JSON.stringify(r.from)})`,
      );
    }
  }
  return { js, reuse };
}

/** spin.toml and expect.json of a conformance folder: copied on every run. */
function conformanceSideFiles(name) {
  const dir = path.join(CONFORMANCE_DIR, name);
  const outDir = path.join(CONFORMANCE_DIST, name);
  return ['spin.toml', 'expect.json'].filter((f) => existsSync(path.join(dir, f))).map((f) => [path.join(dir, f), path.join(outDir, f)]);
}

function buildConformance(name, toolVersions) {
  return buildJsApp({
    label: `conformance/${name}`,
    dir: path.join(CONFORMANCE_DIR, name),
    outDir: path.join(CONFORMANCE_DIST, name),
    toolVersions,
    // Only the component's inputs: manifest and expectations are copied as is.
    hashFilter: (rel) => rel === 'package.json' || rel.startsWith('src/') || rel.startsWith('wit/'),
    always: conformanceSideFiles(name),
  });
}

/** A conformance app sharing another one's component: copy its app.wasm when that changed. */
function copyReusedConformance({ name, from }) {
  const outDir = path.join(CONFORMANCE_DIST, name);
  const wasm = path.join(outDir, 'app.wasm');
  const hashFile = path.join(outDir, '.build-hash');
  const fromWasm = path.join(CONFORMANCE_DIST, from, 'app.wasm');
  const fromHash = readIfExists(path.join(CONFORMANCE_DIST, from, '.build-hash'));
  if (!fromHash || !existsSync(fromWasm)) {
    throw new BuildError(`conformance/${name}: conformance/${from} has not been built`);
  }
  let changed = false;
  let copiedWasm = false;
  if (force || readIfExists(hashFile) !== fromHash || !existsSync(wasm)) {
    mkdirSync(outDir, { recursive: true });
    rmSync(hashFile, { force: true });
    const tmp = `${wasm}.${process.pid}.tmp`;
    copyFileSync(fromWasm, tmp);
    renameSync(tmp, wasm);
    writeFileSync(hashFile, fromHash);
    changed = copiedWasm = true;
  }
  for (const [src, dst] of conformanceSideFiles(name)) changed = copyIfChanged(src, dst) || changed;
  console.log(
    !changed ? `cached conformance/${name}` : copiedWasm ? `copied conformance/${name} (app.wasm of conformance/${from})` : `copied conformance/${name}`,
  );
}

/** Remove dist/conformance/<x> folders whose source folder is gone. */
function pruneConformance(names) {
  if (!existsSync(CONFORMANCE_DIST)) return;
  for (const entry of readdirSync(CONFORMANCE_DIST, { withFileTypes: true })) {
    if (entry.isDirectory() && !names.includes(entry.name)) {
      rmSync(path.join(CONFORMANCE_DIST, entry.name), { recursive: true, force: true });
      console.log(`removed stale test/fixtures/dist/conformance/${entry.name}`);
    }
  }
}

// ---------------------------------------------------------------------------
// WAT fixtures

const WASI_WIT = path.join(packageDir('@spinframework/wasi-http-proxy'), 'wit', 'wasi-http@0.2.3.wit');

function toolVersionsForWat() {
  return JSON.stringify({
    recipe: RECIPE,
    jcoTranspile: versionOrMissing('@bytecodealliance/jco-transpile'),
    wasiHttpProxy: versionOrMissing('@spinframework/wasi-http-proxy'),
    preview2Shim: versionOrMissing('@bytecodealliance/preview2-shim'),
  });
}

/**
 * One multi-package WIT document for the fixtures: our own files from
 * test/fixtures/wat/wit (worlds.wit first: it holds the top-level package),
 * then the WASI 0.2.3 packages shipped by @spinframework/wasi-http-proxy, then
 * the same packages relabelled 0.2.0. 0.2.0 to 0.2.3 only added @since /
 * @deprecated gates and the `field-name` alias of `field-key`, so dropping
 * those gives the 0.2.0 definitions.
 */
function fixtureWitDocument() {
  const witDir = path.join(WAT_DIR, 'wit');
  const own = listFiles(witDir)
    .filter((f) => f.endsWith('.wit'))
    .sort((a, b) => (a === 'worlds.wit' ? -1 : b === 'worlds.wit' ? 1 : a.localeCompare(b)))
    .map((f) => readFileSync(path.join(witDir, f), 'utf8'));
  const shipped = readFileSync(WASI_WIT, 'utf8');
  const firstWasi = shipped.indexOf('package wasi:');
  if (firstWasi < 0) throw new BuildError(`no wasi packages in ${WASI_WIT}`);
  const wasi023 = shipped.slice(firstWasi);
  const wasi020 = wasi023
    .replaceAll('@0.2.3', '@0.2.0')
    .replace(/^[ \t]*@(since|deprecated)\([^)]*\)[ \t]*\r?\n/gm, '')
    .replace(/^[ \t]*type field-name = field-key;[ \t]*\r?\n/m, '')
    .replace(/\bname: field-name\b/g, 'name: field-key')
    .replace(/tuple<field-name,/g, 'tuple<field-key,');
  return [...own, wasi023, wasi020].join('\n');
}

/** A .wat containing this line is built as a core module (parse only). */
const CORE_MODULE_MARK = /^;;\s*build:\s*core-module\s*$/m;

let wasmTools;
async function loadWasmTools() {
  if (!wasmTools) {
    await import(pathToFileURL(PREOPEN_FIX).href); // componentEmbed reads the WIT through preview2-shim
    wasmTools = await import('@bytecodealliance/jco-transpile/wasm-tools');
  }
  return wasmTools;
}

/**
 * The WIT document of the WASI 0.3 fixtures: test/fixtures/wat-p3/wit (worlds.wit first), then
 * the WASI 0.2.3 packages relabelled 0.2.6, the 0.2 version real p3 output still imports (0.2.4
 * to 0.2.6 changed no types).
 */
function p3WitDocument() {
  const witDir = path.join(WAT_P3_DIR, 'wit');
  const own = listFiles(witDir)
    .filter((f) => f.endsWith('.wit'))
    .sort((a, b) => (a === 'worlds.wit' ? -1 : b === 'worlds.wit' ? 1 : a.localeCompare(b)))
    .map((f) => readFileSync(path.join(witDir, f), 'utf8'));
  const shipped = readFileSync(WASI_WIT, 'utf8');
  const wasi026 = shipped.slice(shipped.indexOf('package wasi:')).replaceAll('@0.2.3', '@0.2.6');
  return [...own, wasi026].join('\n');
}

const witFiles = new Map();
function fixtureWitFile(dir = WAT_DIR) {
  if (!witFiles.has(dir)) {
    const p3 = dir === WAT_P3_DIR;
    const file = path.join(FIXTURES_DIST, '.wit', p3 ? 'fixtures-p3.wit' : 'fixtures.wit');
    writeIfChanged(file, p3 ? p3WitDocument() : fixtureWitDocument());
    witFiles.set(dir, file);
  }
  return witFiles.get(dir);
}

async function buildWat(name, toolVersions, dir = WAT_DIR) {
  const source = path.join(dir, `${name}.wat`);
  const out = path.join(FIXTURES_DIST, `${name}.wasm`);
  const hashFile = path.join(FIXTURES_DIST, `.${name}.build-hash`);
  const witDir = path.join(dir, 'wit');
  const parts = [
    ['tools', toolVersions],
    ['wasi', readFileSync(WASI_WIT)],
    ['source', readFileSync(source)],
  ];
  for (const rel of listFiles(witDir)) parts.push([`wit/${rel}`, readFileSync(path.join(witDir, rel))]);
  const hash = hashInputs(parts);

  if (!force && readIfExists(hashFile) === hash && existsSync(out)) {
    console.log(`cached fixtures/${name}.wasm`);
    return;
  }
  const start = performance.now();
  const { parse, componentEmbed, componentNew } = await loadWasmTools();
  const text = readFileSync(source, 'utf8');
  let component;
  try {
    const core = await parse(text);
    if (CORE_MODULE_MARK.test(text)) {
      component = core; // e.g. a Spin 1 legacy module: no component wrapping
    } else {
      const embedded = await componentEmbed({ binary: core, witPath: fixtureWitFile(dir), world: name });
      component = await componentNew(embedded);
    }
  } catch (err) {
    throw new BuildError(`WAT fixture ${path.relative(ROOT, source)}: ${err?.message ?? err}`);
  }
  mkdirSync(FIXTURES_DIST, { recursive: true });
  const tmp = `${out}.${process.pid}.tmp`;
  writeFileSync(tmp, component);
  renameSync(tmp, out);
  writeFileSync(hashFile, hash);
  console.log(`built fixtures/${name}.wasm (${seconds(start)})`);
}

function copyFixtureApp(app) {
  const manifestSrc = path.join(FIXTURE_APPS_DIR, app, 'spin.toml');
  const outDir = path.join(FIXTURES_DIST, 'apps', app);
  const text = readFileSync(manifestSrc, 'utf8');
  let changed = copyIfChanged(manifestSrc, path.join(outDir, 'spin.toml'));
  const expectSrc = path.join(FIXTURE_APPS_DIR, app, 'expect.json');
  if (existsSync(expectSrc)) changed = copyIfChanged(expectSrc, path.join(outDir, 'expect.json')) || changed;
  for (const source of new Set(manifestInfo(text).sources)) {
    if (!source.endsWith('.wasm') || source.includes('/')) {
      throw new BuildError(`test/fixtures/apps/${app}/spin.toml: source "${source}" must be a bare <fixture>.wasm`);
    }
    const built = path.join(FIXTURES_DIST, source);
    if (!existsSync(built)) {
      throw new BuildError(
        `test/fixtures/apps/${app}/spin.toml: source "${source}" is not a built fixture (no test/fixtures/wat/${source.replace(/\.wasm$/, '.wat')})`,
      );
    }
    changed = copyIfChanged(built, path.join(outDir, source)) || changed;
  }
  console.log(changed ? `copied fixtures/apps/${app}` : `cached fixtures/apps/${app}`);
}

// ---------------------------------------------------------------------------

async function main() {
  const start = performance.now();
  const failures = [];

  // JS examples and conformance apps: start them first (slow), the in-process
  // WAT work overlaps. Examples go first: the dev server needs them.
  const examples = discoverExamples();
  let conformance = { js: [], reuse: [] };
  try {
    conformance = discoverConformance();
  } catch (err) {
    failures.push(['conformance', err]);
  }
  // Conformance names may be given bare or as conformance/<name>.
  const wantedConformance = (name) => wanted(name) || only.has(`conformance/${name}`);
  const reuseWanted = conformance.reuse.filter((r) => wantedConformance(r.name));
  const conformanceJs = conformance.js.filter((name) => wantedConformance(name) || reuseWanted.some((r) => r.from === name));
  const jsTools = toolVersionsForJs();
  const jsJobs = [
    ...examples.filter(wanted).map((name) => ({ item: name, run: () => buildExample(name, jsTools) })),
    ...conformanceJs.map((name) => ({
      item: `conformance/${name}`,
      run: () => buildConformance(name, jsTools),
    })),
    ...discoverJsExtra()
      .filter((name) => wanted(name) || only.has(`js-extra/${name}`))
      .map((name) => ({ item: `js-extra/${name}`, run: () => buildJsExtra(name, jsTools) })),
  ];
  const jsDone = pool(jsJobs, MAX_PARALLEL_JS, (job) => job.run()).then((f) => failures.push(...f.map(([job, err]) => [job.item, err])));

  // WAT fixtures, then fixture apps that reference them.
  const wats = listFiles(WAT_DIR)
    .filter((f) => !f.includes('/') && f.endsWith('.wat'))
    .map((f) => f.slice(0, -'.wat'.length))
    .filter(wanted);
  const watTools = toolVersionsForWat();
  for (const name of wats) {
    try {
      await buildWat(name, watTools);
    } catch (err) {
      failures.push([`fixtures/${name}.wasm`, err]);
    }
  }
  const p3Wats = listFiles(WAT_P3_DIR)
    .filter((f) => !f.includes('/') && f.endsWith('.wat'))
    .map((f) => f.slice(0, -'.wat'.length))
    .filter(wanted);
  for (const name of p3Wats) {
    if (wats.includes(name)) {
      failures.push([`fixtures/${name}.wasm`, new BuildError(`test/fixtures/wat-p3/${name}.wat: a fixture of that name exists in test/fixtures/wat`)]);
      continue;
    }
    try {
      await buildWat(name, watTools, WAT_P3_DIR);
    } catch (err) {
      failures.push([`fixtures/${name}.wasm`, err]);
    }
  }
  const apps = existsSync(FIXTURE_APPS_DIR)
    ? readdirSync(FIXTURE_APPS_DIR, { withFileTypes: true })
        .filter((e) => e.isDirectory() && existsSync(path.join(FIXTURE_APPS_DIR, e.name, 'spin.toml')))
        .map((e) => e.name)
        .sort()
    : [];
  for (const app of apps.filter((a) => only.size === 0 || wanted(a))) {
    try {
      copyFixtureApp(app);
    } catch (err) {
      failures.push([`fixtures/apps/${app}`, err]);
    }
  }

  await jsDone;
  for (const reuse of reuseWanted) {
    if (failures.some(([item]) => item === `conformance/${reuse.from}`)) continue;
    try {
      copyReusedConformance(reuse);
    } catch (err) {
      failures.push([`conformance/${reuse.name}`, err]);
    }
  }
  if (only.size === 0) {
    pruneExamples(examples);
    if (!failures.some(([item]) => item === 'conformance')) {
      pruneConformance([...conformance.js, ...conformance.reuse.map((r) => r.name)]);
    }
  }
  writeExamplesIndex(examples);

  // In-page authoring: the spliced engine, glue template and cores it builds on (cached by hash).
  if (only.size === 0) {
    try {
      await (await import('./build-authoring.mjs')).buildAuthoring({ force });
    } catch (err) {
      failures.push(['authoring', err]);
    }
  }

  // The bundled examples, transpiled for the engine ahead of time (cached by hash).
  if (only.size === 0 && !failures.length) {
    try {
      await (await import('./pretranspile-examples.mjs')).pretranspileExamples();
    } catch (err) {
      failures.push(['pretranspiled examples', err]);
    }
  }

  if (failures.length) {
    for (const [item, err] of failures) {
      console.error(`\nFAILED ${item}\n${err instanceof BuildError ? err.message : (err?.stack ?? err)}`);
    }
    console.error(`\nbuild-examples: ${failures.length} item(s) failed`);
    process.exit(1);
  }
  if (jsJobs.length + reuseWanted.length + wats.length > 1) {
    console.log(`build-examples done in ${seconds(start)}`);
  }
}

main().catch((err) => {
  console.error(err?.stack ?? err);
  process.exit(1);
});
