/**
 * Every unzip path of the page (an app zip, a zip without spin.toml, a bundle file) goes through
 * one function with the same caps and path rules. The tests build hostile archives with fflate
 * and feed them to each path: a zip bomb of overlapping entries, a zip of more entries than the
 * cap, and entries named `../`, absolute, with backslashes, `__proto__` and `constructor`.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { strToU8, zipSync } from 'fflate';
import initSqlJs from 'sql.js';
import { importAppZip, ImportError, MAX_IMPORT_BYTES } from '../../src/export/import-app.ts';
import { MAX_IMPORT_ENTRIES } from '../../src/loader/byte-caps.ts';
import { IMPORT_CAPS, normalizeAppPath, unzipCapped, ZipError } from '../../src/loader/unzip.ts';
import { expandZip } from '../../src/ui/file-import.ts';

const SQL = await initSqlJs();

/**
 * A zip bomb of overlapping entries: one DEFLATE stream of `entrySize` zeros (a few KB), and
 * `count` central-directory records that all point at it under different names. Each really
 * inflates to `entrySize` bytes, so the archive expands to `count * entrySize`.
 */
function overlappingBomb(count: number, entrySize: number, extra: Record<string, Uint8Array> = {}): Uint8Array {
  const one = zipSync({ x: new Uint8Array(entrySize), ...extra }, { level: 9 });
  const view = new DataView(one.buffer, one.byteOffset, one.byteLength);
  const eocd = one.length - 22;
  assert.equal(view.getUint32(eocd, true), 0x06054b50);
  const cdOffset = view.getUint32(eocd + 16, true);
  const records: Uint8Array[] = [];
  let at = cdOffset;
  while (view.getUint32(at, true) === 0x02014b50) {
    const length = 46 + view.getUint16(at + 28, true) + view.getUint16(at + 30, true) + view.getUint16(at + 32, true);
    records.push(one.slice(at, at + length));
    at += length;
  }
  const [bombRecord, ...others] = records;
  assert.equal(new TextDecoder().decode(bombRecord!.subarray(46, 47)), 'x');
  const copies: Uint8Array[] = [];
  for (let i = 0; i < count; i++) {
    // The same record with a longer name: `x` becomes `bomb/<i>`.
    const name = strToU8(`bomb/${i}`);
    const record = new Uint8Array(46 + name.length);
    record.set(bombRecord!.subarray(0, 46));
    new DataView(record.buffer).setUint16(28, name.length, true);
    new DataView(record.buffer).setUint16(30, 0, true);
    new DataView(record.buffer).setUint16(32, 0, true);
    record.set(name, 46);
    copies.push(record);
  }
  const directory = [...copies, ...others];
  const cdSize = directory.reduce((n, r) => n + r.length, 0);
  const out = new Uint8Array(cdOffset + cdSize + 22);
  out.set(one.subarray(0, cdOffset));
  let write = cdOffset;
  for (const r of directory) {
    out.set(r, write);
    write += r.length;
  }
  out.set(one.subarray(eocd, eocd + 22), write);
  const end = new DataView(out.buffer, write, 22);
  end.setUint16(8, directory.length, true);
  end.setUint16(10, directory.length, true);
  end.setUint32(12, cdSize, true);
  end.setUint32(16, cdOffset, true);
  return out;
}

const MANIFEST = strToU8('spin_manifest_version = 2\n[application]\nname = "a"\n');

describe('unzipCapped', () => {
  test('the bomb builder makes a real bomb: with caps that allow it, every entry inflates in full', () => {
    const { files } = unzipCapped(overlappingBomb(4, 1 << 20), { bytes: 8 << 20, entries: 10 });
    assert.deepEqual([...files.keys()], ['bomb/0', 'bomb/1', 'bomb/2', 'bomb/3']);
    for (const content of files.values()) assert.equal(content.length, 1 << 20);
  });

  test('attack: a zip bomb over the byte cap is refused before anything is inflated, naming the cap', () => {
    const bomb = overlappingBomb(8, 1 << 20);
    assert.throws(
      () => unzipCapped(bomb, { bytes: 4 << 20, entries: 100 }),
      (e: unknown) => e instanceof ZipError && e.reason === 'too-big' && /more than 4 MiB or holds more than 100 entries/.test(e.message),
    );
  });

  test('attack: a zip of more entries than the cap is refused', () => {
    const many: Record<string, Uint8Array> = {};
    for (let i = 0; i < 11; i++) many[`f${i}`] = new Uint8Array(0);
    assert.throws(
      () => unzipCapped(zipSync(many), { bytes: 1 << 20, entries: 10 }),
      (e: unknown) => e instanceof ZipError && e.reason === 'too-big',
    );
    assert.equal(unzipCapped(zipSync(many), { bytes: 1 << 20, entries: 11 }).files.size, 11);
  });

  test('attack: entries named ../, absolute, with backslashes or a drive letter are left out and reported', () => {
    const zip = zipSync({
      '../evil.txt': strToU8('a'),
      'app/../../evil2.txt': strToU8('b'),
      '/etc/passwd': strToU8('c'),
      'C:/evil.txt': strToU8('d'),
      'app\\..\\..\\evil3.txt': strToU8('e'),
      './app//ok.txt': strToU8('f'),
      'app\\win.txt': strToU8('g'),
    });
    const { files, outside } = unzipCapped(zip);
    assert.deepEqual([...files.keys()], ['app/ok.txt', 'app/win.txt']);
    assert.deepEqual(outside, ['../evil.txt', 'app/../../evil2.txt', '/etc/passwd', 'C:/evil.txt', 'app\\..\\..\\evil3.txt']);
    assert.equal(normalizeAppPath('\\evil'), undefined);
  });

  test('entries named __proto__ and constructor are kept as files', () => {
    // fflate cannot write an entry named __proto__ itself; write `PROTO_XYZ` and rename it.
    const zip = zipSync({ PROTO_XYZ: strToU8('p'), constructor: strToU8('c'), 'a/PROTO_XYZ': strToU8('q') });
    const renamed = new TextDecoder('latin1').decode(zip).replaceAll('PROTO_XYZ', '__proto__');
    const { files } = unzipCapped(Uint8Array.from(renamed, (c) => c.charCodeAt(0)));
    assert.deepEqual(
      new Map([...files].map(([k, v]) => [k, new TextDecoder().decode(v)])),
      new Map([
        ['__proto__', 'p'],
        ['constructor', 'c'],
        ['a/__proto__', 'q'],
      ]),
    );
  });

  test('the production caps are the import caps: 512 MiB and 20,000 entries', () => {
    assert.deepEqual(IMPORT_CAPS, { bytes: 512 * 1024 * 1024, entries: 20_000 });
    assert.equal(MAX_IMPORT_BYTES, IMPORT_CAPS.bytes);
    assert.equal(MAX_IMPORT_ENTRIES, IMPORT_CAPS.entries);
  });
});

describe('every unzip path has the production caps', () => {
  // 40 entries of 16 MiB: 640 MiB once inflated, from a zip of about 20 KB.
  const bomb = overlappingBomb(40, 16 << 20, { 'spin.toml': MANIFEST });
  const tooMany: Record<string, Uint8Array> = { 'spin.toml': MANIFEST };
  for (let i = 0; i < MAX_IMPORT_ENTRIES; i++) tooMany[`f/${i}`] = new Uint8Array(0);
  const manyZip = zipSync(tooMany);

  test('attack: importing an app zip that is a 640 MiB bomb is refused as too big (not "no spin.toml", which would fall back)', () => {
    assert.ok(bomb.length < 100_000, `the bomb is ${bomb.length} bytes`);
    const started = performance.now();
    assert.throws(
      () => importAppZip(bomb, SQL),
      (e: unknown) => e instanceof ImportError && e.reason === 'too-big' && /more than 512 MiB or holds more than 20000 entries/.test(e.message),
    );
    assert.ok(performance.now() - started < 2000, 'refused without inflating');
  });

  test('attack: a zip of 20,001 entries is refused by the app import and by the plain expansion alike', () => {
    assert.throws(
      () => importAppZip(manyZip, SQL),
      (e: unknown) => e instanceof ImportError && e.reason === 'too-big',
    );
    assert.throws(
      () => expandZip(manyZip),
      (e: unknown) => e instanceof ZipError && e.reason === 'too-big',
    );
  });

  test('attack: the plain expansion (a zip without spin.toml) refuses the bomb too', () => {
    const noManifest = overlappingBomb(40, 16 << 20);
    assert.throws(
      () => expandZip(noManifest),
      (e: unknown) => e instanceof ZipError && e.reason === 'too-big',
    );
  });

  test('a readable zip without spin.toml is the only import refusal that may fall back to adding its files', () => {
    const plain = zipSync({ 'README.md': strToU8('hi'), '../up.txt': strToU8('x') });
    assert.throws(
      () => importAppZip(plain, SQL),
      (e: unknown) => e instanceof ImportError && e.reason === 'no-manifest',
    );
    const expanded = expandZip(plain);
    assert.deepEqual(
      expanded.files.map((f) => f.path),
      ['README.md'],
    );
    assert.deepEqual(expanded.outside, ['../up.txt']);
    assert.throws(
      () => importAppZip(strToU8('not a zip'), SQL),
      (e: unknown) => e instanceof ImportError && e.reason === 'unreadable',
    );
  });

  test('attack: an app zip with a ../ entry imports without it, and says so', () => {
    const zip = zipSync({ 'app/spin.toml': MANIFEST, 'app/ok.txt': strToU8('ok'), 'app/../../../escape.txt': strToU8('x') });
    const imported = importAppZip(zip, SQL);
    assert.deepEqual(Object.keys(imported.bundle.files), ['ok.txt']);
    assert.deepEqual(imported.warnings, ["app/../../../escape.txt is outside the zip's folder and was left out."]);
  });
});
