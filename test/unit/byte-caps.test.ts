/**
 * Byte caps on what the page downloads or buffers: a manifest (1 MiB), each source or shared file
 * (512 MiB, the zip import cap), and the request console's kept body (16 MiB, the rest counted).
 * The attacks are served by a real HTTP server on loopback: a body that never ends, and a
 * `content-length` over the cap. Small caps stand in for the large ones where the bytes would
 * have to be sent; the production caps are checked by the declared length, which needs no bytes.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import {
  ByteCapError,
  DOWNLOAD_CAP,
  MANIFEST_CAP,
  MAX_CONSOLE_BODY_BYTES,
  MAX_DOWNLOAD_BYTES,
  MAX_IMPORT_BYTES,
  MAX_MANIFEST_BYTES,
  readBodyCapped,
  readKeeping,
} from '../../src/loader/byte-caps.ts';
import { fetchApp, FetchAppError } from '../../src/loader/fetch-app.ts';
import { loadSharedFiles, SharedFileError } from '../../src/share/apply.ts';

const MiB = 1024 * 1024;
let server: Server;
let base = '';
/** How many 64 KiB chunks the endless responses have sent, by path. */
const sent = new Map<string, number>();

before(async () => {
  server = createServer((req, res) => {
    const path = req.url ?? '/';
    if (path.startsWith('/endless')) {
      // Never ends: 64 KiB chunks for as long as the client reads.
      res.writeHead(200, { 'content-type': 'application/octet-stream' });
      const chunk = Buffer.alloc(64 * 1024, 0x61);
      sent.set(path, 0);
      const pump = () => {
        while (!res.destroyed && res.write(chunk)) sent.set(path, sent.get(path)! + 1);
        if (!res.destroyed) res.once('drain', pump);
      };
      res.on('close', () => res.removeAllListeners('drain'));
      pump();
      return;
    }
    if (path.startsWith('/declares-over-512-mib')) {
      // Says it is one byte over 512 MiB, sends 1 KiB, and waits.
      res.writeHead(200, { 'content-length': String(512 * MiB + 1) });
      res.write(Buffer.alloc(1024));
      return;
    }
    if (path === '/app/spin.toml') {
      res.end(
        'spin_manifest_version = 2\n[application]\nname = "a"\n[[trigger.http]]\nroute = "/"\ncomponent = "a"\n[component.a]\nsource = ' +
          '"../declares-over-512-mib/a.wasm"\n',
      );
      return;
    }
    res.statusCode = 404;
    res.end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('no address');
  base = `http://127.0.0.1:${address.port}`;
});

after(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

describe('the caps', () => {
  test('are 1 MiB for a manifest, 512 MiB (the zip import cap) for a download, 16 MiB for the console', () => {
    assert.equal(MAX_MANIFEST_BYTES, MiB);
    assert.equal(MAX_DOWNLOAD_BYTES, 512 * MiB);
    assert.equal(MAX_DOWNLOAD_BYTES, MAX_IMPORT_BYTES);
    assert.equal(MAX_CONSOLE_BODY_BYTES, 16 * MiB);
    assert.deepEqual(MANIFEST_CAP, { bytes: MiB, for: 'a manifest' });
    assert.deepEqual(DOWNLOAD_CAP, { bytes: 512 * MiB, for: 'a downloaded file' });
  });
});

describe('readBodyCapped', () => {
  test('attack: a body that never ends is read up to the cap, then the download is stopped', async () => {
    const response = await fetch(`${base}/endless/a`);
    await assert.rejects(
      readBodyCapped(response, { bytes: 256 * 1024, for: 'a test' }, 'the endless file'),
      (e: unknown) =>
        e instanceof ByteCapError && e.message === 'the endless file is larger than the cap of 262144 bytes for a test; the download was stopped there',
    );
    const stopped = sent.get('/endless/a')!;
    await new Promise((resolve) => setTimeout(resolve, 300));
    assert.ok(sent.get('/endless/a')! - stopped < 64, 'the server stopped being read');
  });

  test('a body at the cap is read whole; a declared length over it is refused before reading', async () => {
    const exact = await readBodyCapped(new Response(new Uint8Array(1000)), { bytes: 1000, for: 'a test' }, 'x');
    assert.equal(exact.byteLength, 1000);
    await assert.rejects(
      readBodyCapped(new Response(new Uint8Array(1001)), { bytes: 1000, for: 'a test' }, 'x'),
      /x is 1001 bytes, larger than the cap of 1000 bytes for a test|x is larger than the cap of 1000 bytes/,
    );
  });
});

describe('downloads a link or an ?app= URL starts', () => {
  test('attack: a manifest URL that never stops sending is refused at 1 MiB, naming the cap', { timeout: 20_000 }, async () => {
    await assert.rejects(
      fetchApp(`${base}/endless/spin.toml`),
      (e: unknown) =>
        e instanceof FetchAppError && e.message === `${base}/endless/spin.toml is larger than the cap of 1 MiB for a manifest; the download was stopped there`,
    );
  });

  test('attack: a component source that declares more than 512 MiB is refused without downloading it', { timeout: 20_000 }, async () => {
    await assert.rejects(
      fetchApp(`${base}/app/spin.toml`),
      (e: unknown) =>
        e instanceof FetchAppError &&
        e.message === `${base}/declares-over-512-mib/a.wasm is ${512 * MiB + 1} bytes, larger than the cap of 512 MiB for a downloaded file`,
    );
  });

  test("attack: a share link's file URL that never ends is stopped at the cap, before the digest check", { timeout: 20_000 }, async () => {
    const files = { 'app.wasm': { kind: 'url' as const, url: `${base}/endless/app.wasm`, digest: `sha256:${'0'.repeat(64)}` } };
    await assert.rejects(
      loadSharedFiles(files, { fetch, cap: { bytes: 2 * MiB, for: 'a downloaded file' } }),
      (e: unknown) =>
        e instanceof SharedFileError &&
        e.message === `app.wasm: ${base}/endless/app.wasm is larger than the cap of 2 MiB for a downloaded file; the download was stopped there`,
    );
  });

  test("attack: a share link's file that declares more than 512 MiB is refused with the production cap", { timeout: 20_000 }, async () => {
    const files = { 'app.wasm': { kind: 'url' as const, url: `${base}/declares-over-512-mib/x`, digest: `sha256:${'0'.repeat(64)}` } };
    await assert.rejects(
      loadSharedFiles(files, { fetch }),
      (e: unknown) => e instanceof SharedFileError && /larger than the cap of 512 MiB for a downloaded file$/.test(e.message),
    );
  });
});

describe('readKeeping (the request console)', () => {
  test('keeps the first bytes up to the cap and counts the rest, reading the stream to its end', async () => {
    let pulls = 0;
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        pulls++;
        if (pulls > 48) return controller.close();
        controller.enqueue(new Uint8Array(64 * 1024).fill(pulls));
      },
    });
    const { kept, total } = await readKeeping(stream, MiB);
    assert.equal(total, 3 * MiB);
    assert.equal(kept.byteLength, MiB);
    assert.equal(kept[0], 1);
    assert.equal(kept[MiB - 1], 16);
    assert.equal(pulls, 49, 'read to the end');
    const whole = await readKeeping(new Uint8Array([1, 2, 3]).buffer, MiB);
    assert.deepEqual({ kept: [...whole.kept], total: whole.total }, { kept: [1, 2, 3], total: 3 });
  });
});
