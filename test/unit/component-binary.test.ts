/** Recognising what a `source` file is, and reading a component's imports and exports. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describeNonComponent, wasmKind } from '../../src/engine/wasm-kind.ts';
import { readComponentWorld } from '../../src/engine/component-world.ts';
import { WasmFormatError } from '../../src/wasm/leb128.ts';
import { supportFor, handlerKind } from '../../src/host/interfaces.ts';

const fixture = (name: string) => new Uint8Array(readFileSync(new URL(`../fixtures/dist/${name}`, import.meta.url)));

test('a component, a core module and other bytes are told apart by the preamble', () => {
  assert.equal(wasmKind(new Uint8Array([0, 0x61, 0x73, 0x6d, 0x0d, 0, 1, 0])), 'component');
  assert.equal(wasmKind(new Uint8Array([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0])), 'core-module');
  assert.equal(wasmKind(new TextEncoder().encode('<!doctype html>')), 'not-wasm');
  assert.equal(wasmKind(new Uint8Array([0, 0x61, 0x73])), 'not-wasm');
});

test('the message for a non-component names the file and what it is', () => {
  assert.match(describeNonComponent(new TextEncoder().encode('<!doctype html>'), 'app.wasm')!, /^app\.wasm is not a WebAssembly file .*starting 3c 21 64 6f/);
  // Only the fact: the loader runs Spin 1 core modules, and adds why a core module is not one.
  assert.equal(describeNonComponent(new Uint8Array([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0]), 'old.wasm'), 'old.wasm is a core WebAssembly module, not a component');
  assert.equal(describeNonComponent(new Uint8Array([0, 0x61, 0x73, 0x6d, 0x0d, 0, 1, 0]), 'x.wasm'), null);
});

test('imports and exports are read from a real component', () => {
  const world = readComponentWorld(fixture('kv-tiny.wasm'));
  assert.deepEqual(world.exports, ['wasi:http/incoming-handler@0.2.0']);
  assert.deepEqual(new Set(world.imports), new Set(['fermyon:spin/key-value@2.0.0', 'wasi:io/error@0.2.0', 'wasi:io/streams@0.2.0', 'wasi:http/types@0.2.0']));
});

test('a truncated component is a format error, not a crash', () => {
  const bytes = fixture('kv-tiny.wasm');
  assert.throws(() => readComponentWorld(bytes.subarray(0, bytes.byteLength - 100)), WasmFormatError);
});

test('supported and unsupported imports', () => {
  assert.deepEqual(supportFor('wasi:io/poll@0.2.12'), { supported: true, key: 'wasi:io/poll' });
  assert.deepEqual(supportFor('fermyon:spin/key-value@2.0.0'), { supported: true, key: 'fermyon:spin/key-value' });
  assert.deepEqual(supportFor('spin:key-value/key-value@3.0.0'), { supported: true, key: 'spin:key-value/key-value' });
  assert.deepEqual(supportFor('spin:variables/variables@3.0.0'), { supported: true, key: 'spin:variables/variables' });
  assert.match((supportFor('spin:key-value/key-value@3.1.0') as { reason: string }).reason, /Spin 4 async/);
  assert.deepEqual(supportFor('wasi:http/types@0.3.0-rc-2026-03-15'), { supported: true, key: 'wasi:http/types' });
  assert.deepEqual(supportFor('wasi:http/types@0.3.0'), { supported: true, key: 'wasi:http/types' });
  assert.deepEqual(supportFor('wasi:clocks/monotonic-clock@0.3.0-rc-2026-03-15'), { supported: true, key: 'wasi:clocks/monotonic-clock' });
  assert.match((supportFor('wasi:sockets/types@0.3.0-rc-2026-03-15') as { reason: string }).reason, /does not provide this WASI 0\.3 interface yet/);
  assert.match((supportFor('acme:widgets/frob@1.0.0') as { reason: string }).reason, /not a Spin or WASI interface/);
});

test('a WASI 0.3 component is read as exporting the p3 handler and importing 0.3 and 0.2.6 interfaces', () => {
  const world = readComponentWorld(fixture('p3-echo.wasm'));
  assert.deepEqual(world.exports, ['wasi:http/handler@0.3.0-rc-2026-03-15']);
  assert.deepEqual(world.imports.sort(), ['wasi:cli/environment@0.2.6', 'wasi:http/types@0.3.0-rc-2026-03-15']);
});

test('handler exports', () => {
  assert.equal(handlerKind('wasi:http/incoming-handler@0.2.0'), 'wasi-http-0.2');
  assert.equal(handlerKind('wasi:http/incoming-handler@0.2.6'), 'wasi-http-0.2');
  assert.equal(handlerKind('fermyon:spin/inbound-http'), 'spin1-inbound-http');
  assert.equal(handlerKind('wasi:http/handler@0.3.0-rc-2026-03-15'), 'wasi-http-0.3');
  assert.equal(handlerKind('wasi:http/handler@0.3.0'), 'wasi-http-0.3');
  assert.equal(handlerKind('wasi:http/handler@0.3.0-rc-2025-09-16'), 'unsupported-handler');
  assert.equal(handlerKind('wasi:cli/run@0.2.0'), null);
});
