#!/usr/bin/env node
// Build-time half of "write a Spin JS component in the page" (docs/authoring.md §1).
//
// The world of an authored app is fixed (src/authoring/template: fermyon:spin key-value@2.0.0 and
// variables@2.0.0, merged by j2w with wasi-http and wasi-cli), so everything that depends only on
// the world is made once, here, and the page only pre-initialises the engine with the user's
// script (src/authoring/wizer.ts) and hands the result to a glue template:
//
//   public/authoring/
//     engine.wasm          StarlingMonkey with the world's bindings spliced in (componentize-js
//                          0.19.3's splicer, as j2w runs it), before Wizer
//     initializer.js       the bindings script the splicer emits (read by the engine at init)
//     glue.jspi.js         the transpiled glue (jco-transpile generate(), the engine's options,
//     glue.sync.js         src/engine/transpile-options.ts) of a j2w build of the template app
//     component.core2.wasm …  the glue's small core modules (adapter and shims), identical for
//                          every script; the main core (component.core.wasm) is what the page makes
//     adapter.wasm         jco's wasi_snapshot_preview1 reactor adapter (for "Export .wasm")
//     world.wit            the merged world j2w builds against (for the splicer's stubWasi)
//     manifest.json        the splicer's import/export lists, features, the template's world,
//                          file names and sizes, and the input hash
//   .cache/authoring/reference/<name>.wasm   j2w builds of the template world, for the fidelity
//                          tests: `template` (the template app) and `kv-basics` (that example's
//                          source in the template world); the glue template comes from the first
//
// Cached like build-examples: a hash of the inputs (template files, tool versions, this script,
// the transpile options) is stored in manifest.json; nothing is rebuilt while it matches.
//
// Usage: node scripts/build-authoring.mjs [--force]
// Or from another script: `import { buildAuthoring } from './build-authoring.mjs'; await buildAuthoring()`.

import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { PREOPEN_FIX, ROOT, listFiles, packageDir, packageVersion, runJ2w } from './lib/j2w.mjs';

const RECIPE = 'build-authoring/1';
const TEMPLATE_DIR = path.join(ROOT, 'src', 'authoring', 'template');
const OUT_DIR = path.join(ROOT, 'public', 'authoring');
const CACHE_DIR = path.join(ROOT, '.cache', 'authoring');
const REFERENCE_DIR = path.join(CACHE_DIR, 'reference');
/** j2w builds made with the template app's package.json and WIT: name -> source file. */
const REFERENCES = {
  template: path.join(TEMPLATE_DIR, 'src', 'index.js'),
  'kv-basics': path.join(ROOT, 'examples', 'kv-basics', 'src', 'index.js'),
};
const referenceWasm = (name) => path.join(REFERENCE_DIR, `${name}.wasm`);
const FEATURES = ['stdio', 'random', 'clocks', 'http', 'fetch-event'];

const BUILD_TOOLS = packageDir('@spinframework/build-tools');
const COMPONENTIZE_JS = packageDir('@bytecodealliance/componentize-js', BUILD_TOOLS);

/** The template app's own files (not j2w's byproducts). */
const templateFiles = () => listFiles(TEMPLATE_DIR).filter((f) => !/precompiled-source\.js(\.map)?$|\.buildData\.json$/.test(f));

function inputsHash() {
  const h = createHash('sha256');
  const part = (label, value) => h.update(label).update('\0').update(value).update('\0');
  part('recipe', RECIPE);
  part('script', readFileSync(fileURLToPath(import.meta.url)));
  part('preopen-fix', readFileSync(PREOPEN_FIX));
  part('transpile-options', readFileSync(path.join(ROOT, 'src', 'engine', 'transpile-options.ts')));
  part(
    'versions',
    JSON.stringify({
      buildTools: packageVersion('@spinframework/build-tools'),
      componentizeJs: packageVersion('@bytecodealliance/componentize-js', BUILD_TOOLS),
      wizer: packageVersion('@bytecodealliance/wizer', COMPONENTIZE_JS),
      wasiHttpProxy: packageVersion('@spinframework/wasi-http-proxy'),
      jcoTranspile: packageVersion('@bytecodealliance/jco-transpile'),
      jco: packageVersion('@bytecodealliance/jco'),
      preview2Shim: packageVersion('@bytecodealliance/preview2-shim'),
    }),
  );
  for (const rel of templateFiles()) part(`template/${rel}`, readFileSync(path.join(TEMPLATE_DIR, rel)));
  for (const [name, file] of Object.entries(REFERENCES)) part(`reference/${name}`, readFileSync(file));
  return h.digest('hex');
}

function readManifest() {
  try {
    return JSON.parse(readFileSync(path.join(OUT_DIR, 'manifest.json'), 'utf8'));
  } catch {
    return null;
  }
}

const sha256 = (bytes) => createHash('sha256').update(bytes).digest('hex');

function writeAtomic(file, content) {
  mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, content);
  renameSync(tmp, file);
}

/**
 * Builds public/authoring/ unless its manifest's hash matches the inputs. Resolves with
 * 'cached' or 'built'.
 */
export async function buildAuthoring({ force = false, log = console.log } = {}) {
  const hash = inputsHash();
  const existing = readManifest();
  const outputsPresent = (m) =>
    m && [m.engine, m.initializer, m.adapter, m.wit, ...Object.values(m.glue), ...m.cores].every((f) => existsSync(path.join(OUT_DIR, f)));
  if (!force && existing?.hash === hash && outputsPresent(existing) && Object.keys(REFERENCES).every((n) => existsSync(referenceWasm(n)))) {
    log('cached authoring');
    return 'cached';
  }
  const started = performance.now();
  // 1. The references: j2w builds the template app (and the other reference sources with its
  //    package.json and WIT), exactly as `spin build` would. Two at a time (each peaks near 600 MB).
  await Promise.all(
    Object.entries(REFERENCES).map(async ([name, source]) => {
      const stage = path.join(CACHE_DIR, 'stage', name);
      rmSync(stage, { recursive: true, force: true });
      mkdirSync(stage, { recursive: true });
      for (const rel of templateFiles()) if (rel !== 'src/index.js') cpSync(path.join(TEMPLATE_DIR, rel), path.join(stage, rel));
      cpSync(source, path.join(stage, 'src', 'index.js'));
      const out = referenceWasm(name);
      const tmp = `${out}.${process.pid}.tmp`;
      mkdirSync(REFERENCE_DIR, { recursive: true });
      try {
        await runJ2w(stage, tmp);
        renameSync(tmp, out);
      } finally {
        rmSync(tmp, { force: true });
      }
    }),
  );
  const STAGE_DIR = path.join(CACHE_DIR, 'stage', 'template');
  const template = readFileSync(referenceWasm('template'));

  // 2. The world's splice, as componentize-js does it inside j2w (same inline WIT, same features).
  await import(pathToFileURL(PREOPEN_FIX).href); // the WIT merge reads files through preview2-shim
  const { getPackagesWithWasiDeps, processWasiDeps } = await import(pathToFileURL(path.join(BUILD_TOOLS, 'dist', 'wasiDepsParser.js')).href);
  const { mergeWit } = await import(pathToFileURL(path.join(BUILD_TOOLS, 'lib', 'wit_tools.js')).href);
  const { witPaths, targetWorlds } = processWasiDeps(getPackagesWithWasiDeps(STAGE_DIR, new Set(), true));
  const inlineWit = mergeWit(witPaths, targetWorlds, 'combined', 'combined-wit:combined-wit@0.3.0');
  const { splicer } = await import(pathToFileURL(path.join(COMPONENTIZE_JS, 'lib', 'spidermonkey-embedding-splicer.js')).href);
  const engine = readFileSync(path.join(COMPONENTIZE_JS, 'lib', 'starlingmonkey_embedding.wasm'));
  const spliced = splicer.spliceBindings(engine, FEATURES, inlineWit, undefined, undefined, false);

  // 3. The glue template: the engine's transpile of the j2w build, for both bridges.
  const { register } = await import('tsx/esm/api');
  const unregister = register();
  const { transpileOptions, GLUE_NAME } = await import(pathToFileURL(path.join(ROOT, 'src', 'engine', 'transpile-options.ts')).href);
  const { readComponentWorld } = await import(pathToFileURL(path.join(ROOT, 'src', 'engine', 'component-world.ts')).href);
  await unregister?.();
  const { $init, generate } = await import('@bytecodealliance/jco-transpile/component');
  await $init;
  const mainCore = `${GLUE_NAME}.core.wasm`;
  const glue = {};
  const cores = new Map();
  const outputs = new Map();
  for (const bridge of ['jspi', 'sync']) {
    const { files } = generate(template, transpileOptions(bridge));
    for (const [name, data] of files) {
      if (name === `${GLUE_NAME}.js`) {
        glue[bridge] = `glue.${bridge}.js`;
        outputs.set(glue[bridge], data);
      } else if (name.endsWith('.wasm') && name !== mainCore) {
        const previous = cores.get(name);
        if (previous && sha256(previous) !== sha256(data)) throw new Error(`${name} differs between the jspi and sync transpiles`);
        cores.set(name, data);
      }
    }
    if (!glue[bridge]) throw new Error(`jco produced no ${GLUE_NAME}.js for ${bridge}`);
  }

  // 4. Write everything; the manifest last (it marks the set complete).
  mkdirSync(OUT_DIR, { recursive: true });
  writeAtomic(path.join(OUT_DIR, '.gitignore'), '# generated by scripts/build-authoring.mjs\n*\n');
  outputs.set('engine.wasm', spliced.wasm);
  outputs.set('initializer.js', spliced.jsBindings);
  outputs.set('world.wit', inlineWit);
  for (const [name, data] of cores) outputs.set(name, data);
  const adapterPath = path.join(packageDir('@bytecodealliance/jco', COMPONENTIZE_JS), 'lib', 'wasi_snapshot_preview1.reactor.wasm');
  outputs.set('adapter.wasm', readFileSync(adapterPath));
  for (const [name, data] of outputs) writeAtomic(path.join(OUT_DIR, name), data);
  const manifest = {
    format: 1,
    hash,
    componentizeJs: packageVersion('@bytecodealliance/componentize-js', BUILD_TOOLS),
    features: FEATURES,
    spliceExports: spliced.exports,
    spliceImports: spliced.imports,
    world: readComponentWorld(template),
    engine: 'engine.wasm',
    initializer: 'initializer.js',
    adapter: 'adapter.wasm',
    wit: 'world.wit',
    mainCore,
    cores: [...cores.keys()],
    glue,
    sizes: Object.fromEntries([...outputs].map(([name, data]) => [name, typeof data === 'string' ? Buffer.byteLength(data) : data.byteLength])),
    sha256: Object.fromEntries([...outputs].map(([name, data]) => [name, sha256(data)])),
    template: { bytes: template.byteLength, sha256: sha256(template), package: JSON.parse(readFileSync(path.join(TEMPLATE_DIR, 'package.json'), 'utf8')) },
  };
  writeAtomic(path.join(OUT_DIR, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  // Files of an earlier build that this one no longer writes.
  const keep = new Set([...outputs.keys(), 'manifest.json', '.gitignore']);
  for (const file of readdirSync(OUT_DIR)) if (!keep.has(file)) rmSync(path.join(OUT_DIR, file), { force: true, recursive: true });
  log(`built authoring (${((performance.now() - started) / 1000).toFixed(1)} s)`);
  return 'built';
}

if (process.argv[1] && pathToFileURL(path.resolve(process.argv[1])).href === import.meta.url) {
  buildAuthoring({ force: process.argv.includes('--force') }).then(
    () => process.exit(0),
    (error) => {
      console.error(error?.stack ?? error);
      process.exit(1);
    },
  );
}
