/**
 * The JS Wizer (src/authoring/wizer.ts) against native Wizer 10 (the binary componentize-js
 * 0.19.3 runs): byte for byte on small modules, and section for section on the spliced engine.
 */
import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { parse } from '@bytecodealliance/jco-transpile/wasm-tools';
import { nonZeroSegments, wizen, WizerTemplate, InitFailed } from '../../src/authoring/wizer.ts';
import { readMemories, SectionId } from '../../src/wasm/core-module.ts';
import { ByteReader } from '../../src/wasm/leb128.ts';
import { readSections } from '../../src/wasm/sections.ts';
import { createInitWasi } from '../../src/authoring/wasi-init.ts';
import { embeddingEnv, embeddingStdin, INIT_FUNC } from '../../src/authoring/embedding.ts';
import { JsComponentBuilder } from '../../src/authoring/builder.ts';
import { buildAuthoring } from '../../scripts/build-authoring.mjs';

const root = new URL('../../', import.meta.url).pathname;
const NATIVE_WIZER = path.join(root, 'node_modules/@bytecodealliance/wizer-linux-x64/wizer');
const haveNative = process.platform === 'linux' && process.arch === 'x64' && existsSync(NATIVE_WIZER);

function nativeWizer(input: Uint8Array, options: { env?: Record<string, string>; stdin?: string; dir?: string } = {}): Uint8Array {
  const work = mkdtempSync(path.join(tmpdir(), 'wizer-'));
  try {
    writeFileSync(path.join(work, 'in.wasm'), input);
    const args = ['--allow-wasi', '--init-func', INIT_FUNC, '--wasm-bulk-memory=true', '--inherit-env=true', `-o=${path.join(work, 'out.wasm')}`];
    if (options.dir) args.push(`--mapdir=/::${options.dir}`);
    const run = spawnSync(NATIVE_WIZER, [...args, path.join(work, 'in.wasm')], { env: options.env ?? {}, input: options.stdin ?? '', encoding: 'utf-8' });
    assert.equal(run.status, 0, `native wizer failed: ${run.stderr}`);
    return new Uint8Array(readFileSync(path.join(work, 'out.wasm')));
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/** The memory a module's active data segments describe. */
function memoryImage(wasm: Uint8Array, pages: number): Uint8Array {
  const data = readSections(wasm, 'core-module').find((s) => s.id === SectionId.data);
  const memory = new Uint8Array(pages * 65536);
  if (!data) return memory;
  const r = new ByteReader(data.payload);
  for (let n = r.u32(); n > 0; n--) {
    assert.equal(r.u32(), 0, 'only active segments for memory 0');
    assert.equal(r.byte(), 0x41);
    let offset = 0;
    let shift = 0;
    for (;;) {
      const b = r.byte();
      offset |= (b & 0x7f) << shift;
      shift += 7;
      if (!(b & 0x80)) break;
    }
    assert.equal(r.byte(), 0x0b);
    const length = r.u32();
    memory.set(data.payload.subarray(r.pos, r.pos + length), offset);
    r.pos += length;
  }
  return memory;
}

const SMALL_WAT = `(module
  (import "wasi_snapshot_preview1" "random_get" (func $random_get (param i32 i32) (result i32)))
  (memory (export "memory") 1 100)
  (global $sp (mut i32) (i32.const 1024))
  (global $counter (mut i64) (i64.const 0))
  (global $k i32 (i32.const 7))
  (data (i32.const 16) "hello")
  (func (export "_initialize") (global.set $counter (i64.const 1)))
  (func (export "${INIT_FUNC}")
    (drop (memory.grow (i32.const 3)))
    (i32.store (i32.const 70000) (i32.const 0x01020304))
    (i32.store8 (i32.const 16) (i32.const 0))
    (i64.store (i32.const 200000) (i64.const -1))
    (i32.store8 (i32.const 200010) (i32.const 9))
    (i32.store8 (i32.const 200016) (i32.const 9))
    (global.set $sp (i32.const 5000))
    (global.set $counter (i64.add (global.get $counter) (i64.const 0x100000000))))
  (func (export "check") (result i64) (global.get $counter)))`;

describe('JS Wizer', () => {
  test('non-zero runs merge across gaps of up to 4 bytes, like Wizer', () => {
    const reference = (m: Uint8Array) => {
      const out: Array<{ offset: number; length: number }> = [];
      for (let i = 0; i < m.length; ) {
        if (m[i] === 0) {
          i++;
          continue;
        }
        const start = i;
        while (i < m.length && m[i] !== 0) i++;
        const last = out[out.length - 1];
        if (last && start - (last.offset + last.length) <= 4) last.length = i - last.offset;
        else out.push({ offset: start, length: i - start });
      }
      return out;
    };
    fc.assert(
      fc.property(fc.array(fc.constantFrom(0, 0, 0, 1, 255), { minLength: 0, maxLength: 300 }), (values) => {
        const padded = new Uint8Array(Math.ceil(values.length / 4) * 4);
        padded.set(values);
        assert.deepEqual(nonZeroSegments(padded), reference(padded));
      }),
      { numRuns: 500 },
    );
  });

  test('more than 10,000 runs are merged across the smallest gaps, keeping the memory image', () => {
    const memory = new Uint8Array(65536 * 4);
    for (let i = 0; i < 12_000; i++) memory[i * 20 + (i % 3)] = 1 + (i % 200);
    const segments = nonZeroSegments(memory);
    assert.equal(segments.length, 10_000);
    const image = new Uint8Array(memory.length);
    for (const s of segments) image.set(memory.subarray(s.offset, s.offset + s.length), s.offset);
    assert.deepEqual(image, memory);
    for (let i = 1; i < segments.length; i++) assert.ok(segments[i]!.offset > segments[i - 1]!.offset + segments[i - 1]!.length);
  });

  test('a small module comes out byte for byte as native Wizer writes it', { skip: !haveNative && 'native wizer binary not installed' }, async () => {
    const input = await parse(SMALL_WAT);
    const wasi = createInitWasi({ env: {}, stdin: '', files: {} });
    const ours = await wizen(new WizerTemplate(input), { initFunc: INIT_FUNC, imports: (m) => wasi.imports(m) });
    const native = nativeWizer(input);
    assert.deepEqual(ours.wasm, native);
    const { instance } = await WebAssembly.instantiate(ours.wasm as Uint8Array<ArrayBuffer>, { wasi_snapshot_preview1: { random_get: () => 0 } });
    assert.equal((instance.exports.check as () => bigint)(), 0x100000001n);
    assert.deepEqual(
      WebAssembly.Module.exports(new WebAssembly.Module(ours.wasm as Uint8Array<ArrayBuffer>)).map((e) => e.name),
      ['memory', 'check'],
    );
  });

  test('a call to an import initialisation does not provide traps and names it', async () => {
    const input = await parse(`(module
      (import "fermyon:spin/key-value@2.0.0" "[static]store.open" (func $open (param i32 i32 i32)))
      (memory 1)
      (func (export "${INIT_FUNC}") (call $open (i32.const 0) (i32.const 0) (i32.const 0))))`);
    const wasi = createInitWasi({ env: {}, stdin: '', files: {} });
    await assert.rejects(wizen(new WizerTemplate(input), { initFunc: INIT_FUNC, imports: (m) => wasi.imports(m) }), (error: unknown) => {
      assert.ok(error instanceof InitFailed);
      assert.match(error.message, /fermyon:spin\/key-value@2\.0\.0#\[static\]store\.open/);
      return true;
    });
  });
});

describe('JS Wizer on the spliced StarlingMonkey engine', { skip: !haveNative && 'native wizer binary not installed' }, () => {
  let manifest: { engine: string; initializer: string; features: string[]; spliceExports: never[]; spliceImports: never[] };
  const artifact = (name: string) => new Uint8Array(readFileSync(path.join(root, 'public/authoring', name)));
  before(async () => {
    await buildAuthoring({ log: () => {} });
    manifest = JSON.parse(readFileSync(path.join(root, 'public/authoring/manifest.json'), 'utf8'));
  });

  test('every section but the data matches native Wizer, and the memory image differs only where native builds differ from each other', async () => {
    const source = readFileSync(path.join(root, 'examples/kv-basics/src/index.js'), 'utf8');
    const builder = new JsComponentBuilder(manifest as never, artifact(manifest.engine), artifact(manifest.initializer));
    const ours = await builder.build(source);
    assert.ok(ours.ok, JSON.stringify(!ours.ok && ours.errors));

    const dir = mkdtempSync(path.join(tmpdir(), 'wizer-src-'));
    try {
      writeFileSync(path.join(dir, 'source.js'), source);
      writeFileSync(path.join(dir, 'initializer.js'), artifact(manifest.initializer));
      const env = embeddingEnv({ features: manifest.features, exports: manifest.spliceExports, imports: manifest.spliceImports });
      const native = nativeWizer(artifact(manifest.engine), { env, stdin: embeddingStdin({}), dir });
      const a = readSections(ours.coreModule, 'core-module');
      const b = readSections(native, 'core-module');
      assert.deepEqual(
        a.map((s) => s.id),
        b.map((s) => s.id),
      );
      for (let i = 0; i < a.length; i++) {
        if (a[i]!.id === SectionId.data) continue;
        assert.deepEqual(a[i]!.payload, b[i]!.payload, `section ${i} (id ${a[i]!.id}) differs`);
      }
      const pages = readMemories(a.find((s) => s.id === SectionId.memory))[0]!.min;
      assert.equal(pages, readMemories(b.find((s) => s.id === SectionId.memory))[0]!.min);
      const ia = memoryImage(ours.coreModule, pages);
      const ib = memoryImage(native, pages);
      let differing = 0;
      for (let i = 0; i < ia.length; i++) if (ia[i] !== ib[i]) differing++;
      // Two native builds of the same source differ in ~1,600 bytes (random seeds, clocks).
      assert.ok(differing < 20_000, `${differing} bytes of the memory image differ`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
