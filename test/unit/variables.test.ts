/**
 * Variables as Spin resolves them (docs/spin-behaviour.md §10; `crates/expressions`,
 * `crates/factor-variables/src/host.rs`), through every interface version, on manifests
 * parsed by the playground's own parser.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { parseManifest } from '../../src/manifest/parse.ts';
import type { SpinApp } from '../../src/manifest/types.ts';
import { createSpinConfigV1, createVariablesV2, createWasiConfig, resolveComponentVariables, rustDebug } from '../../src/host/variables.ts';

function app(toml: string): SpinApp {
  const result = parseManifest(`spin_manifest_version = 2\n[application]\nname = "vars"\n${toml}`);
  if (!result.ok) assert.fail(JSON.stringify(result.errors));
  return result.app;
}

function thrown(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    return error;
  }
  assert.fail('expected the call to fail');
}

const component = (id: string, variables = '') => `
[[trigger.http]]
route = "/${id}/..."
component = "${id}"
[component.${id}]
source = "${id}.wasm"
${variables ? `[component.${id}.variables]\n${variables}` : ''}
`;

const CONFORMANCE = app(component('test', 'variable = "value"'));

const RICH = app(`
[variables]
greeting = { default = "hello" }
name = { default = "world" }
api_key = { required = true, secret = true }
region = { default = "eu" }
${component(
  'web',
  `
literal = "plain text"
message = "{{ greeting }}, {{name}}!"
prefixed = "prefix-{{ region }}"
key = "{{ api_key }}"
`,
)}
${component('other', 'own = "mine"')}
`);

describe('conformance test `variables` through fermyon:spin/variables@2.0.0', () => {
  const variables = createVariablesV2({ resolver: resolveComponentVariables(CONFORMANCE, 'test', {}) });

  test('get("variable") is "value"', () => {
    assert.equal(variables.get('variable'), 'value');
  });

  test('get("non_existent") is undefined, naming the component and the variable', () => {
    assert.deepEqual(
      thrown(() => variables.get('non_existent')),
      { tag: 'undefined', val: 'no variable for "test"."non_existent"' },
    );
  });

  test('"invalid-name", "invalid!name" and "4invalidname" are invalid-name with Spin\'s reasons', () => {
    const reason = 'Variable names may contain only lower-case letters, numbers, and underscores.';
    assert.deepEqual(
      thrown(() => variables.get('invalid-name')),
      { tag: 'invalid-name', val: `"invalid-name": invalid character '-'. ${reason}` },
    );
    assert.deepEqual(
      thrown(() => variables.get('invalid!name')),
      { tag: 'invalid-name', val: `"invalid!name": invalid character '!'. ${reason}` },
    );
    assert.deepEqual(
      thrown(() => variables.get('4invalidname')),
      { tag: 'invalid-name', val: '"4invalidname": must start with a lowercase ASCII letter' },
    );
  });
});

describe("the name check, in Spin's order", () => {
  const { get } = resolveComponentVariables(CONFORMANCE, 'test', {});
  const reasonOf = (name: string) => {
    const result = get(name);
    assert.equal(result.ok, false);
    return result.ok ? undefined : [result.error.tag, result.error.val];
  };

  test('empty, bad character, bad start, bad end and double underscore each have their own reason', () => {
    assert.deepEqual(reasonOf(''), ['invalid-name', '"": must not be empty']);
    assert.deepEqual(reasonOf('aX'), [
      'invalid-name',
      `"aX": invalid character 'X'. Variable names may contain only lower-case letters, numbers, and underscores.`,
    ]);
    assert.deepEqual(reasonOf('_x'), ['invalid-name', '"_x": must start with a lowercase ASCII letter']);
    assert.deepEqual(reasonOf('x_'), ['invalid-name', '"x_": must end with a lowercase ASCII letter or digit']);
    assert.deepEqual(reasonOf('a__b'), ['invalid-name', '"a__b": must not contain multiple consecutive underscores']);
  });

  test('the character check comes before the start check ("1-a" names the "-")', () => {
    assert.match(reasonOf('1-a')![1]!, /invalid character '-'/);
  });

  test("names are quoted the way Rust's {:?} quotes them", () => {
    assert.equal(rustDebug('a"b\\c\n'), '"a\\"b\\\\c\\n"');
    assert.equal(rustDebug("'", "'"), "'\\''");
    assert.equal(rustDebug('\u200b'), '"\\u{200b}"');
    assert.deepEqual(reasonOf('x"y')![1], `"x\\"y": invalid character '"'. Variable names may contain only lower-case letters, numbers, and underscores.`);
  });
});

describe('templates, defaults and provided values', () => {
  test('a literal component value is returned as written', () => {
    assert.deepEqual(resolveComponentVariables(RICH, 'web', {}).get('literal'), { ok: true, value: 'plain text' });
  });

  test('templates are filled from app variable defaults, with or without spaces inside the braces', () => {
    assert.deepEqual(resolveComponentVariables(RICH, 'web', {}).get('message'), { ok: true, value: 'hello, world!' });
    assert.deepEqual(resolveComponentVariables(RICH, 'web', {}).get('prefixed'), { ok: true, value: 'prefix-eu' });
  });

  test('a provided value overrides the default', () => {
    const resolver = resolveComponentVariables(RICH, 'web', { greeting: 'hi', region: 'us' });
    assert.deepEqual(resolver.get('message'), { ok: true, value: 'hi, world!' });
    assert.deepEqual(resolver.get('prefixed'), { ok: true, value: 'prefix-us' });
  });

  test('a required app variable without a value is a provider error', () => {
    assert.deepEqual(resolveComponentVariables(RICH, 'web', {}).get('key'), {
      ok: false,
      error: { tag: 'provider', val: 'no provider resolved required variable "api_key"' },
    });
    assert.deepEqual(resolveComponentVariables(RICH, 'web', { api_key: 's3cret' }).get('key'), { ok: true, value: 's3cret' });
  });

  test("a component sees only its own variables, not app variables nor other components' ones", () => {
    const web = resolveComponentVariables(RICH, 'web', {});
    assert.deepEqual(web.get('greeting'), { ok: false, error: { tag: 'undefined', val: 'no variable for "web"."greeting"' } });
    assert.deepEqual(web.get('own'), { ok: false, error: { tag: 'undefined', val: 'no variable for "web"."own"' } });
    assert.deepEqual(resolveComponentVariables(RICH, 'other', {}).get('own'), { ok: true, value: 'mine' });
  });

  test('a component with no variables table gets undefined for any valid name', () => {
    const bare = app(component('bare'));
    assert.deepEqual(resolveComponentVariables(bare, 'bare', {}).get('x'), { ok: false, error: { tag: 'undefined', val: 'no variable for "bare"."x"' } });
  });

  test("a template naming no app variable stops the app, with Spin's message", () => {
    const bad = app(component('web', 'x = "{{ nope }}"'));
    assert.throws(() => resolveComponentVariables(bad, 'web', {}), { message: 'invalid variable template: unknown variable "nope"' });
    const unmatched = app(`[variables]\na = { default = "1" }\n${component('web', 'x = "{{ a }} {{ a"')}`);
    assert.throws(() => resolveComponentVariables(unmatched, 'web', {}), { message: "invalid variable template: unmatched '{{' in template" });
  });

  test('get-all resolves every component variable in manifest order, or fails on the first failure', () => {
    assert.deepEqual(resolveComponentVariables(RICH, 'web', { api_key: 'k' }).getAll(), {
      ok: true,
      value: [
        ['literal', 'plain text'],
        ['message', 'hello, world!'],
        ['prefixed', 'prefix-eu'],
        ['key', 'k'],
      ],
    });
    assert.deepEqual(resolveComponentVariables(RICH, 'web', {}).getAll(), {
      ok: false,
      error: { tag: 'provider', val: 'no provider resolved required variable "api_key"' },
    });
  });
});

describe('wasi:config/store@0.2.0-draft-2024-09-27', () => {
  test('get returns the value, and none for an undefined or invalid name', () => {
    const config = createWasiConfig({ resolver: resolveComponentVariables(CONFORMANCE, 'test', {}) });
    assert.equal(config.get('variable'), 'value');
    assert.equal(config.get('non_existent'), undefined);
    assert.equal(config.get('invalid-name'), undefined);
  });

  test('a provider failure is upstream(message)', () => {
    const config = createWasiConfig({ resolver: resolveComponentVariables(RICH, 'web', {}) });
    assert.deepEqual(
      thrown(() => config.get('key')),
      { tag: 'upstream', val: 'no provider resolved required variable "api_key"' },
    );
    assert.deepEqual(
      thrown(() => config.getAll()),
      { tag: 'upstream', val: 'no provider resolved required variable "api_key"' },
    );
  });

  test("get-all lists the component's variables as [name, value] pairs", () => {
    const config = createWasiConfig({ resolver: resolveComponentVariables(CONFORMANCE, 'test', {}) });
    assert.deepEqual(config.getAll(), [['variable', 'value']]);
  });
});

describe('unversioned fermyon:spin/config (Spin 1)', () => {
  test('get-config returns the value; invalid-name becomes invalid-key and undefined becomes provider', () => {
    const config = createSpinConfigV1({ resolver: resolveComponentVariables(CONFORMANCE, 'test', {}) });
    assert.equal(config.getConfig('variable'), 'value');
    assert.deepEqual(
      thrown(() => config.getConfig('4invalidname')),
      { tag: 'invalid-key', val: '"4invalidname": must start with a lowercase ASCII letter' },
    );
    assert.deepEqual(
      thrown(() => config.getConfig('non_existent')),
      { tag: 'provider', val: 'no variable for "test"."non_existent"' },
    );
  });

  test("a real provider failure becomes other with the error's Rust Display text", () => {
    const config = createSpinConfigV1({ resolver: resolveComponentVariables(RICH, 'web', {}) });
    assert.deepEqual(
      thrown(() => config.getConfig('key')),
      {
        tag: 'other',
        val: 'Error::Provider("no provider resolved required variable \\"api_key\\"")',
      },
    );
  });
});

describe('tracing', () => {
  test('each adapter reports its calls and outcomes', () => {
    const calls: string[] = [];
    const ctx = {
      resolver: resolveComponentVariables(CONFORMANCE, 'test', {}),
      onCall: (call: string, outcome: string) => calls.push(`${call} -> ${outcome}`),
    };
    createVariablesV2(ctx).get('variable');
    thrown(() => createVariablesV2(ctx).get('nope'));
    createWasiConfig(ctx).get('nope');
    assert.deepEqual(calls, [
      'variables.get("variable") -> ok("value")',
      'variables.get("nope") -> err(undefined: no variable for "test"."nope")',
      'store.get("nope") -> ok(none)',
    ]);
  });
});
