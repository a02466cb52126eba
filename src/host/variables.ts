/**
 * Application variables for guests. One resolver follows Spin's `spin-expressions` crate (name
 * check, component scope, `{{ app_var }}` templates, provider then default); each WIT interface
 * is a thin adapter that maps its errors, as Spin's `factor-variables` host does
 * (docs/spin-behaviour.md §10).
 */
import type { SpinApp } from '../manifest/types';

/** `fermyon:spin/variables@2.0.0` `error`; the other interfaces map from it. */
export type VariablesError = { tag: 'invalid-name' | 'undefined' | 'provider' | 'other'; val: string };

export type VariableResult<T> = { ok: true; value: T } | { ok: false; error: VariablesError };

/** One component's view of the app's variables. */
export interface VariableResolver {
  readonly componentId: string;
  /** The value of one of the component's variables, or the error Spin gives. */
  get(name: string): VariableResult<string>;
  /** Every variable of the component, resolved, in manifest order (`wasi:config` `get-all`). */
  getAll(): VariableResult<Array<[string, string]>>;
}

type Part = { lit: string } | { expr: string };

/**
 * Builds the resolver for `componentId`. `provided` holds values set from outside the manifest
 * (`spin up --variable k=v`, `SPIN_VARIABLE_K`), keyed by app variable name; they win over
 * `[variables]` defaults.
 *
 * Throws an `Error` with Spin's message when the component's variables are invalid (a bad name,
 * an unmatched `{{`, a template naming no app variable): `spin up` refuses to start then.
 *
 * @example resolveComponentVariables(app, 'test', {}).get('variable') // { ok: true, value: 'value' }
 */
export function resolveComponentVariables(app: SpinApp, componentId: string, provided: Record<string, string>): VariableResolver {
  const component = app.components[componentId];
  const templates = new Map<string, Part[]>();
  for (const [key, value] of Object.entries(component?.variables ?? {})) {
    const reason = nameError(key);
    if (reason) throw new Error(`invalid variable name: ${reason}`);
    templates.set(key, parseTemplate(value, app));
  }

  const resolveVariable = (name: string): VariableResult<string> => {
    if (Object.hasOwn(provided, name)) return { ok: true, value: provided[name]! };
    const fallback = app.variables[name]?.default;
    if (fallback !== undefined) return { ok: true, value: fallback };
    return { ok: false, error: { tag: 'provider', val: `no provider resolved required variable ${rustDebug(name)}` } };
  };
  const resolve = (parts: Part[]): VariableResult<string> => {
    let value = '';
    for (const part of parts) {
      if ('lit' in part) {
        value += part.lit;
        continue;
      }
      const resolved = resolveVariable(part.expr);
      if (!resolved.ok) return resolved;
      value += resolved.value;
    }
    return { ok: true, value };
  };

  return {
    componentId,
    get(name) {
      const reason = nameError(name);
      if (reason) return { ok: false, error: { tag: 'invalid-name', val: reason } };
      if (!component) return { ok: false, error: { tag: 'undefined', val: `no variable for component ${rustDebug(componentId)}` } };
      const parts = templates.get(name);
      if (!parts) return { ok: false, error: { tag: 'undefined', val: `no variable for ${rustDebug(componentId)}.${rustDebug(name)}` } };
      return resolve(parts);
    },
    getAll() {
      const all: Array<[string, string]> = [];
      for (const [key, parts] of templates) {
        const resolved = resolve(parts);
        if (!resolved.ok) return resolved;
        all.push([key, resolved.value]);
      }
      return { ok: true, value: all };
    },
  };
}

/** `Key::validate` (`crates/expressions/src/lib.rs`): the checks and messages, in Spin's order. */
function nameError(key: string): string | undefined {
  const reason = (() => {
    if (key === '') return 'must not be empty';
    const invalid = [...key].find((c) => !/^[a-z0-9_]$/.test(c));
    if (invalid !== undefined) {
      return `invalid character ${rustDebug(invalid, "'")}. Variable names may contain only lower-case letters, numbers, and underscores.`;
    }
    if (!/^[a-z]/.test(key)) return 'must start with a lowercase ASCII letter';
    if (!/[a-z0-9]$/.test(key)) return 'must end with a lowercase ASCII letter or digit';
    if (key.includes('__')) return 'must not contain multiple consecutive underscores';
    return undefined;
  })();
  return reason === undefined ? undefined : `${rustDebug(key)}: ${reason}`;
}

/** `Template::new` plus the resolver's check that every `{{ name }}` is an app variable. */
function parseTemplate(template: string, app: SpinApp): Part[] {
  const parts: Part[] = [];
  let rest = template;
  while (rest !== '') {
    if (rest.startsWith('{{')) {
      const end = rest.indexOf('}}', 2);
      if (end < 0) throw new Error("invalid variable template: unmatched '{{' in template");
      const expr = rest.slice(2, end).trim();
      if (!Object.hasOwn(app.variables, expr)) throw new Error(`invalid variable template: unknown variable ${rustDebug(expr)}`);
      parts.push({ expr });
      rest = rest.slice(end + 2);
    } else {
      const next = rest.indexOf('{{');
      parts.push({ lit: next < 0 ? rest : rest.slice(0, next) });
      rest = next < 0 ? '' : rest.slice(next);
    }
  }
  return parts;
}

/**
 * Rust's `{:?}` of a string (quote `"`) or a char (quote `'`), which Spin's messages embed.
 * Non-printable characters are approximated by Unicode category.
 */
export function rustDebug(text: string, quote: '"' | "'" = '"'): string {
  const escapes: Record<string, string> = { '\\': '\\\\', '\0': '\\0', '\t': '\\t', '\r': '\\r', '\n': '\\n', [quote]: `\\${quote}` };
  let out = quote;
  for (const char of text) {
    out += escapes[char] ?? (/[\p{Cc}\p{Cf}\p{Co}\p{Cn}\p{Zl}\p{Zp}\p{Mn}\p{Me}]/u.test(char) ? `\\u{${char.codePointAt(0)!.toString(16)}}` : char);
  }
  return out + quote;
}

export interface VariablesContext {
  resolver: VariableResolver;
  /** Called for every host call, for the trace view; async calls also say when they started. */
  onCall?: (call: string, outcome: string, startedAt?: number) => void;
}

function traced<T>(
  ctx: VariablesContext,
  call: string,
  run: () => VariableResult<T>,
  toWit: (error: VariablesError) => T | { tag: string; val: string },
  startedAt?: number,
): T {
  const result = run();
  if (result.ok) {
    ctx.onCall?.(call, `ok(${JSON.stringify(result.value) ?? 'none'})`, startedAt);
    return result.value;
  }
  const mapped = toWit(result.error);
  if (isWitError(mapped)) {
    ctx.onCall?.(call, `err(${mapped.tag}: ${mapped.val})`, startedAt);
    throw mapped;
  }
  ctx.onCall?.(call, `ok(${JSON.stringify(mapped) ?? 'none'})`, startedAt);
  return mapped;
}

function isWitError(value: unknown): value is { tag: string; val: string } {
  return typeof value === 'object' && value !== null && 'tag' in value && !Array.isArray(value);
}

/** `fermyon:spin/variables@2.0.0`: `get(name) -> result<string, error>`. */
export function createVariablesV2(ctx: VariablesContext) {
  return {
    get(name: string): string {
      return traced(
        ctx,
        `variables.get(${JSON.stringify(name)})`,
        () => ctx.resolver.get(name),
        (error) => error,
      );
    },
  };
}

/**
 * `spin:variables/variables@3.0.0` (Spin 4): the same `get` and error cases as 2.0.0, as an
 * `async func`; the Promise makes the guest's call a subtask (docs/spin4.md).
 */
export function createVariablesV3(ctx: VariablesContext) {
  return {
    get(name: string): Promise<string> {
      const startedAt = performance.now();
      return Promise.resolve().then(() =>
        traced(
          ctx,
          `variables.get(${JSON.stringify(name)})`,
          () => ctx.resolver.get(name),
          (error) => error,
          startedAt,
        ),
      );
    },
  };
}

/**
 * `wasi:config/store@0.2.0-draft-2024-09-27`: an invalid or undefined name is ok(none) (the
 * guidance of WebAssembly/wasi-runtime-config#19); provider failures are `upstream`, others `io`.
 */
export function createWasiConfig(ctx: VariablesContext) {
  const upstreamOrIo = (error: VariablesError) => ({ tag: error.tag === 'provider' ? 'upstream' : 'io', val: error.val });
  return {
    get(key: string): string | undefined {
      return traced<string | undefined>(
        ctx,
        `store.get(${JSON.stringify(key)})`,
        () => ctx.resolver.get(key),
        (error) => (error.tag === 'undefined' || error.tag === 'invalid-name' ? undefined : upstreamOrIo(error)),
      );
    },
    getAll(): Array<[string, string]> {
      return traced(ctx, 'store.get-all()', () => ctx.resolver.getAll(), upstreamOrIo);
    },
  };
}

/**
 * Unversioned `fermyon:spin/config` (Spin 1): `invalid-name` becomes `invalid-key`, `undefined`
 * becomes `provider`, and anything else `other` with the error's Rust `Display` text
 * (`Error::Provider("…")`), as Spin's `get_config` does.
 */
export function createSpinConfigV1(ctx: VariablesContext) {
  const display = { 'invalid-name': 'InvalidName', undefined: 'Undefined', provider: 'Provider', other: 'Other' } as const;
  return {
    getConfig(key: string): string {
      return traced(
        ctx,
        `config.get-config(${JSON.stringify(key)})`,
        () => ctx.resolver.get(key),
        (error) => {
          if (error.tag === 'invalid-name') return { tag: 'invalid-key', val: error.val };
          if (error.tag === 'undefined') return { tag: 'provider', val: error.val };
          return { tag: 'other', val: `Error::${display[error.tag]}(${rustDebug(error.val)})` };
        },
      );
    },
  };
}
