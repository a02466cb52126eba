/**
 * WASI 0.3 `cli`, `clocks` and `random` beside their 0.2.6 versions in one import object, as a
 * component built by Spin 4's Rust template imports them (docs/spin4.md). Execution needs JSPI,
 * so this checks the host objects the glue would receive; test/browser/spin4-template.test.ts
 * runs a component that uses both generations in one instance.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { generationClashes, supportFor } from '../../src/host/interfaces.ts';
import { createFilesystemP3 } from '../../src/host/wasi-filesystem-p3.ts';
import { createEnvironmentP3, createOutputP3, createStdinP3, createSystemClockP3 } from '../../src/host/wasi-p3.ts';

const RC = '0.3.0-rc-2026-03-15';

/** The glue's `Stream` as the host sees a guest's readable end: `read({count})` until done. */
function guestStream(chunks: string[]) {
  const queue = chunks.map((c) => new TextEncoder().encode(c));
  return { read: async () => (queue.length ? { value: queue.shift(), done: false } : { value: undefined, done: true }) };
}

test('the 0.3 cli, clocks and random interfaces and spin:sqlite@3.1.0 are served; other 0.3 packages are refused by name', () => {
  for (const version of [RC, '0.3.0']) {
    const names = ['cli/environment', 'cli/exit', 'cli/stdin', 'cli/stdout', 'cli/stderr', 'cli/types', 'cli/terminal-stdout'];
    for (const name of [...names, 'clocks/system-clock', 'random/random', 'random/insecure-seed']) {
      assert.deepEqual(supportFor(`wasi:${name}@${version}`), { supported: true, key: `wasi:${name}` });
    }
  }
  assert.deepEqual(supportFor('spin:sqlite/sqlite@3.1.0'), { supported: true, key: 'spin:sqlite/sqlite' });
  assert.deepEqual(supportFor(`wasi:filesystem/preopens@${RC}`), { supported: true, key: 'wasi:filesystem/preopens' });
  assert.match((supportFor(`wasi:sockets/types@${RC}`) as { reason: string }).reason, /does not provide this WASI 0\.3 interface yet/);
  assert.match((supportFor(`wasi:clocks/timezone@${RC}`) as { reason: string }).reason, /does not provide this WASI 0\.3 interface yet/);
});

test("write-via-stream drains the guest's stream into the same line sink as 0.2 stdout, and settles its future ok at the end", async () => {
  const written: string[] = [];
  const sink = { write: (bytes: Uint8Array) => written.push(new TextDecoder().decode(bytes)) };
  const result = await createOutputP3(sink).writeViaStream(guestStream(['Handling request ', 'to /\n']));
  assert.deepEqual(result, { tag: 'ok', val: undefined });
  assert.equal(written.join(''), 'Handling request to /\n');
  const [stdin, stdinDone] = createStdinP3().readViaStream();
  assert.deepEqual([[...stdin], await stdinDone], [[], { tag: 'ok', val: undefined }]);
});

test("system-clock counts seconds and nanoseconds since the epoch; get-initial-cwd is 0.2's initial-cwd", () => {
  const { seconds, nanoseconds } = createSystemClockP3().now();
  const ms = Number(seconds) * 1000 + nanoseconds / 1e6;
  assert.ok(Math.abs(ms - Date.now()) < 60_000, `system-clock now is ${ms}`);
  assert.ok(Number.isInteger(nanoseconds) && nanoseconds >= 0 && nanoseconds < 1e9);
  assert.equal(createSystemClockP3().getResolution(), 1_000_000n);
  assert.equal(createEnvironmentP3({ initialCwd: () => '/' }).getInitialCwd(), '/');
});

test('both generations of wasi:cli in one component are fine; of wasi:filesystem they are refused, naming both imports', () => {
  assert.deepEqual(generationClashes(['wasi:cli/stdout@0.2.6', `wasi:cli/stdout@${RC}`, `wasi:filesystem/types@${RC}`]), []);
  const clashes = generationClashes(['wasi:filesystem/types@0.2.6', `wasi:filesystem/types@${RC}`]);
  assert.equal(clashes.length, 1);
  assert.equal(clashes[0]!.name, `wasi:filesystem/types@${RC}`);
  assert.match(clashes[0]!.reason, /also imports wasi:filesystem\/types@0\.2\.6/);
});

describe("wasi:filesystem@0.3 over the component's read-only files", () => {
  const bytes = (text: string) => new TextEncoder().encode(text);
  const tree = { dir: { 'index.html': { source: bytes('<h1>hi</h1>') }, static: { dir: { 'a.txt': { source: bytes('abcdef') } } } } };
  async function text(stream: AsyncIterable<Uint8Array>) {
    let out = '';
    for await (const chunk of stream) out += new TextDecoder().decode(chunk);
    return out;
  }
  async function rejection(promise: Promise<unknown>) {
    try {
      await promise;
    } catch (error) {
      return error;
    }
    assert.fail('expected an err');
  }

  test('the preopen is / ; files are read from an offset through a stream, directories listed through one', async () => {
    const { preopens } = createFilesystemP3(tree);
    const [[root, path]] = preopens.getDirectories() as [[InstanceType<ReturnType<typeof createFilesystemP3>['types']['Descriptor']>, string]];
    assert.equal(path, '/');
    assert.deepEqual(await root.getType(), { tag: 'directory' });
    const file = await root.openAt({}, 'static/./a.txt', {}, { read: true });
    const [stream, done] = file.readViaStream(2n);
    assert.equal(await text(stream), 'cdef');
    assert.deepEqual(await done, { tag: 'ok', val: undefined });
    assert.deepEqual((await root.statAt({}, 'index.html')).size, 11n);
    const [entries, listed] = root.readDirectory();
    const names: unknown[] = [];
    for await (const entry of entries) names.push(entry);
    assert.deepEqual(names, [
      { type: { tag: 'regular-file' }, name: 'index.html' },
      { type: { tag: 'directory' }, name: 'static' },
    ]);
    assert.deepEqual(await listed, { tag: 'ok', val: undefined });
    const dir = await root.openAt({}, 'static', { directory: true }, { read: true });
    assert.equal(await (await dir.openAt({}, '../index.html', {}, { read: true })).isSameObject(await root.openAt({}, 'index.html', {}, { read: true })), true);
  });

  test('writes, creation and paths that leave the mount are not-permitted; a missing name is no-entry', async () => {
    const root = createFilesystemP3(tree).preopens.getDirectories()[0]![0];
    assert.deepEqual(await rejection(root.openAt({}, 'new.txt', { create: true }, { write: true })), { tag: 'not-permitted' });
    assert.deepEqual(await rejection(root.openAt({}, 'index.html', {}, { read: true, write: true })), { tag: 'not-permitted' });
    assert.deepEqual(await rejection(root.openAt({}, '../etc/passwd', {}, { read: true })), { tag: 'not-permitted' });
    assert.deepEqual(await rejection(root.openAt({}, '/index.html', {}, { read: true })), { tag: 'not-permitted' });
    assert.deepEqual(await rejection(root.unlinkFileAt()), { tag: 'not-permitted' });
    assert.deepEqual(await rejection(root.statAt({}, 'nope')), { tag: 'no-entry' });
    assert.deepEqual(await rejection(root.openAt({}, 'index.html', { directory: true }, { read: true })), { tag: 'not-directory' });
    const file = await root.openAt({}, 'index.html', {}, { read: true });
    assert.deepEqual(await file.writeViaStream({}, 0n), { tag: 'err', val: { tag: 'not-permitted' } });
    assert.deepEqual(createFilesystemP3(undefined).preopens.getDirectories(), []);
  });
});
