/**
 * Pooled memories restored from the module's initial image (memory-image.ts, memory-pool.ts): a
 * rewritten module behaves like the original, and a reused memory holds nothing of its last use.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { IMAGE_MEMORY_IMPORT, splitMemoryImage } from '../../src/engine/memory-image.ts';
import { MemoryPool } from '../../src/engine/memory-pool.ts';

const wasmTools = (await import('@bytecodealliance/jco-transpile/wasm-tools')) as unknown as { parse(wat: string): Promise<Uint8Array> };
const parse = (wat: string) => wasmTools.parse(wat);

// Like a Wizer snapshot: one memory, data at constant offsets (one beyond the first page), a
// passive segment read with memory.init, an imported function and a table.
const SNAPSHOT_WAT = `(module
  (import "host" "tick" (func $tick (result i32)))
  (memory (export "memory") 2 8)
  (table 1 funcref)
  (global $g (mut i32) (i32.const 7))
  (data (i32.const 16) "hello")
  (data (i32.const 70000) "far")
  (data $later "late")
  (func (export "load") (param i32) (result i32) (i32.load8_u (local.get 0)))
  (func (export "store") (param i32 i32) (i32.store8 (local.get 0) (local.get 1)))
  (func (export "init") (param i32) (memory.init $later (local.get 0) (i32.const 0) (i32.const 4)))
  (func (export "grow") (param i32) (result i32) (memory.grow (local.get 0)))
  (func (export "tick") (result i32) (call $tick)))`;

type Exports = {
  memory: WebAssembly.Memory;
  load(at: number): number;
  store(at: number, value: number): void;
  init(at: number): void;
  grow(pages: number): number;
  tick(): number;
};

const text = (memory: WebAssembly.Memory, at: number, length: number) => new TextDecoder().decode(new Uint8Array(memory.buffer, at, length));

function instantiate(module: WebAssembly.Module, memory?: WebAssembly.Memory): Exports {
  const imports: WebAssembly.Imports = { host: { tick: () => 42 } };
  if (memory) imports[IMAGE_MEMORY_IMPORT.module] = { [IMAGE_MEMORY_IMPORT.name]: memory };
  return new WebAssembly.Instance(module, imports).exports as unknown as Exports;
}

test('a snapshot module imports its memory instead, and starts with the same bytes', async () => {
  const original = await parse(SNAPSHOT_WAT);
  const split = splitMemoryImage(original);
  assert.ok(split, 'the module is rewritten');
  assert.deepEqual(split.image.initialPages, 2);
  assert.deepEqual(split.image.maximumPages, 8);
  assert.deepEqual(
    split.image.segments.map((s) => s.offset),
    [16, 70000],
  );
  const module = new WebAssembly.Module(split.module as Uint8Array<ArrayBuffer>);
  assert.ok(WebAssembly.Module.imports(module).some((i) => i.kind === 'memory' && i.module === IMAGE_MEMORY_IMPORT.module));
  const before = instantiate(new WebAssembly.Module(original as Uint8Array<ArrayBuffer>));
  const pool = new MemoryPool(split.image, 0);
  const after = instantiate(module, pool.take());
  assert.deepEqual(new Uint8Array(after.memory.buffer), new Uint8Array(before.memory.buffer));
  assert.equal(text(after.memory, 16, 5), 'hello');
  assert.equal(text(after.memory, 70000, 3), 'far');
  assert.equal(after.tick(), 42);
  after.init(200);
  assert.equal(text(after.memory, 200, 4), 'late', 'a passive segment is still there for memory.init');
});

test('a reused memory is reset to the image: nothing the last instance wrote survives', async () => {
  const split = splitMemoryImage(await parse(SNAPSHOT_WAT))!;
  const module = new WebAssembly.Module(split.module as Uint8Array<ArrayBuffer>);
  const pool = new MemoryPool(split.image, 0);
  const first = pool.take();
  const used = instantiate(module, first);
  used.store(16, 'J'.charCodeAt(0));
  used.store(100, 9);
  pool.give(first);
  const second = pool.take();
  assert.equal(second, first, 'the memory is reused');
  const fresh = instantiate(module, second);
  assert.equal(text(fresh.memory, 16, 5), 'hello');
  assert.equal(fresh.load(100), 0);
});

test('a memory the guest grew is not reused, and the pooled memory keeps the ceiling', async () => {
  const split = splitMemoryImage(await parse(SNAPSHOT_WAT))!;
  const module = new WebAssembly.Module(split.module as Uint8Array<ArrayBuffer>);
  const pool = new MemoryPool(split.image, 3 * 65536);
  const memory = pool.take();
  const grown = instantiate(module, memory);
  assert.equal(grown.grow(1), 2);
  assert.equal(grown.grow(1), -1, 'the 3-page ceiling holds, as capMemory sets it for a defined memory');
  pool.give(memory);
  assert.notEqual(pool.take(), memory);
});

test('modules that are not plain snapshots are left alone', async () => {
  const withStart = await parse(`(module (memory 1) (data (i32.const 0) "x") (func $s) (start $s))`);
  assert.equal(splitMemoryImage(withStart), null, 'a start function could write memory at instantiation');
  const imported = await parse(`(module (import "env" "memory" (memory 1)) (data (i32.const 0) "x"))`);
  assert.equal(splitMemoryImage(imported), null);
  const globalOffset = await parse(`(module (global $o i32 (i32.const 4)) (memory 1) (data (global.get $o) "x"))`);
  assert.equal(splitMemoryImage(globalOffset), null);
  const outOfBounds = await parse(`(module (memory 1) (data (i32.const 65535) "xy"))`);
  assert.equal(splitMemoryImage(outOfBounds), null, 'instantiation must still trap as it would');
  assert.equal(splitMemoryImage(new Uint8Array([1, 2, 3])), null);
});
