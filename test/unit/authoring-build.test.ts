/**
 * The in-page builder in Node: script errors with line and column, the glue-template trick (the
 * transpiled glue and small cores of j2w builds do not depend on the script), and fidelity: the
 * component built in the page answers exactly as the j2w build of the same source does.
 */
import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { $init, generate } from '@bytecodealliance/jco-transpile/component';
import { JsComponentBuilder } from '../../src/authoring/builder.ts';
import { parseScriptErrors } from '../../src/authoring/embedding.ts';
import type { ArtifactSource, AuthoringManifest } from '../../src/authoring/manifest.ts';
import { isAuthoredCore, loadGlueTemplate, prepareAuthoredComponent, type GlueTemplate } from '../../src/authoring/prepared.ts';
import { transpileOptions } from '../../src/engine/transpile-options.ts';
import { buildAuthoring } from '../../scripts/build-authoring.mjs';
import { handleWith, minimalHost } from './authoring-host.ts';

const root = new URL('../../', import.meta.url).pathname;
const artifacts = path.join(root, 'public/authoring');
const reference = (name: string) => new Uint8Array(readFileSync(path.join(root, '.cache/authoring/reference', `${name}.wasm`)));
const read = (rel: string) => readFileSync(path.join(root, rel), 'utf8');

let source: ArtifactSource;
let builder: JsComponentBuilder;
let template: GlueTemplate;

before(async () => {
  await buildAuthoring({ log: () => {} });
  const manifest = JSON.parse(readFileSync(path.join(artifacts, 'manifest.json'), 'utf8')) as AuthoringManifest;
  source = {
    manifest,
    bytes: async (name) => new Uint8Array(readFileSync(path.join(artifacts, name))),
    text: async (name) => readFileSync(path.join(artifacts, name), 'utf8'),
  };
  builder = await JsComponentBuilder.load(source);
  template = await loadGlueTemplate(source, 'sync');
});

/** The j2w build's own transpile (the engine's path for uploaded components), sync glue. */
async function nativePrepared(bytes: Uint8Array) {
  await $init;
  const { files } = generate(bytes, transpileOptions('sync'));
  const modules = new Map<string, WebAssembly.Module>();
  let glue = '';
  for (const [name, data] of files) {
    if (name.endsWith('.wasm')) modules.set(name, await WebAssembly.compile(data as Uint8Array<ArrayBuffer>));
    else if (name === 'component.js') glue = new TextDecoder().decode(data);
  }
  const mod = (await import(`data:text/javascript;base64,${Buffer.from(glue).toString('base64')}`)) as {
    instantiate(get: (p: string) => WebAssembly.Module, imports: unknown): Promise<Record<string, unknown>>;
  };
  return { files, instantiate: (imports: unknown) => mod.instantiate((p) => modules.get(p)!, imports) };
}

async function respond(instantiate: (imports: Record<string, unknown>) => Promise<Record<string, unknown>>, request: Request, host = minimalHost()) {
  const response = await handleWith(await instantiate(host.imports), request);
  return { status: response.status, headers: [...response.headers], body: await response.text() };
}

async function built(code: string) {
  const result = await builder.build(code);
  assert.ok(result.ok, `build failed: ${JSON.stringify(!result.ok && result.errors)}`);
  return result;
}

describe('glue template', () => {
  test('j2w builds of two different scripts transpile to byte-identical glue and small cores (the shipped template)', async () => {
    await $init;
    for (const bridge of ['jspi', 'sync'] as const) {
      const glue = readFileSync(path.join(artifacts, source.manifest.glue[bridge]));
      const { files } = generate(reference('kv-basics'), transpileOptions(bridge));
      const byName = new Map(files);
      assert.deepEqual(byName.get('component.js'), new Uint8Array(glue), `${bridge} glue differs`);
      for (const core of source.manifest.cores) {
        assert.deepEqual(byName.get(core), new Uint8Array(readFileSync(path.join(artifacts, core))), `${core} differs`);
      }
    }
  });
});

describe('fidelity with the j2w build of the same source', () => {
  test('kv-basics: the same response as the native component', async () => {
    const ours = await prepareAuthoredComponent(template, (await built(read('examples/kv-basics/src/index.js'))).coreModule);
    const native = await nativePrepared(reference('kv-basics'));
    const request = () => new Request('http://localhost/');
    const a = await respond(ours.instantiate, request());
    const b = await respond(native.instantiate, request());
    assert.equal(a.status, 200);
    assert.match(a.body, /^set test-key = test-value\nexists\(test-key\) = true\n/);
    assert.deepEqual(a, b);
  });

  test('the template app: key-value state across requests and variables, as the native component', async () => {
    const ours = await prepareAuthoredComponent(template, (await built(read('src/authoring/template/src/index.js'))).coreModule);
    const native = await nativePrepared(reference('template'));
    for (const [instantiate, label] of [
      [ours.instantiate, 'page'],
      [native.instantiate, 'j2w'],
    ] as const) {
      const kv = new Map();
      const first = await respond(instantiate, new Request('http://localhost/a?b=1'), minimalHost({ kv }));
      const second = await respond(
        instantiate,
        new Request('http://localhost/x', { method: 'POST', body: 'hi' }),
        minimalHost({ kv, variables: { greeting: 'Howdy' } }),
      );
      assert.deepEqual([first.status, first.body], [200, 'Hello from Spin! GET /a, visit 1\n'], label);
      assert.deepEqual([second.status, second.body], [200, 'Howdy from Spin! POST /x, visit 2\n'], label);
    }
    assert.deepEqual(ours.world, template.manifest.world);
  });

  test('the engine can tell a page-built core from other core modules and components', async () => {
    const core = (await built(read('examples/kv-basics/src/index.js'))).coreModule;
    assert.equal(isAuthoredCore(core), true);
    assert.equal(isAuthoredCore(reference('kv-basics')), false);
    assert.equal(isAuthoredCore(new Uint8Array([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0])), false);
    assert.equal(isAuthoredCore(new Uint8Array([1, 2, 3])), false);
  });

  test('the page-built core imports what the j2w core imports, plus only what stubWasi turns into traps', async () => {
    const ours = new WebAssembly.Module((await built(read('src/authoring/template/src/index.js'))).coreModule as Uint8Array<ArrayBuffer>);
    await $init;
    const nativeCore = new Map(generate(reference('template'), transpileOptions('sync')).files).get('component.core.wasm')!;
    const key = (i: { module: string; name: string }) => `${i.module}#${i.name}`;
    const mine = new Set(WebAssembly.Module.imports(ours).map(key));
    const theirs = new Set(WebAssembly.Module.imports(new WebAssembly.Module(nativeCore as Uint8Array<ArrayBuffer>)).map(key));
    for (const name of theirs) assert.ok(mine.has(name), `missing ${name}`);
    const extra = [...mine].filter((n) => !theirs.has(n));
    for (const name of extra) assert.match(name, /^(wasi_snapshot_preview1#(fd_|path_|proc_exit|random_get)|wasi:sockets\/)/, name);
    assert.deepEqual(
      WebAssembly.Module.exports(ours)
        .map((e) => e.name)
        .sort(),
      WebAssembly.Module.exports(new WebAssembly.Module(nativeCore as Uint8Array<ArrayBuffer>))
        .map((e) => e.name)
        .sort(),
    );
  });
});

describe('script errors', () => {
  const failure = async (code: string) => {
    const result = await builder.build(code);
    assert.equal(result.ok, false, 'expected the build to fail');
    return result.ok ? [] : result.errors;
  };

  test('a syntax error comes back with its line and column', async () => {
    const errors = await failure("addEventListener('fetch', (e) => {\n  e.respondWith(new Response('x'));\n  let x = ;\n});\n");
    assert.deepEqual(errors, [{ line: 3, column: 11, message: "SyntaxError: expected expression, got ';'" }]);
  });

  test('an exception at the top level, and an import the world lacks', async () => {
    assert.deepEqual(await failure("const a = 1;\nthrow new Error('boom');\n"), [{ line: 2, column: 7, message: 'Error: boom' }]);
    const [missing] = await failure(
      "import { nope } from 'fermyon:spin/key-value@2.0.0';\naddEventListener('fetch', (e) => e.respondWith(new Response('x')));\n",
    );
    assert.equal(missing!.line, 1);
    assert.match(missing!.message, /doesn't provide an export named: 'nope'/);
  });

  test('a host call at the top level fails the build, as under native Wizer', async () => {
    const [error] = await failure("import { Store } from 'fermyon:spin/key-value@2.0.0';\nStore.open('default');\n");
    assert.match(error!.message, /fermyon:spin\/key-value@2\.0\.0#\[static\]store\.open/);
  });

  test('a hand-written incomingHandler export is refused with its position', async () => {
    const [error] = await failure('const x = 1;\nexport const incomingHandler = { handle() {} };\n');
    assert.deepEqual([error!.line, error!.column], [2, 1]);
    assert.match(error!.message, /addEventListener\('fetch'/);
  });

  test('the stderr format is parsed into positions, skipping the excerpt and the stack', () => {
    const stderr = [
      'Exception while evaluating top-level script',
      "source.js:3:11 SyntaxError: expected expression, got ';':",
      'source.js:3:11   let x = ;',
      'source.js:3:11 ..........^',
      'Stack:',
      '  @source.js:2:7',
      'app.js:9:9 Error: other file',
    ].join('\n');
    assert.deepEqual(parseScriptErrors(stderr), [{ line: 3, column: 11, message: "SyntaxError: expected expression, got ';'" }]);
    assert.deepEqual(parseScriptErrors(stderr, 'app.js'), [{ line: 9, column: 9, message: 'Error: other file' }]);
  });
});

describe('export', () => {
  test("the component made in the page has the j2w build's imports, exports and WIT, and transpiles to the template glue", async () => {
    const { exportComponent } = await import('../../src/authoring/export.ts');
    const { readComponentWorld } = await import('../../src/engine/component-world.ts');
    const tools = await import('@bytecodealliance/jco-transpile/wasm-tools');
    const core = (await built(read('src/authoring/template/src/index.js'))).coreModule;
    const component = await exportComponent(core, source);
    const native = reference('template');
    assert.deepEqual(readComponentWorld(component), readComponentWorld(native));
    assert.equal(await tools.componentWit(component), await tools.componentWit(native));
    const producers = (bytes: Uint8Array) => tools.metadataShow(bytes).then((m) => JSON.stringify(m.map((x) => x.producers)));
    assert.equal(await producers(component), await producers(native));
    await $init;
    const files = new Map(generate(component, transpileOptions('sync')).files);
    assert.deepEqual(files.get('component.js'), new Uint8Array(readFileSync(path.join(artifacts, source.manifest.glue.sync))));
    // And it runs: the exported component, transpiled as the engine would, answers like the j2w build.
    const ours = await nativePrepared(component);
    const response = await respond(ours.instantiate, new Request('http://localhost/e'));
    assert.deepEqual([response.status, response.body], [200, 'Hello from Spin! GET /e, visit 1\n']);
  });
});

describe('TypeScript', () => {
  test('types are stripped, and errors point into the TypeScript source', async () => {
    const ok = await builder.build(
      "import { Store } from 'fermyon:spin/key-value@2.0.0';\ninterface Reply { text: string }\nconst reply = (s: Store): Reply => ({ text: " +
        "String(s.exists('k')) });\naddEventListener('fetch', (e: any) => e.respondWith(new Response(reply(Store.open('default')).text)));\n",
      { language: 'typescript' },
    );
    assert.ok(ok.ok, JSON.stringify(!ok.ok && ok.errors));
    const ours = await prepareAuthoredComponent(template, ok.coreModule);
    assert.equal((await respond(ours.instantiate, new Request('http://localhost/'))).body, 'false');

    const runtime = await builder.build('interface A {\n  x: number;\n}\ntype B = string;\nconst a: A = { x: 1 };\n(undefined as any).foo;\n', {
      language: 'typescript',
    });
    assert.equal(runtime.ok, false);
    // `(undefined as any).foo` is `undefined.foo` in JavaScript: the error is on `undefined`, line 6, column 2.
    assert.deepEqual(!runtime.ok && runtime.errors.map((e) => [e.line, e.column]), [[6, 2]]);
    assert.match(!runtime.ok ? runtime.errors[0]!.message : '', /TypeError/);

    const syntax = await builder.build('const x: number = ;\n', { language: 'typescript' });
    assert.deepEqual(!syntax.ok && syntax.errors, [{ line: 1, column: 19, message: 'TypeScript: Expression expected.' }]);
  });
});
