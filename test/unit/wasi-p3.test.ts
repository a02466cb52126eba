/**
 * WASI 0.3 `cli`, `clocks` and `random` beside their 0.2.6 versions in one import object, as a
 * component built by Spin 4's Rust template imports them (docs/spin4.md). Execution needs JSPI,
 * so this checks the host objects the glue would receive; test/browser/spin4-template.test.ts
 * runs a component that uses both generations in one instance.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { supportFor } from '../../src/host/interfaces.ts';
import { createEnvironmentP3, createOutputP3, createStdinP3, createSystemClockP3 } from '../../src/host/wasi-p3.ts';

const RC = '0.3.0-rc-2026-03-15';

/** The glue's `Stream` as the host sees a guest's readable end: `read({count})` until done. */
function guestStream(chunks: string[]) {
  const queue = chunks.map((c) => new TextEncoder().encode(c));
  return { read: async () => (queue.length ? { value: queue.shift(), done: false } : { value: undefined, done: true }) };
}

test('the 0.3 cli, clocks and random interfaces and spin:sqlite@3.1.0 are served; other 0.3 packages are refused by name', () => {
  for (const version of [RC, '0.3.0']) {
    for (const name of ['cli/environment', 'cli/exit', 'cli/stdin', 'cli/stdout', 'cli/stderr', 'cli/types', 'cli/terminal-stdout', 'clocks/system-clock', 'random/random', 'random/insecure-seed']) {
      assert.deepEqual(supportFor(`wasi:${name}@${version}`), { supported: true, key: `wasi:${name}` });
    }
  }
  assert.deepEqual(supportFor('spin:sqlite/sqlite@3.1.0'), { supported: true, key: 'spin:sqlite/sqlite' });
  assert.match((supportFor(`wasi:filesystem/types@${RC}`) as { reason: string }).reason, /does not provide this WASI 0\.3 interface yet/);
  assert.match((supportFor(`wasi:clocks/timezone@${RC}`) as { reason: string }).reason, /does not provide this WASI 0\.3 interface yet/);
});

test('write-via-stream drains the guest\'s stream into the same line sink as 0.2 stdout, and settles its future ok at the end', async () => {
  const written: string[] = [];
  const sink = { write: (bytes: Uint8Array) => written.push(new TextDecoder().decode(bytes)) };
  const result = await createOutputP3(sink).writeViaStream(guestStream(['Handling request ', 'to /\n']));
  assert.deepEqual(result, { tag: 'ok', val: undefined });
  assert.equal(written.join(''), 'Handling request to /\n');
  const [stdin, stdinDone] = createStdinP3().readViaStream();
  assert.deepEqual([[...stdin], await stdinDone], [[], { tag: 'ok', val: undefined }]);
});

test('system-clock counts seconds and nanoseconds since the epoch; get-initial-cwd is 0.2\'s initial-cwd', () => {
  const { seconds, nanoseconds } = createSystemClockP3().now();
  const ms = Number(seconds) * 1000 + nanoseconds / 1e6;
  assert.ok(Math.abs(ms - Date.now()) < 60_000, `system-clock now is ${ms}`);
  assert.ok(Number.isInteger(nanoseconds) && nanoseconds >= 0 && nanoseconds < 1e9);
  assert.equal(createSystemClockP3().getResolution(), 1_000_000n);
  assert.equal(createEnvironmentP3({ initialCwd: () => '/' }).getInitialCwd(), '/');
});
