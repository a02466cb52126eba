/**
 * Spin 1 core modules (wit-bindgen 0.2 ABI) run the way `spin up` runs them (docs/spin-behaviour.md
 * §6.2, docs/spin1-abi.md), using the WAT modules in test/fixtures/wat-core/, plus the WASI
 * preview1 they link against.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import initSqlJs from 'sql.js';
import { parse } from '@bytecodealliance/jco-transpile/wasm-tools';
import { SqliteKvStore } from '../../src/storage/sqlite-store.ts';
import { createKeyValueCore } from '../../src/host/key-value.ts';
import { createWasiPreview1, ProcExit } from '../../src/wasi/preview1.ts';
import { lineSink } from '../../src/wasi/preview1-fs.ts';
import { createSpin1CoreHandler, isSpin1CoreModule, type Spin1CoreContext, type Spin1OutboundRequest } from '../../src/engine/executors/spin1-core.ts';

const SQL = await initSqlJs();
const encode = (text: string) => new TextEncoder().encode(text);
const decode = (bytes: Uint8Array) => new TextDecoder().decode(bytes);
const watDir = fileURLToPath(new URL('../fixtures/wat-core/', import.meta.url));

async function compile(text: string): Promise<{ module: WebAssembly.Module; bytes: Uint8Array }> {
  const bytes = await parse(text);
  return { module: new WebAssembly.Module(bytes as Uint8Array<ArrayBuffer>), bytes };
}
const fixture = async (name: string) => (await compile(readFileSync(`${watDir}${name}.wat`, 'utf8'))).module;

function setup(overrides: Partial<Spin1CoreContext> = {}, allowedStores = ['default']) {
  const store = new SqliteKvStore(new SQL.Database());
  const logs = { stdout: [] as string[], stderr: [] as string[], warnings: [] as string[] };
  const ctx: Spin1CoreContext = {
    kv: createKeyValueCore({ store, allowedStores }),
    config: () => ({ err: { kind: 'provider', message: 'no config' } }),
    files: new Map(),
    env: {},
    onStdout: (line) => logs.stdout.push(line),
    onStderr: (line) => logs.stderr.push(line),
    onWarning: (message) => logs.warnings.push(message),
    ...overrides,
  };
  return { ctx, store, logs };
}

const request = (method: string, uri: string, headers: Array<[string, string]> = [], body = '') => ({
  method,
  uri,
  headers,
  body: encode(body),
});

async function serve(name: string, ctx: Spin1CoreContext) {
  const handler = createSpin1CoreHandler(await fixture(name), ctx);
  return async (...args: Parameters<typeof request>) => {
    const response = await handler.handle(request(...args));
    return { ...response, text: decode(response.body) };
  };
}

const MINIMAL_EXPORTS = `
  (memory (export "memory") 1)
  (func (export "canonical_abi_realloc") (param i32 i32 i32 i32) (result i32) (i32.const 0))
  (func (export "handle-http-request") (param i32 i32 i32 i32 i32 i32 i32 i32 i32 i32) (result i32) (i32.const 0))`;

describe('isSpin1CoreModule', () => {
  test('recognizes a module with handle-http-request, canonical_abi_realloc and memory', async () => {
    assert.deepEqual(isSpin1CoreModule(await fixture('echo')), { ok: true });
    assert.deepEqual(isSpin1CoreModule(await fixture('spin01')), { ok: true });
  });

  test('rejects a plain core module and says exactly what is missing', async () => {
    const { module } = await compile('(module (memory (export "memory") 1) (func (export "_start")))');
    const result = isSpin1CoreModule(module);
    assert.equal(result.ok, false);
    assert.ok(!result.ok);
    assert.match(result.reason, /exports no handle-http-request/);
    assert.match(result.reason, /exports no canonical_abi_realloc/);
    assert.match(result.reason, /_start: a WASI command/);
    assert.doesNotMatch(result.reason, /exports no memory/);
  });

  test('names imports from modules Spin 1 does not have, and the handler refuses to load', async () => {
    const { module } = await compile(`(module (import "env" "foo" (func)) ${MINIMAL_EXPORTS})`);
    const result = isSpin1CoreModule(module);
    assert.ok(!result.ok);
    assert.match(result.reason, /env::foo/);
    assert.throws(() => createSpin1CoreHandler(module, setup().ctx), /env::foo/);
  });

  test('a component-type custom section gets the un-componentized wit-bindgen hint', async () => {
    const reactor = await compile(`(module (@custom "component-type:reactor" "x") ${MINIMAL_EXPORTS})`);
    const result = isSpin1CoreModule(reactor.module);
    assert.ok(!result.ok);
    assert.match(result.reason, /un-componentized wit-bindgen output/);
    assert.match(result.reason, /wasm-tools component new/);
    assert.match(result.reason, /SDK/);

    const name = 'component-type:wit-bindgen:0.20.0:my-world:encoded world';
    const modern = await compile(`(module (@custom "${name}" "x") ${MINIMAL_EXPORTS})`);
    const found = isSpin1CoreModule(modern.module, modern.bytes);
    assert.ok(!found.ok);
    assert.match(found.reason, /un-componentized wit-bindgen output/);
  });
});

describe('Spin 1 HTTP handler', () => {
  test('passes method, uri and headers to the guest', async () => {
    const { ctx } = setup();
    const send = await serve('echo', ctx);
    const headers: Array<[string, string]> = [
      ['accept', '*/*'],
      ['spin-full-url', 'http://127.0.0.1:3000/a/b?c=d'],
    ];
    const response = await send('GET', '/a/b?c=d', headers);
    assert.equal(response.status, 200);
    assert.equal(response.text, '1 0 /a/b?c=d');
    assert.deepEqual(response.headers, headers);
    assert.equal(response.failure, undefined);
    for (const [method, index] of [
      ['POST', 1],
      ['PUT', 2],
      ['DELETE', 3],
      ['PATCH', 4],
      ['HEAD', 5],
      ['OPTIONS', 6],
    ] as const) {
      assert.equal((await send(method, '/x')).text, `1 ${index} /x`);
    }
  });

  test('answers 405 with an empty body for TRACE, CONNECT and PURGE without calling the guest', async () => {
    const { ctx, logs } = setup();
    const send = await serve('echo', ctx);
    for (const method of ['TRACE', 'CONNECT', 'PURGE', 'get']) {
      const response = await send(method, '/');
      assert.equal(response.status, 405, method);
      assert.equal(response.body.byteLength, 0);
      assert.deepEqual(response.headers, []);
    }
    assert.equal(logs.stdout.length, 0);
    await send('GET', '/');
    assert.deepEqual(logs.stdout, ['handle-http-request called']);
  });

  test('for a repeated response header name the last value wins', async () => {
    const { ctx } = setup();
    const send = await serve('echo', ctx);
    const response = await send('GET', '/', [
      ['X-Dup', 'first'],
      ['x-other', 'a'],
      ['x-dup', 'second'],
      ['X-DUP', 'last'],
    ]);
    assert.deepEqual(response.headers, [
      ['x-dup', 'last'],
      ['x-other', 'a'],
    ]);
  });

  test('a status below 100 or above 600 gives 500 with an empty body', async () => {
    const { ctx } = setup();
    const send = await serve('echo', ctx);
    for (const status of ['99', '601', '0', '999']) {
      const response = await send('POST', '/', [['x', 'y']], status);
      assert.equal(response.status, 500, status);
      assert.equal(response.body.byteLength, 0);
      assert.deepEqual(response.headers, []);
      assert.match(response.failure ?? '', /malformed HTTP status code/);
    }
    assert.equal((await send('POST', '/', [], '100')).status, 100);
    assert.equal((await send('POST', '/', [], '600')).status, 600);
  });

  test('none headers and a none body are sent empty', async () => {
    const { ctx } = setup();
    const response = await (await serve('echo', ctx))('POST', '/', [['x', 'y']], '204');
    assert.equal(response.status, 204);
    assert.deepEqual(response.headers, []);
    assert.equal(response.body.byteLength, 0);
  });

  test('every request gets a fresh instance', async () => {
    const { ctx } = setup();
    const send = await serve('echo', ctx);
    for (let i = 0; i < 3; i++) assert.equal((await send('GET', '/n')).text, '1 0 /n');
  });

  test('memory growth during host allocations and the call does not break reading the response', async () => {
    const { ctx } = setup();
    const send = await serve('grow', ctx);
    const headers = Array.from({ length: 20 }, (_, i): [string, string] => [`x-h${i}`, `v${i}`.repeat(50)]);
    const response = await send('GET', '/grown?q=1', headers, 'b'.repeat(100_000));
    assert.equal(response.status, 200);
    assert.equal(response.text, '/grown?q=1');
    assert.deepEqual(response.headers, headers);
  });

  test('a trap or proc_exit gives 500 with an empty body and says why', async () => {
    const { ctx } = setup();
    const send = await serve('trap', ctx);
    const trapped = await send('GET', '/');
    assert.equal(trapped.status, 500);
    assert.equal(trapped.body.byteLength, 0);
    assert.match(trapped.failure ?? '', /wasm trap: unreachable/);
    const exited = await send('POST', '/');
    assert.equal(exited.status, 500);
    assert.match(exited.failure ?? '', /proc_exit\(3\)/);
  });

  test("Spin 0.1's handler export: 8-byte result slots and the Wagi-style PATH_INFO header", async () => {
    const { ctx } = setup();
    const send = await serve('spin01', ctx);
    const response = await send('GET', '/static/a', [['spin-path-info', '/a']]);
    assert.equal(response.status, 200);
    assert.equal(response.text, '/a');
    assert.deepEqual(response.headers, []);
    assert.equal((await send('GET', '/static/a')).status, 500);
  });
});

describe('Spin 1 key-value import on sql.js', () => {
  test('count + "x" in the default store, visible to the store itself', async () => {
    const { ctx, store } = setup();
    const send = await serve('kv', ctx);
    assert.equal((await send('GET', '/')).text, 'x');
    assert.equal((await send('GET', '/')).text, 'xx');
    const third = await send('GET', '/');
    assert.equal(third.status, 200);
    assert.equal(third.text, 'xxx');
    assert.equal(decode(store.get('default', 'count')!), 'xxx');
    assert.equal((await send('POST', '/')).text, 'count');
    assert.equal((await send('PUT', '/')).text, '1');
  });

  test('get of a missing key is no-such-key (4)', async () => {
    const { ctx, store } = setup();
    store.set('default', 'count', encode('x'));
    const response = await (await serve('kv', ctx))('DELETE', '/');
    assert.equal(response.status, 500);
    assert.equal(response.text, 'error 4');
    assert.equal(store.exists('default', 'count'), false);
  });

  test('a store not granted is access-denied (2), even when default is granted', async () => {
    const granted = setup();
    assert.equal((await (await serve('kv', granted.ctx))('GET', '/', [], 'forbidden')).text, 'error 2');
    const none = setup({}, []);
    const denied = await (await serve('kv', none.ctx))('GET', '/');
    assert.equal(denied.status, 500);
    assert.equal(denied.text, 'error 2');
    assert.equal(none.store.exists('default', 'count'), false);
  });

  test('a handle that was never opened is invalid-store (3)', async () => {
    const { ctx } = setup();
    assert.equal((await (await serve('kv', ctx))('OPTIONS', '/')).text, 'error 3');
  });

  test('a backend failure is io(message) (5)', async () => {
    const broken = {
      get: () => {
        throw new Error('disk on fire');
      },
    } as unknown as SqliteKvStore;
    const { ctx } = setup({ kv: createKeyValueCore({ store: broken, allowedStores: ['default'] }) });
    assert.equal((await (await serve('kv', ctx))('GET', '/')).text, 'error 5: disk on fire');
  });
});

describe('Spin 1 spin-config, outbound HTTP and unavailable interfaces', () => {
  test('get-config returns the value or the spin-config error with its message', async () => {
    const { ctx } = setup({
      config: (key) => {
        if (key === 'greeting') return { ok: 'hello' };
        const kinds = { provider: 'provider', 'bad!': 'invalid-key', schema: 'invalid-schema' } as const;
        return { err: { kind: kinds[key as keyof typeof kinds] ?? 'other', message: `about ${key}` } };
      },
    });
    const send = await serve('config', ctx);
    assert.deepEqual([(await send('GET', '/greeting')).status, (await send('GET', '/greeting')).text], [200, 'hello']);
    assert.equal((await send('GET', '/provider')).text, 'error 0: about provider');
    assert.equal((await send('GET', '/bad!')).text, 'error 1: about bad!');
    assert.equal((await send('GET', '/schema')).text, 'error 2: about schema');
    assert.equal((await send('GET', '/what')).text, 'error 3: about what');
  });

  test('outbound HTTP without a sender is destination-not-allowed (1)', async () => {
    const { ctx } = setup();
    const response = await (await serve('outbound', ctx))('GET', '/ping');
    assert.equal(response.status, 502);
    assert.equal(response.text, 'error 1');
  });

  test('outbound HTTP passes the request out and the response back', async () => {
    const seen: Spin1OutboundRequest[] = [];
    const { ctx } = setup({
      outboundHttp: (req) => {
        seen.push(req);
        if (req.uri.endsWith('/bad')) return { error: 'invalid-url' };
        return { status: 201, headers: [['x-answer', 'yes']], body: encode('pong') };
      },
    });
    const send = await serve('outbound', ctx);
    const response = await send('POST', '/ping?x=1', [['x-q', '1']], 'hi');
    assert.deepEqual([response.status, response.headers, response.text], [201, [['x-answer', 'yes']], 'pong']);
    assert.equal(seen[0]?.method, 'POST');
    assert.equal(seen[0]?.uri, 'https://example.com/ping?x=1');
    assert.deepEqual(seen[0]?.headers, [['x-q', '1']]);
    assert.equal(decode(seen[0]!.body!), 'hi');
    assert.equal((await send('GET', '/bad')).text, 'error 2');
  });

  test('redis, postgres and sqlite imports answer "not available" errors at the right offsets, or trap', async () => {
    const { ctx, logs } = setup();
    const send = await serve('unavailable', ctx);
    assert.equal((await send('GET', '/')).text, '1 1');
    assert.equal((await send('DELETE', '/')).text, '1 1');
    assert.equal((await send('POST', '/')).text, '1 5 outbound-pg::execute is not available in the browser playground');
    const trapped = await send('PUT', '/');
    assert.equal(trapped.status, 500);
    assert.match(trapped.failure ?? '', /sqlite::close is not available in the browser playground/);
    assert.ok(logs.warnings.some((w) => w.includes('outbound-redis::get is not available')));
  });
});

describe('WASI preview1 for core modules', () => {
  test('files are a read-only tree at /; environ and stderr reach the guest and the log', async () => {
    const { ctx, logs } = setup({ files: new Map([['/static/hello.txt', encode('hi there')]]), env: { FOO: 'bar' } });
    const send = await serve('files', ctx);
    const ok = await send('GET', '/static/hello.txt');
    assert.deepEqual([ok.status, ok.text], [200, 'hi there']);
    assert.deepEqual(logs.stderr, ['FOO=bar']);
    assert.equal((await send('GET', '/missing')).text, 'errno 44');
    assert.equal((await send('GET', '/static')).text, 'errno 31');
    assert.equal((await send('GET', '/../etc/passwd')).text, 'errno 76');
    assert.equal((await send('GET', '/static/hello.txt', [], '1')).text, 'errno 69');
    assert.equal((await send('GET', '/static/hello.txt', [], '8')).text, 'errno 69');
    assert.deepEqual(logs.warnings.filter((w) => w.includes('ENOSYS')).length, 1);
    assert.match(logs.warnings.find((w) => w.includes('ENOSYS')) ?? '', /fd_advise/);
  });

  function direct(files = new Map<string, Uint8Array>()) {
    const memory = new WebAssembly.Memory({ initial: 4 });
    const out = { stdout: [] as string[], stderr: [] as string[] };
    const wasi = createWasiPreview1({
      args: ['app', 'x'],
      env: { A: '1' },
      files,
      stdout: lineSink((l) => out.stdout.push(l)),
      stderr: lineSink((l) => out.stderr.push(l)),
      getMemory: () => memory,
      otherFunctions: 'enosys',
    });
    const fn = wasi.imports.wasi_snapshot_preview1 as Record<string, (...args: Array<number | bigint>) => number>;
    const view = () => new DataView(memory.buffer);
    const put = (at: number, text: string) => new Uint8Array(memory.buffer).set(encode(text), at);
    return { wasi, fn, view, put, memory, out };
  }

  test('args, preopen, open, seek, stat and readdir', () => {
    const { fn, view, put, memory } = direct(
      new Map([
        ['/d/b.txt', encode('bbb')],
        ['/d/a.txt', encode('aaaaa')],
      ]),
    );
    assert.equal(fn.args_sizes_get!(0, 4), 0);
    assert.deepEqual([view().getUint32(0, true), view().getUint32(4, true)], [2, 6]);
    assert.equal(fn.args_get!(16, 64), 0);
    assert.equal(decode(new Uint8Array(memory.buffer, 64, 6)), 'app\0x\0');
    assert.equal(fn.fd_prestat_get!(3, 0), 0);
    assert.deepEqual([view().getUint8(0), view().getUint32(4, true)], [0, 1]);
    assert.equal(fn.fd_prestat_dir_name!(3, 8, 1), 0);
    assert.equal(view().getUint8(8), '/'.charCodeAt(0));
    assert.equal(fn.fd_prestat_get!(4, 0), 8);

    put(100, 'd/a.txt');
    assert.equal(fn.path_open!(3, 0, 100, 7, 0, 2n, 0n, 0, 200), 0);
    const fd = view().getUint32(200, true);
    assert.equal(fn.fd_seek!(fd, -2n, 2, 208), 0);
    assert.equal(view().getBigUint64(208, true), 3n);
    assert.equal(fn.fd_filestat_get!(fd, 300), 0);
    assert.deepEqual([view().getUint8(316), view().getBigUint64(332, true)], [4, 5n]);
    assert.equal(fn.path_open!(3, 0, 100, 7, 0, 2n | (1n << 6n), 0n, 0, 200), 69);
    assert.equal(fn.fd_close!(fd), 0);
    assert.equal(fn.fd_close!(fd), 8);

    put(100, 'd');
    assert.equal(fn.path_open!(3, 0, 100, 1, 2, 0n, 0n, 0, 200), 0);
    const dir = view().getUint32(200, true);
    assert.equal(fn.fd_readdir!(dir, 1000, 4096, 0n, 400), 0);
    const used = view().getUint32(400, true);
    const names: string[] = [];
    for (let at = 1000; at < 1000 + used; ) {
      const len = view().getUint32(at + 16, true);
      names.push(decode(new Uint8Array(memory.buffer, at + 24, len)));
      at += 24 + len;
    }
    assert.deepEqual(names, ['.', '..', 'a.txt', 'b.txt']);
    assert.equal(fn.fd_readdir!(dir, 1000, 30, 0n, 400), 0);
    assert.equal(view().getUint32(400, true), 30);
  });

  test('stdout is line-buffered, random fills more than 64 KiB, clocks tick, proc_exit throws', () => {
    const { wasi, fn, view, put, out } = direct();
    put(100, 'one\ntwo');
    view().setUint32(0, 100, true);
    view().setUint32(4, 7, true);
    assert.equal(fn.fd_write!(1, 0, 1, 8), 0);
    assert.equal(view().getUint32(8, true), 7);
    assert.deepEqual(out.stdout, ['one']);
    wasi.finish();
    assert.deepEqual(out.stdout, ['one', 'two']);

    assert.equal(fn.random_get!(1000, 200_000), 0);
    assert.ok(new Uint8Array(view().buffer, 150_000, 1000).some((b) => b !== 0));
    assert.equal(fn.clock_time_get!(0, 0n, 16), 0);
    const ms = Number(view().getBigUint64(16, true) / 1_000_000n);
    assert.ok(Math.abs(ms - Date.now()) < 1000);
    assert.equal(fn.clock_time_get!(9, 0n, 16), 28);
    assert.equal(fn.sched_yield!(), 0);

    assert.equal(fn.fd_read!(1, 0, 1, 8), 8);
    assert.equal(fn.fd_write!(1, 1 << 30, 1, 8), 21);
    assert.equal(fn.sock_accept!(3, 0, 0), 52);
    assert.deepEqual(wasi.unsupportedCalls, ['sock_accept']);
    assert.throws(
      () => fn.proc_exit!(7),
      (error) => error instanceof ProcExit && error.code === 7,
    );
    assert.equal(wasi.exitCode, 7);
  });
});
