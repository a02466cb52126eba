/**
 * Manifest parsing against fixture pairs: `valid/x.toml` → `valid/x.json` (the expected SpinApp)
 * and `invalid/x.toml` → `invalid/x.err` (`line L, column C: message`, one error per line).
 *
 * To rewrite the expectation files from the current output (then review the diff!):
 *   UPDATE_FIXTURES=1 node --import tsx --test test/unit/manifest.test.ts
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseManifest } from '../../src/manifest/parse';
import { idError, isKebabOrSnake } from '../../src/manifest/ids';
import { ManifestPositions } from '../../src/manifest/locate';
import type { ManifestError } from '../../src/manifest/types';

const fixtures = join(dirname(fileURLToPath(import.meta.url)), '../fixtures/manifest');
const update = process.env.UPDATE_FIXTURES === '1';

const format = (errors: readonly ManifestError[]) => errors.map((e) => `line ${e.line}, column ${e.column}: ${e.message}`).join('\n');
const tomlFiles = (dir: string) =>
  readdirSync(join(fixtures, dir))
    .filter((f) => f.endsWith('.toml'))
    .sort();

for (const file of tomlFiles('valid')) {
  const expectedPath = join(fixtures, 'valid', file.replace(/\.toml$/, '.json'));
  test(`valid/${file} parses to the SpinApp in its .json`, () => {
    const result = parseManifest(readFileSync(join(fixtures, 'valid', file), 'utf8'));
    assert.ok(result.ok, `expected success, got:\n${result.ok ? '' : format(result.errors)}`);
    const actual = `${JSON.stringify(result.app, null, 2)}\n`;
    if (update) writeFileSync(expectedPath, actual);
    assert.ok(existsSync(expectedPath), `missing ${expectedPath}`);
    assert.deepEqual(JSON.parse(actual), JSON.parse(readFileSync(expectedPath, 'utf8')));
  });
}

for (const file of tomlFiles('invalid')) {
  const expectedPath = join(fixtures, 'invalid', file.replace(/\.toml$/, '.err'));
  test(`invalid/${file} fails with the errors in its .err`, () => {
    const result = parseManifest(readFileSync(join(fixtures, 'invalid', file), 'utf8'));
    assert.equal(result.ok, false, 'expected the manifest to be rejected');
    const actual = result.ok ? '' : format(result.errors);
    if (update) writeFileSync(expectedPath, `${actual}\n`);
    assert.equal(actual, readFileSync(expectedPath, 'utf8').trimEnd());
  });
}

test('a v1 manifest without allowed_outbound_hosts keeps database access, one with it does not', () => {
  const v1 = (extra: string) =>
    parseManifest(
      `spin_manifest_version = "1"\nname = "a"\ntrigger = { type = "http" }\n[[component]]\nid = "c"\nsource = ` +
        `"c.wasm"\n${extra}[component.trigger]\nroute = "/"\n`,
    );
  const without = v1('');
  const withHosts = v1('allowed_outbound_hosts = ["https://x.dev"]\n');
  assert.ok(without.ok && withHosts.ok);
  assert.deepEqual(without.app.components.c?.allowedOutboundHosts, ['redis://*:*', 'mysql://*:*', 'postgres://*:*']);
  assert.deepEqual(withHosts.app.components.c?.allowedOutboundHosts, ['https://x.dev']);
});

test('base "/" is accepted with a warning', () => {
  const result = parseManifest('spin_manifest_version = "1"\nname = "a"\ntrigger = { type = "http", base = "/" }\n');
  assert.ok(result.ok);
  assert.deepEqual(result.app.warnings, [
    {
      message: "This application has the deprecated trigger 'base' set to the default value '/'. This may be an error in the future!",
      line: 3,
      column: 28,
    },
  ]);
});

test('a syntax error keeps only the parser message, not its source excerpt', () => {
  const result = parseManifest('spin_manifest_version = 2\nname = \n');
  assert.equal(result.ok, false);
  assert.deepEqual(result.ok ? [] : result.errors, [
    {
      message: 'Unexpected character, expecting string, number, datetime, boolean, inline array or inline table',
      line: 2,
      column: 8,
    },
  ]);
});

test('errors are ordered by position however they were found', () => {
  const result = parseManifest(readFileSync(join(fixtures, 'invalid', 'wrong-types.toml'), 'utf8'));
  assert.equal(result.ok, false);
  const positions = result.ok ? [] : result.errors.map((e) => e.line * 1000 + e.column);
  assert.deepEqual(
    positions,
    [...positions].sort((a, b) => a - b),
  );
});

test('ids follow spin_serde::Id: the examples of the reference table', () => {
  assert.equal(idError('bad_id', '-', false), "words must be separated with '-', not '_'");
  assert.equal(idError('1-2-3', '-', false), "'-'-separated words must start with an ASCII letter; got '1'");
  assert.equal(idError('bad+name', '_', true), "'_'-separated words may only contain alphanumeric ASCII; got '+'");
  assert.equal(idError('a--b', '-', false), "'-'-separated words must not be empty");
  assert.equal(idError('Ab-c', '-', false), `'-'-separated words must be all lowercase or all UPPERCASE; got "Ab"`);
  assert.equal(idError('', '-', false), 'empty');
  assert.equal(idError('AB-cd9', '-', false), undefined);
  assert.equal(idError('ABC', '_', true), 'Lower-case identifiers must be all lowercase; got "ABC"');
  assert.equal(idError("it's", '-', false), "'-'-separated words may only contain alphanumeric ASCII; got '\\''");
});

test('store labels may be kebab-case or snake_case but not a mix', () => {
  assert.equal(isKebabOrSnake('my-store'), true);
  assert.equal(isKebabOrSnake('my_store'), true);
  assert.equal(isKebabOrSnake('my_odd-store'), false);
  assert.equal(isKebabOrSnake('My Store'), false);
});

test('positions resolve array-of-tables by index, nested tables, inline tables and dotted keys', () => {
  const text = [
    '[[component]]', //                          1
    'id = "a"', //                               2
    '[component.trigger]', //                    3
    'route = "/a"', //                           4
    '[[component]]', //                          5
    'id = "b"', //                               6
    'build.command = "make"', //                 7
    'files = ["x", { source = "s", destination = "/" }]', // 8
    '"quoted.key" = """', //                     9
    'multi', //                                  10
    'line"""', //                                11
    'after = 1.5 # comment', //                  12
  ].join('\n');
  const p = ManifestPositions.scan(text);
  assert.deepEqual(p.locate(['component', 0, 'trigger', 'route']), { line: 4, column: 1 });
  assert.deepEqual(p.locate(['component', 1, 'id'], 'value'), { line: 6, column: 6 });
  assert.deepEqual(p.locate(['component', 1]), { line: 5, column: 3 });
  assert.deepEqual(p.locate(['component', 1], 'value'), { line: 5, column: 1 });
  assert.deepEqual(p.locate(['component', 1, 'build', 'command']), { line: 7, column: 7 });
  assert.deepEqual(p.locate(['component', 1, 'files', 1, 'destination']), { line: 8, column: 31 });
  assert.deepEqual(p.locate(['component', 1, 'quoted.key']), { line: 9, column: 1 });
  assert.deepEqual(p.locate(['component', 1, 'after'], 'value'), { line: 12, column: 9 });
  assert.equal(p.raw(['component', 1, 'after']), '1.5');
  // A key that isn't written resolves to its table's header; unknown tables to line 1.
  assert.deepEqual(p.locate(['component', 1, 'source']), { line: 5, column: 1 });
  assert.deepEqual(p.locate(['nothing', 'here']), { line: 1, column: 1 });
});
