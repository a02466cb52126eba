/**
 * Opening a decoded share link and gathering the state for a new one: defaults filled in,
 * files fetched and checked against their digests, key-value data read and seeded through the
 * engine's admin operations. The network and the engine are passed in.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { kvSeedOps, loadSharedFiles, projectBaseFor, readAllKv, resolveSharedState, shareBaseFor, SharedFileError } from '../../src/share/apply.ts';
import { sha256Digest } from '../../src/bytes/sha256.ts';
import type { KvAdminOp, KvAdminResult } from '../../src/protocol/messages.ts';

const bytes = (text: string) => new TextEncoder().encode(text);
const sha = (data: Uint8Array) => `sha256:${createHash('sha256').update(data).digest('hex')}`;

describe('resolveSharedState', () => {
  test("fields the link left out come from the base app and the format's defaults", () => {
    const opened = resolveSharedState({ base: { kind: 'example', name: 'kv-basics' }, request: { path: '/x' } }, { manifest: 'BASE' });
    assert.deepEqual(opened, {
      base: { kind: 'example', name: 'kv-basics' },
      manifest: 'BASE',
      files: {},
      kv: [],
      variables: {},
      request: { method: 'GET', path: '/x', headers: [], body: '', bodyType: 'text' },
      selectedFile: undefined,
    });
  });

  test('a recovered state without a base opens as an app with no base', () => {
    assert.deepEqual(resolveSharedState({ manifest: 'M' }).base, { kind: 'none' });
  });
});

describe('loadSharedFiles', () => {
  const component = bytes('\0asm component bytes');
  const fetchFrom = (map: Record<string, Uint8Array>): typeof fetch =>
    (async (url: string | URL | Request) => {
      const body = map[String(url)];
      return body ? new Response(body.slice()) : new Response('nope', { status: 404 });
    }) as typeof fetch;

  test('a { url, digest } file is downloaded and kept when the digest matches; inlined files are used as they are', async () => {
    const files = await loadSharedFiles(
      { 'app.wasm': { kind: 'url', url: 'https://cdn.example/app.wasm', digest: sha(component) }, 'a.css': { kind: 'inline', bytes: bytes('a{}') } },
      { fetch: fetchFrom({ 'https://cdn.example/app.wasm': component }) },
    );
    assert.deepEqual(new Uint8Array(files['app.wasm']!), component);
    assert.deepEqual(new Uint8Array(files['a.css']!), bytes('a{}'));
  });

  test('a digest mismatch is refused with both digests named, as spin up refuses it', async () => {
    const wrong = `sha256:${'0'.repeat(64)}`;
    await assert.rejects(
      loadSharedFiles(
        { 'app.wasm': { kind: 'url', url: 'https://cdn.example/app.wasm', digest: wrong } },
        { fetch: fetchFrom({ 'https://cdn.example/app.wasm': component }) },
      ),
      (error: unknown) =>
        error instanceof SharedFileError &&
        error.message ===
          `app.wasm: the digest of https://cdn.example/app.wasm does not match: the link expects ${wrong}, the downloaded file is ${sha(component)}`,
    );
  });

  test('a failed download names the file and the status', async () => {
    await assert.rejects(
      loadSharedFiles({ 'x.wasm': { kind: 'url', url: 'https://cdn.example/x.wasm', digest: sha(component) } }, { fetch: fetchFrom({}) }),
      /x\.wasm: could not fetch https:\/\/cdn\.example\/x\.wasm: the server answered 404/,
    );
  });

  test('sha256Digest writes digests the way spin.toml does', async () => {
    assert.equal(await sha256Digest(component), sha(component));
  });
});

describe("key-value data through the engine's admin operations", () => {
  /** A tiny in-memory engine answering `KvAdminOp`s. */
  function fakeEngine(initial: Record<string, Record<string, string>>) {
    const stores = new Map<string, Map<string, Uint8Array>>(
      Object.entries(initial).map(([s, kv]) => [s, new Map<string, Uint8Array>(Object.entries(kv).map(([k, v]) => [k, bytes(v)]))]),
    );
    const run = async (op: KvAdminOp): Promise<KvAdminResult> => {
      switch (op.op) {
        case 'stores':
          return { op: 'stores', stores: [...stores].map(([name, kv]) => ({ name, keys: kv.size })) };
        case 'export':
          return { op: 'export', entries: [...(stores.get(op.store) ?? new Map())].map(([k, v]) => [k, v.slice().buffer]) };
        case 'clear':
          for (const [name, kv] of stores) if (op.store === null || op.store === name) kv.clear();
          return { op: 'done', changed: 0 };
        case 'import': {
          const kv: Map<string, Uint8Array> = stores.get(op.store) ?? new Map<string, Uint8Array>();
          stores.set(op.store, kv);
          for (const [k, v] of op.entries) kv.set(k, new Uint8Array(v));
          return { op: 'done', changed: op.entries.length };
        }
        default:
          return { op: 'error', message: `unexpected ${op.op}` };
      }
    };
    return { run, stores };
  }

  test('readAllKv reads every entry of every store', async () => {
    const { run } = fakeEngine({ default: { a: '1', b: '2' }, cache: { c: '3' } });
    const rows = await readAllKv(run);
    assert.deepEqual(
      rows.map((r) => [r.store, r.key, new TextDecoder().decode(r.value)]),
      [
        ['default', 'a', '1'],
        ['default', 'b', '2'],
        ['cache', 'c', '3'],
      ],
    );
  });

  test("seeding a shared link replaces the project's data; a --key-value seed adds to it", async () => {
    const replace = kvSeedOps(
      [
        { store: 'default', key: 'k', value: bytes('v') },
        { store: 'other', key: 'o', value: bytes('w') },
      ],
      'replace',
    );
    assert.deepEqual(
      replace.map((op) => op.op),
      ['clear', 'import', 'import'],
    );
    const { run, stores } = fakeEngine({ default: { old: 'x' } });
    for (const op of replace) await run(op);
    assert.deepEqual([...stores.get('default')!.keys()], ['k']);
    assert.deepEqual(
      kvSeedOps([{ store: 'default', key: 'k', value: bytes('v') }], 'merge').map((op) => op.op),
      ['import'],
    );
  });

  test('an engine error surfaces as an exception', async () => {
    await assert.rejects(
      readAllKv(async () => ({ op: 'error', message: 'engine gone' })),
      /engine gone/,
    );
  });
});

describe('project bases', () => {
  test('an example or ?app= project is its base; files, or a whole app dropped over one, is none', () => {
    assert.deepEqual(shareBaseFor({ base: { kind: 'example', name: 'guestbook' } }), { kind: 'example', name: 'guestbook' });
    assert.deepEqual(shareBaseFor({ base: { kind: 'url', url: 'https://x/spin.toml' } }), { kind: 'url', manifestUrl: 'https://x/spin.toml' });
    assert.deepEqual(shareBaseFor({ base: { kind: 'example', name: 'guestbook' }, replacedApp: true }), { kind: 'none' });
    assert.deepEqual(shareBaseFor({ base: { kind: 'files' } }), { kind: 'none' });
    assert.deepEqual(projectBaseFor({ kind: 'url', manifestUrl: 'https://x/spin.toml' }), { kind: 'url', url: 'https://x/spin.toml' });
    assert.deepEqual(projectBaseFor({ kind: 'none' }), { kind: 'files' });
  });
});
