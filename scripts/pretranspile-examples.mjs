// The bundled examples, transpiled at build time (src/engine/transpile-seed.ts): for each
// public/examples/<name>/app.wasm and each bridge (jspi, sync), the engine's own jco transpile,
// written to public/transpiled/<sha256>.<bridge>.json as the glue's text plus the byte range of
// each core module in the component. Opening an example then transpiles nothing in the browser.
// Skips a file that exists (its name is the component's hash and the version is inside it, so an
// unchanged example costs nothing), and removes files of components that are gone.
//
// Called by scripts/build-examples.mjs; alone: `node scripts/pretranspile-examples.mjs`.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync, renameSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { ROOT } from './lib/j2w.mjs';

const EXAMPLES = path.join(ROOT, 'public', 'examples');
const OUT = path.join(ROOT, 'public', 'transpiled');
const BRIDGES = ['jspi', 'sync'];

export async function pretranspileExamples() {
  const started = performance.now();
  const components = existsSync(EXAMPLES)
    ? readdirSync(EXAMPLES, { withFileTypes: true })
        .filter((e) => e.isDirectory() && existsSync(path.join(EXAMPLES, e.name, 'app.wasm')))
        .map((e) => ({ name: e.name, bytes: readFileSync(path.join(EXAMPLES, e.name, 'app.wasm')) }))
    : [];
  const { register } = await import('tsx/esm/api');
  const unregister = register();
  const src = (file) => import(pathToFileURL(path.join(ROOT, 'src', 'engine', file)).href);
  const { transpileOptions, TRANSPILE_VERSION } = await src('transpile-options.ts');
  const { coreModuleSections, findCoreModule } = await src('core-slices.ts');
  const { seedPath } = await src('transpile-seed.ts');
  await unregister?.();
  mkdirSync(OUT, { recursive: true });
  const keep = new Set();
  let made = 0;
  let generate = null;
  for (const { name, bytes } of components) {
    const hash = createHash('sha256').update(bytes).digest('hex');
    const sections = coreModuleSections(bytes);
    for (const bridge of BRIDGES) {
      const file = path.basename(seedPath(hash, bridge));
      keep.add(file);
      const target = path.join(OUT, file);
      if (existsSync(target) && JSON.parse(readFileSync(target, 'utf8')).version === TRANSPILE_VERSION) continue;
      if (!generate) {
        const jco = await import('@bytecodealliance/jco-transpile/component');
        await jco.$init;
        generate = jco.generate;
      }
      const output = generate(bytes, transpileOptions(bridge));
      const files = output.files.map(([fileName, data]) => {
        if (!fileName.endsWith('.wasm')) return [fileName, { text: Buffer.from(data).toString('utf8') }];
        const slice = findCoreModule(bytes, sections, data);
        if (!slice) throw new Error(`public/examples/${name}/app.wasm: jco's ${fileName} is not one of the component's core modules`);
        return [fileName, slice];
      });
      const seed = { version: TRANSPILE_VERSION, component: hash, bridge, imports: output.imports, exports: output.exports, files };
      writeFileSync(`${target}.tmp`, JSON.stringify(seed));
      renameSync(`${target}.tmp`, target);
      made++;
    }
  }
  for (const file of readdirSync(OUT)) if (!keep.has(file)) rmSync(path.join(OUT, file), { force: true });
  if (made > 0) console.log(`pretranspiled ${made} example transpile(s) in ${((performance.now() - started) / 1000).toFixed(1)} s`);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await pretranspileExamples();
