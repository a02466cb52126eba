/** The guest memory ceiling: `capMemory` rewrites defined memories' limits before compiling. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { capMemory, MIB } from '../../src/engine/limits.ts';

const HEADER = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00];

function leb(n: number): number[] {
  const out: number[] = [];
  do {
    let b = n & 0x7f;
    n >>>= 7;
    if (n) b |= 0x80;
    out.push(b);
  } while (n);
  return out;
}

const section = (id: number, content: number[]) => [id, ...leb(content.length), ...content];

/** A module exporting one memory `mem` with the given limits (and optionally a function before it). */
function memoryModule(min: number, max?: number, withFunction = false): Uint8Array {
  const limits = max === undefined ? [0x00, ...leb(min)] : [0x01, ...leb(min), ...leb(max)];
  const parts = [...HEADER];
  if (withFunction) {
    parts.push(...section(1, [1, 0x60, 0, 0])); // type () -> ()
    parts.push(...section(3, [1, 0])); // one function of type 0
  }
  parts.push(...section(5, [1, ...limits]));
  parts.push(...section(7, [1, 3, 0x6d, 0x65, 0x6d, 0x02, 0x00])); // export "mem" memory 0
  if (withFunction) parts.push(...section(10, [1, 2, 0, 0x0b])); // body: end
  return new Uint8Array(parts);
}

async function grownTo(bytes: Uint8Array, pages: number): Promise<boolean> {
  const { instance } = await WebAssembly.instantiate(bytes as Uint8Array<ArrayBuffer>);
  const memory = instance.exports.mem as WebAssembly.Memory;
  try {
    memory.grow(pages - memory.buffer.byteLength / 65536);
    return true;
  } catch {
    return false;
  }
}

test('a memory without a maximum gets the ceiling as its maximum', async () => {
  const capped = capMemory(memoryModule(1), 2 * 65536);
  assert.ok(WebAssembly.validate(capped as Uint8Array<ArrayBuffer>));
  assert.equal(await grownTo(capped, 2), true);
  assert.equal(await grownTo(capped, 3), false, 'growing past the ceiling fails');
  assert.equal(await grownTo(memoryModule(1), 3), true, 'the original grows freely');
});

test('a lower declared maximum is kept, a higher one is lowered', async () => {
  const lower = memoryModule(1, 2);
  assert.equal(capMemory(lower, 10 * 65536), lower, 'unchanged bytes are returned as they are');
  const higher = capMemory(memoryModule(1, 1000, true), 4 * 65536);
  assert.equal(await grownTo(higher, 4), true);
  assert.equal(await grownTo(higher, 5), false);
});

test("the ceiling never goes below a memory's own minimum", async () => {
  const capped = capMemory(memoryModule(5), 2 * 65536);
  assert.ok(WebAssembly.validate(capped as Uint8Array<ArrayBuffer>));
  assert.equal(await grownTo(capped, 5), true);
  assert.equal(await grownTo(capped, 6), false);
});

test('a ceiling of 0 means none, and non-modules pass through untouched', () => {
  const module = memoryModule(1);
  assert.equal(capMemory(module, 0), module);
  const component = new Uint8Array([0, 0x61, 0x73, 0x6d, 0x0d, 0, 1, 0]);
  assert.equal(capMemory(component, MIB), component);
  const junk = new TextEncoder().encode('<!doctype html>');
  assert.equal(capMemory(junk, MIB), junk);
});

test('capMemory never throws, and keeps valid modules valid (random limits and truncations)', () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 0, max: 300 }),
      fc.option(fc.integer({ min: 0, max: 65536 }), { nil: undefined }),
      fc.boolean(),
      fc.integer({ min: 0, max: 64 * MIB }),
      fc.nat(),
      (min, maxRaw, withFunction, ceiling, cut) => {
        const max = maxRaw === undefined ? undefined : Math.max(min, maxRaw);
        const module = memoryModule(min, max, withFunction);
        const out = capMemory(module, ceiling);
        assert.ok(WebAssembly.validate(out as Uint8Array<ArrayBuffer>), 'still valid');
        const truncated = module.subarray(0, cut % (module.length + 1));
        capMemory(truncated, ceiling);
      },
    ),
    { numRuns: 500 },
  );
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 200 }), fc.integer({ min: 1, max: MIB }), (bytes, ceiling) => {
      capMemory(new Uint8Array([...HEADER, ...bytes]), ceiling);
    }),
  );
});
