/** Seeding like `spin up --key-value KEY=VALUE` (docs/spin-behaviour.md §11). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { KEY_VALUE_FORM_ERROR, keyValueSeedRows, parseKeyValueSeeds } from '../../src/export/key-value-seeds.ts';

test('each pair splits at the first =, so values may contain =', () => {
  assert.deepEqual(parseKeyValueSeeds(['greeting=hello', 'query=a=1&b=2', 'empty=', '=no-key']), {
    ok: true,
    pairs: [
      ['greeting', 'hello'],
      ['query', 'a=1&b=2'],
      ['empty', ''],
      ['', 'no-key'],
    ],
  });
});

test("a pair without = fails with Spin's own message and the line it is on", () => {
  assert.equal(KEY_VALUE_FORM_ERROR, 'Key/Values must be of the form `key=value`');
  assert.deepEqual(parseKeyValueSeeds(['a=1', 'oops']), { ok: false, error: 'Key/Values must be of the form `key=value`', line: 2 });
});

test('blank lines are skipped, and nothing else is trimmed', () => {
  assert.deepEqual(parseKeyValueSeeds(['', ' k = v ', '   ']), { ok: true, pairs: [[' k ', ' v ']] });
});

test('the pairs go to the default store as UTF-8, the last one for a key winning', () => {
  assert.deepEqual(
    keyValueSeedRows([
      ['k', 'é'],
      ['k', 'two'],
      ['n', '1'],
    ]),
    [
      { store: 'default', key: 'k', value: new TextEncoder().encode('two') },
      { store: 'default', key: 'n', value: new TextEncoder().encode('1') },
    ],
  );
});
