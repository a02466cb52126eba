/**
 * The transpile cache and the build-time transpiles keep each jco core module as its byte range in
 * the component (src/engine/core-slices.ts): finding the ranges, and refusing ranges that do not fit.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { coreModuleSections, findCoreModule, sliceOf } from '../../src/engine/core-slices.ts';

const CORE_A = new Uint8Array([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0, 0, 3, 0x61, 0x62, 0x63]); // + a custom section "abc"
const CORE_B = new Uint8Array([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0]);
/** A component: preamble, core module A, a custom section, core module B. */
const COMPONENT = new Uint8Array([0, 0x61, 0x73, 0x6d, 0x0d, 0, 1, 0, 1, CORE_A.length, ...CORE_A, 0, 4, 3, 0x78, 0x79, 0x7a, 1, CORE_B.length, ...CORE_B]);

test('the top-level core module sections of a component are found in order, with their byte ranges', () => {
  const sections = coreModuleSections(COMPONENT);
  assert.deepEqual(sections, [
    { offset: 10, length: CORE_A.length },
    { offset: 10 + CORE_A.length + 6 + 2, length: CORE_B.length },
  ]);
  assert.deepEqual(findCoreModule(COMPONENT, sections, CORE_B), sections[1]);
  assert.deepEqual(sliceOf(COMPONENT, sections[0]!, 'component.core.wasm'), CORE_A);
});

test("a module that is not one of the component's sections has no range; a core module has no sections", () => {
  const sections = coreModuleSections(COMPONENT);
  const other = CORE_A.slice();
  other[12] = 0x7a;
  assert.equal(findCoreModule(COMPONENT, sections, other), undefined);
  assert.deepEqual(coreModuleSections(CORE_A), []);
});

test('a stored range outside the component, or over bytes that are not a core module, is refused by name', () => {
  assert.throws(
    () => sliceOf(COMPONENT, { offset: 10, length: COMPONENT.length }, 'x.json: component.core.wasm'),
    /^Error: x\.json: component\.core\.wasm: byte range 10\+\d+ is not inside the \d+-byte component$/,
  );
  assert.throws(() => sliceOf(COMPONENT, { offset: -1, length: 8 }, 'c.wasm'), /c\.wasm: byte range -1\+8 is not inside/);
  assert.throws(() => sliceOf(COMPONENT, { offset: 0, length: 8 }, 'c.wasm'), /c\.wasm: byte range 0\+8 of the component is not a core module/);
});

test('a section that runs past the end of the component is reported with its position', () => {
  const truncated = COMPONENT.slice(0, 14);
  assert.throws(
    () => coreModuleSections(truncated),
    /^WasmFormatError: component binary: section 1 of 13 bytes runs past the end \(4 left; truncated\?\) \(at byte 8\)$/,
  );
});
