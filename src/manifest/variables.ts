/**
 * Application variables (`[variables]`): `name = { required = true }` or `name = { default = "x" }`,
 * optionally `secret` and `description` (`Variable` in `crates/manifest/src/schema/common.rs`; the
 * required-or-default rule is enforced by `crates/loader`).
 */
import type { AppVariable } from './types';
import { type Diagnostics, type Table, denyUnknownFields, expectTable, optBool, optString } from './serde';

const VARIABLE_FIELDS = ['description', 'required', 'default', 'secret'] as const;

/**
 * Reads `[variables]`. `nameError` gives the reason a name is invalid (the v1 and v2 messages
 * differ), or `undefined`.
 *
 * @example readVariables(diag, { variables: { api_key: { required: true, secret: true } } }, lowerSnakeIdError)
 *   // { api_key: { required: true, secret: true } }
 */
export function readVariables(diag: Diagnostics, doc: Table, nameError: (name: string) => string | undefined): Record<string, AppVariable> {
  const variables: Record<string, AppVariable> = {};
  if (doc.variables === undefined) return variables;
  const table = expectTable(diag, doc.variables, ['variables'], 'a map');
  for (const [name, value] of Object.entries(table ?? {})) {
    const path = ['variables', name];
    const reason = nameError(name);
    if (reason) diag.error(reason, path);
    const variable = expectTable(diag, value, path, 'struct Variable');
    if (!variable) continue;
    denyUnknownFields(diag, variable, path, VARIABLE_FIELDS);
    const description = optString(diag, variable, path, 'description');
    const required = optBool(diag, variable, path, 'required') ?? false;
    const defaultValue = optString(diag, variable, path, 'default');
    const secret = optBool(diag, variable, path, 'secret') ?? false;
    if (required === 'default' in variable) {
      diag.error('must be `required` OR have a `default`', path);
      continue;
    }
    if (reason) continue;
    variables[name] = {
      required,
      ...(defaultValue !== undefined ? { default: defaultValue } : {}),
      secret,
      ...(description !== undefined ? { description } : {}),
    };
  }
  return variables;
}
