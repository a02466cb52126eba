/**
 * The one WebAssembly binary reader (src/wasm/): LEB128 at its edges, the section walker on core
 * modules and components, and errors that name the byte where the input went wrong.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { ByteReader, sleb, uleb, WasmFormatError } from '../../src/wasm/leb128.ts';
import { binaryKind, readSections, replaceSection, writeBinary } from '../../src/wasm/sections.ts';
import { encodeMemories, readMemories, SectionId } from '../../src/wasm/core-module.ts';

const CORE = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00];
const COMPONENT = [0x00, 0x61, 0x73, 0x6d, 0x0d, 0x00, 0x01, 0x00];
const fixture = (name: string) => new Uint8Array(readFileSync(new URL(`../fixtures/dist/${name}`, import.meta.url)));
const reader = (bytes: number[]) => new ByteReader(new Uint8Array(bytes));

/** The WasmFormatError `fn` throws; fails the test if it throws anything else or nothing. */
function formatError(fn: () => unknown): WasmFormatError {
  try {
    fn();
  } catch (error) {
    assert.ok(error instanceof WasmFormatError, `expected a WasmFormatError, got ${String(error)}`);
    return error;
  }
  assert.fail('expected a WasmFormatError, nothing was thrown');
}

test('multi-byte LEB128: the spec examples, the u32 maximum, and redundant (padded) encodings', () => {
  assert.equal(reader([0xe5, 0x8e, 0x26]).u32(), 624485);
  assert.equal(reader([0xff, 0xff, 0xff, 0xff, 0x0f]).u32(), 0xffffffff);
  assert.equal(reader([0x80, 0x80, 0x80, 0x00]).u32(), 0, 'a padded zero is still zero');
  assert.deepEqual(uleb(624485), [0xe5, 0x8e, 0x26]);
  assert.deepEqual(uleb(0), [0]);
  assert.deepEqual(uleb(0xffffffff), [0xff, 0xff, 0xff, 0xff, 0x0f]);
  assert.deepEqual(uleb(2n ** 64n - 1n), [...Array(9).fill(0xff), 0x01]);
  assert.deepEqual(sleb(-123456), [0xc0, 0xbb, 0x78]);
  assert.deepEqual(sleb(-1), [0x7f]);
  assert.deepEqual(sleb(64), [0xc0, 0x00], 'a positive value with bit 6 set needs a second byte');
  assert.equal(reader([...Array(9).fill(0xff), 0x01]).unsigned(64), 2n ** 64n - 1n);
});

test('uleb round-trips through the reader for any u32 and u64', () => {
  fc.assert(fc.property(fc.nat({ max: 0xffffffff }), (n) => assert.equal(reader(uleb(n)).u32(), n)));
  fc.assert(fc.property(fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }), (n) => assert.equal(reader(uleb(n)).unsigned(64), n)));
});

test('s32 reads any i32 that sleb wrote, padded encodings too, and refuses a sixth byte', () => {
  fc.assert(fc.property(fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }), (v) => reader(sleb(v)).s32() === v));
  assert.equal(reader([0xff, 0xff, 0xff, 0xff, 0x7f]).s32(), -1);
  assert.equal(reader([0x80, 0x80, 0x80, 0x80, 0x78]).s32(), -(2 ** 31));
  assert.equal(formatError(() => reader([0x80, 0x80, 0x80, 0x80, 0x80, 0x00]).s32()).message, 'LEB128 integer longer than 5 bytes (s32) (at byte 0)');
});

test('a u32 that overflows or runs past five bytes is refused, naming where it starts', () => {
  const over = formatError(() => new ByteReader(new Uint8Array([0, 0xff, 0xff, 0xff, 0xff, 0x1f]), 1).u32());
  assert.match(over.message, /does not fit in u32 \(at byte 1\)$/);
  assert.equal(over.offset, 1);
  assert.match(formatError(() => reader([0x80, 0x80, 0x80, 0x80, 0x80, 0x00]).u32()).message, /longer than 5 bytes/);
  assert.throws(() => uleb(2 ** 32), RangeError);
  assert.throws(() => uleb(-1), RangeError);
});

test('truncated input is a clear error naming the offset, also from inside a section payload', () => {
  const cut = formatError(() => reader([0xe5, 0x8e]).u32());
  assert.equal(cut.message, 'unexpected end of input (at byte 2)');
  const module = new Uint8Array([...CORE, SectionId.memory, 4, 1, 0x00, 1]); // claims 4 bytes, has 3
  const past = formatError(() => readSections(module, 'core-module'));
  assert.equal(past.offset, 8);
  assert.match(past.message, /section 5 of 4 bytes runs past the end \(3 left; truncated\?\) \(at byte 8\)/);
  const memory = new Uint8Array([...CORE, SectionId.memory, 3, 1, 0x01, 1]); // a maximum is announced, not there
  const inside = formatError(() => readMemories(readSections(memory, 'core-module')[0]));
  assert.equal(inside.offset, 13, 'the offset is in the whole module, not in the payload');
});

test('core modules and components are told apart, and each reader refuses the other kind', () => {
  assert.equal(binaryKind(new Uint8Array(CORE)), 'core-module');
  assert.equal(binaryKind(new Uint8Array(COMPONENT)), 'component');
  assert.equal(binaryKind(new TextEncoder().encode('<!doctype html>')), null);
  assert.equal(binaryKind(new Uint8Array(CORE.slice(0, 6))), null);
  assert.deepEqual(readSections(new Uint8Array(CORE), 'core-module'), []);
  assert.match(formatError(() => readSections(new Uint8Array(COMPONENT), 'core-module')).message, /^expected a core module, found a component/);
  assert.match(formatError(() => readSections(new Uint8Array(CORE), 'component')).message, /^expected a component, found a core module/);
  assert.match(formatError(() => readSections(new Uint8Array([1, 2, 3]), 'component')).message, /found not WebAssembly/);
});

test('a real component walks to its end, its sections tiling the file after the preamble', () => {
  const bytes = fixture('kv-tiny.wasm');
  const sections = readSections(bytes, 'component');
  assert.ok(sections.length > 3);
  let expected = 8;
  for (const s of sections) {
    assert.equal(s.offset, expected);
    expected = s.payloadOffset + s.payload.byteLength;
  }
  assert.equal(expected, bytes.byteLength);
  assert.ok(
    sections.some((s) => s.id === 1),
    'a nested core module section (id 1) is kept whole',
  );
});

test('sections are written back byte for byte, and one can be replaced in place', () => {
  const bytes = new Uint8Array([...CORE, SectionId.type, 4, 1, 0x60, 0, 0, SectionId.memory, 3, 1, 0x00, 1, 0, 2, 1, 0x61]);
  const sections = readSections(bytes, 'core-module');
  assert.deepEqual(
    sections.map((s) => s.id),
    [SectionId.type, SectionId.memory, 0],
  );
  assert.deepEqual(writeBinary('core-module', sections), bytes);
  const memory = sections[1]!;
  const replaced = replaceSection(bytes, memory, encodeMemories([{ min: 1, max: 300, shared: false, memory64: false }]));
  assert.ok(WebAssembly.validate(replaced as Uint8Array<ArrayBuffer>));
  assert.deepEqual(readMemories(readSections(replaced, 'core-module')[1]), [{ min: 1, max: 300, shared: false, memory64: false }]);
  assert.deepEqual(
    readSections(replaced, 'core-module').map((s) => s.id),
    [SectionId.type, SectionId.memory, 0],
  );
});

test('memory64 limits and custom page sizes survive a read and a write', () => {
  const memories = [
    { min: 1, shared: false, memory64: true, max: 2 ** 40 },
    { min: 2, shared: true, memory64: false, max: 4 },
    { min: 0, shared: false, memory64: false, pageSizeLog2: 0 },
  ];
  const payload = encodeMemories(memories);
  const bytes = new Uint8Array([...CORE, SectionId.memory, ...uleb(payload.byteLength), ...payload]);
  assert.deepEqual(readMemories(readSections(bytes, 'core-module')[0]), memories);
});
