/**
 * The one WASI preview1 (src/wasi/) as its two users configure it: Spin 1 modules get ENOSYS for
 * what it lacks, the in-page Wizer (authoring/wasi-init.ts) gets no import at all, so the call traps.
 * The Spin 1 side's files, clocks and output are in spin1-core.test.ts.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createWasiPreview1 } from '../../src/wasi/preview1.ts';
import { lineSink, textSink } from '../../src/wasi/preview1-fs.ts';
import { createInitWasi } from '../../src/authoring/wasi-init.ts';

type Fns = Record<string, ((...args: Array<number | bigint>) => number) | undefined>;
const encode = (text: string) => new TextEncoder().encode(text);
const decode = (bytes: Uint8Array) => new TextDecoder().decode(bytes);

function setup(otherFunctions: 'enosys' | 'absent', stdin?: string) {
  const memory = new WebAssembly.Memory({ initial: 1 });
  const lines: string[] = [];
  const err = textSink();
  const wasi = createWasiPreview1({
    args: [],
    env: {},
    files: new Map([['/a.txt', encode('file')]]),
    stdin: stdin === undefined ? undefined : encode(stdin),
    stdout: lineSink((l) => lines.push(l)),
    stderr: err,
    getMemory: () => memory,
    otherFunctions,
  });
  const view = () => new DataView(memory.buffer);
  /** Reads fd into one 64-byte iovec at 100; the text read. */
  const read = (fd: number) => {
    view().setUint32(0, 100, true);
    view().setUint32(4, 64, true);
    assert.equal((wasi.imports.wasi_snapshot_preview1 as Fns).fd_read!(fd, 0, 1, 8), 0);
    return decode(new Uint8Array(memory.buffer, 100, view().getUint32(8, true)));
  };
  return { wasi, fn: wasi.imports.wasi_snapshot_preview1 as Fns, memory, view, read, lines, err };
}

test('stdin is read to its end, then reads give nothing; without stdin fd 0 is at its end at once', () => {
  const { read } = setup('enosys', 'input on stdin');
  assert.equal(read(0), 'input on stdin');
  assert.equal(read(0), '');
  assert.equal(setup('enosys').read(0), '');
});

test('a function it does not implement: ENOSYS (listed) for Spin 1, left out for the pre-initialiser', () => {
  const spin1 = setup('enosys');
  assert.equal(spin1.fn.sock_accept!(3, 0, 0), 52);
  assert.deepEqual(spin1.wasi.unsupportedCalls, ['sock_accept']);
  const init = setup('absent');
  assert.equal(init.fn.sock_accept, undefined);
  assert.equal('sock_accept' in init.fn, false);
  assert.equal(typeof init.fn.fd_read, 'function');
});

test('the tree is read-only: unlink, rmdir and mkdir answer EROFS', () => {
  const { fn } = setup('enosys');
  assert.equal(fn.path_unlink_file!(3, 0, 1), 69);
  assert.equal(fn.path_remove_directory!(3, 0, 1), 69);
  assert.equal(fn.path_create_directory!(3, 0, 1), 69);
});

test('a text sink keeps output whole, a line sink emits complete lines and the rest on finish', () => {
  const { fn, view, memory, wasi, lines, err } = setup('enosys');
  new Uint8Array(memory.buffer).set(encode('a\nb'), 100);
  view().setUint32(0, 100, true);
  view().setUint32(4, 3, true);
  assert.equal(fn.fd_write!(2, 0, 1, 8), 0);
  assert.equal(fn.fd_write!(1, 0, 1, 8), 0);
  assert.equal(err.text(), 'a\nb');
  assert.deepEqual(lines, ['a']);
  wasi.finish();
  assert.deepEqual(lines, ['a', 'b']);
});

test("the pre-initialiser's WASI: files given as text, stdin as text, stderr kept for error parsing", () => {
  const init = createInitWasi({ env: { K: 'v' }, stdin: 'args', files: { '/dir/source.js': 'let x = 1;' } });
  const memory = new WebAssembly.Memory({ initial: 1 });
  const fn = init.imports(() => memory).wasi_snapshot_preview1 as Fns;
  const view = new DataView(memory.buffer);
  new Uint8Array(memory.buffer).set(encode('dir/source.js'), 200);
  assert.equal(fn.path_open!(3, 0, 200, 13, 0, 2n, 0n, 0, 16), 0);
  view.setUint32(0, 300, true);
  view.setUint32(4, 64, true);
  assert.equal(fn.fd_read!(view.getUint32(16, true), 0, 1, 8), 0);
  assert.equal(decode(new Uint8Array(memory.buffer, 300, view.getUint32(8, true))), 'let x = 1;');
  assert.equal(fn.fd_read!(0, 0, 1, 8), 0);
  assert.equal(decode(new Uint8Array(memory.buffer, 300, view.getUint32(8, true))), 'args');
  new Uint8Array(memory.buffer).set(encode('SyntaxError\n'), 400);
  view.setUint32(0, 400, true);
  view.setUint32(4, 12, true);
  assert.equal(fn.fd_write!(2, 0, 1, 8), 0);
  assert.equal(init.stderr, 'SyntaxError\n');
  assert.equal(init.stdout, '');
  assert.equal(fn.poll_oneoff === undefined, false, 'what the one implementation provides, both users get');
  assert.equal(fn.sock_recv, undefined);
});
