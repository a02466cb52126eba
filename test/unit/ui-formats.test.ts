/**
 * The UI's pure helpers: durations without false precision, "Copy as curl" for `spin up`, the
 * key-value JSON format, rooting dropped files at their spin.toml, and the manifest table kinds
 * hover and completion rely on.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatMs, hexDump, prettyJson } from '../../src/ui/format.ts';
import { curlCommand } from '../../src/ui/curl.ts';
import { exportJson, importJson } from '../../src/ui/kv-json.ts';
import { formatBytes } from '../../src/bytes/size.ts';
import { fromBase64, toBase64 } from '../../src/bytes/base64.ts';
import { sha256Digest, sha256Hex } from '../../src/bytes/sha256.ts';
import { concatBytes } from '../../src/bytes/concat.ts';
import { rootAtManifest } from '../../src/ui/file-import.ts';
import { docFor, tableKind } from '../../src/ui/manifest-docs.ts';

const bytes = (text: string) => new TextEncoder().encode(text);

test('times below the timer resolution show as <0.1 ms, others with one decimal at most', () => {
  assert.equal(formatMs(0), '<0.1 ms');
  assert.equal(formatMs(0.099), '<0.1 ms');
  assert.equal(formatMs(0.1), '0.1 ms');
  assert.equal(formatMs(12.345), '12.3 ms');
  assert.equal(formatMs(250.4), '250 ms');
  assert.equal(formatMs(12_500), '12.5 s');
});

test('byte sizes in binary units: exact for the powers of two limits are stated in, never "1024 KiB"', () => {
  assert.equal(formatBytes(0), '0 B');
  assert.equal(formatBytes(1023), '1023 B');
  assert.equal(formatBytes(1024), '1 KiB');
  assert.equal(formatBytes(1536), '1.5 KiB');
  assert.equal(formatBytes(64 * 1024), '64 KiB');
  assert.equal(formatBytes(1024 * 1024 - 1), '1 MiB');
  assert.equal(formatBytes(17_825_792), '17 MiB');
  assert.equal(formatBytes(3 * 1024 ** 3), '3 GiB');
});

test("base64 matches the platform's btoa/atob, tolerates white space, and names a bad character", () => {
  const samples = [[], [0], [0, 255], [1, 2, 3], [251, 255, 191, 62, 63], Array.from({ length: 70 }, (_, i) => (i * 37) & 255)];
  for (const sample of samples) {
    const bytes = new Uint8Array(sample);
    const expected = btoa(String.fromCharCode(...bytes));
    assert.equal(toBase64(bytes), expected);
    assert.deepEqual([...fromBase64(expected)], sample);
    assert.deepEqual([...fromBase64(expected.replace(/=+$/, ''))], sample, 'padding is optional');
  }
  assert.deepEqual([...fromBase64(' AP\n8= ')], [0, 255]);
  assert.throws(() => fromBase64('AP-8'), /character 3 \("-"\) is not base64/);
  assert.throws(() => fromBase64('AP8=='), /multiple of 4/);
});

test('byte concatenation keeps order and length, copies into a new array, and handles no chunks and empty ones', () => {
  const a = Uint8Array.of(1, 2);
  const joined = concatBytes([a, new Uint8Array(), Uint8Array.of(3), new Uint8Array(new ArrayBuffer(8), 2, 2).fill(9)]);
  assert.deepEqual([...joined], [1, 2, 3, 9, 9]);
  assert.notEqual(concatBytes([a]), a, 'always a new array');
  a[0] = 7;
  assert.equal(joined[0], 1, 'the chunks were copied');
  assert.equal(concatBytes([]).byteLength, 0);
});

test('SHA-256: the FIPS 180-2 "abc" vector, as hex and as Spin\'s digest', async () => {
  const abc = new TextEncoder().encode('abc');
  const hex = 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad';
  assert.equal(await sha256Hex(abc), hex);
  assert.equal(await sha256Digest(abc), `sha256:${hex}`);
});

test('curl targets spin up on 127.0.0.1:3000, quoting for a POSIX shell', () => {
  assert.equal(curlCommand({ method: 'GET', path: '/', headers: [], body: '' }), "curl -i 'http://127.0.0.1:3000/'");
  assert.equal(curlCommand({ method: 'HEAD', path: 'x', headers: [], body: 'ignored' }), "curl -I 'http://127.0.0.1:3000/x'");
  assert.equal(
    curlCommand({ method: 'POST', path: "/it's?a=1", headers: [['content-type', 'text/plain']], body: "don't" }),
    "curl -i -X POST 'http://127.0.0.1:3000/it'\\''s?a=1' \\\n  -H 'content-type: text/plain' \\\n  --data-raw 'don'\\''t'",
  );
});

test('key-value JSON: text as strings, other bytes as base64, other JSON values as their text', () => {
  const exported = exportJson([
    ['a', bytes('hi').buffer as ArrayBuffer],
    ['b', new Uint8Array([0, 255]).buffer],
  ]);
  assert.deepEqual(JSON.parse(exported), { a: 'hi', b: { base64: 'AP8=' } });
  const imported = importJson('{"a":"hi","b":{"base64":"AP8="},"c":{"x":1},"d":3}');
  assert.deepEqual(
    imported.map(([k, v]) => [k, [...new Uint8Array(v)]]),
    [
      ['a', [...bytes('hi')]],
      ['b', [0, 255]],
      ['c', [...bytes('{"x":1}')]],
      ['d', [...bytes('3')]],
    ],
  );
  assert.throws(() => importJson('[1]'), /expected a JSON object/);
  assert.throws(() => importJson('{'), /not JSON/);
});

test('dropped files are rooted at the shallowest spin.toml; files outside its folder are dropped', () => {
  const app = rootAtManifest([
    { path: 'repo/app/spin.toml', bytes: bytes('x = 1') },
    { path: 'repo/app/target/app.wasm', bytes: bytes('wasm') },
    { path: 'repo/app/node_modules/m/index.js', bytes: bytes('') },
    { path: 'repo/app/sub/spin.toml', bytes: bytes('') },
    { path: 'repo/README.md', bytes: bytes('') },
  ]);
  assert.equal(app.manifestText, 'x = 1');
  assert.deepEqual(
    app.files.map((f) => f.path),
    ['target/app.wasm', 'sub/spin.toml'],
  );
  assert.deepEqual(app.dropped, ['repo/README.md']);
  assert.deepEqual(
    rootAtManifest([{ path: 'app.wasm', bytes: bytes('') }]).files.map((f) => f.path),
    ['app.wasm'],
  );
});

test('manifest tables: keys are documented by the table they are in', () => {
  assert.equal(tableKind(null), 'root');
  assert.equal(tableKind('[component.api]'), 'component');
  assert.equal(tableKind('[component.api.build]'), 'build');
  assert.equal(tableKind('[[trigger.http]]'), 'trigger');
  assert.match(docFor('component', 'key_value_stores') ?? '', /Key-value stores/);
  assert.match(docFor('trigger', 'route') ?? '', /wildcard/);
  assert.equal(docFor('application', 'route'), undefined);
});

test('hex dumps and JSON detection', () => {
  assert.equal(hexDump(bytes('AB')), `00000000  ${'41 42'.padEnd(47)}  AB`);
  assert.equal(prettyJson('{"a":1}'), '{\n  "a": 1\n}');
  assert.equal(prettyJson('hello'), null);
});
