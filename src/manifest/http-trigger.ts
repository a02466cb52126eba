/**
 * The HTTP trigger's own configuration (`HttpTriggerConfig` in `crates/http/src/config.rs`):
 * `route`, `component` or `static_response`, `executor`. Shared by v1's `[component.trigger]` and
 * v2's `[[trigger.http]]`.
 */
import type { Executor, HttpTrigger, StaticResponse, TriggerRoute } from './types';
import { type Diagnostics, type Path, type Table, denyUnknownFields, expectTable, invalidType, isTable, missingField, optString, optStringMap } from './serde';

const HTTP_TRIGGER_FIELDS = ['component', 'static_response', 'route', 'executor'] as const;

/**
 * Reads one HTTP trigger. `config` holds the trigger's keys other than `id`, `components` and
 * `dependencies`; `component` is the (already normalized) component id, if any.
 *
 * @example readHttpTrigger(diag, { route: '/...' }, ['trigger', 'http', 0], 'hello-http-trigger', 'hello')
 *   // { id: 'hello-http-trigger', route: { kind: 'path', route: '/...' }, component: 'hello', executor: { type: 'http' }, line: 9 }
 */
export function readHttpTrigger(diag: Diagnostics, config: Table, path: Path, id: string, component: string | undefined): HttpTrigger | undefined {
  const errorsBefore = diag.errors.length;
  denyUnknownFields(diag, config, path, HTTP_TRIGGER_FIELDS);

  const staticResponse = config.static_response === undefined ? undefined : readStaticResponse(diag, config.static_response, [...path, 'static_response']);
  const hasStatic = config.static_response !== undefined;
  if (component !== undefined && hasStatic) {
    diag.error(`Triggers must specify either component or static_response - ${id} has both`, path, 'value');
  } else if (component === undefined && !hasStatic) {
    diag.error(`Triggers must specify either component or static_response - ${id} has neither`, path, 'value');
  }

  const lookupKey = component ?? id;
  const route = readRoute(diag, config, path, lookupKey);
  const executor = readExecutor(diag, config, path);
  if (executor?.type === 'wagi' && route) {
    const what = route.kind === 'path' ? `route ${route.route}` : `private endpoint for ${component ?? '<unknown>'}`;
    diag.warn(`HTTP ${what} uses the WAGI executor.`, [...path, 'executor']);
  }

  if (diag.errors.length > errorsBefore || !route || !executor) return undefined;
  return {
    id,
    route,
    ...(component !== undefined ? { component } : {}),
    ...(staticResponse ? { staticResponse } : {}),
    executor,
    line: diag.positions.locate(path, 'value').line,
  };
}

function readRoute(diag: Diagnostics, config: Table, path: Path, lookupKey: string): TriggerRoute | undefined {
  const value = config.route;
  const at = [...path, 'route'];
  if (value === undefined) {
    missingField(diag, path, 'route');
    return undefined;
  }
  if (typeof value === 'string') return { kind: 'path', route: value };
  if (isTable(value) && Object.keys(value).join(',') === 'private' && typeof value.private === 'boolean') {
    if (value.private) return { kind: 'private' };
    diag.error(`route must be a string pattern or '{ private = true }': '${lookupKey}' has { private = false }`, at);
    return undefined;
  }
  diag.error('data did not match any variant of untagged enum HttpTriggerRouteConfig', at, 'value');
  return undefined;
}

function readExecutor(diag: Diagnostics, config: Table, path: Path): Executor | undefined {
  if (config.executor === undefined) return { type: 'http' };
  const at = [...path, 'executor'];
  const executor = expectTable(diag, config.executor, at, 'internally tagged enum HttpExecutorType');
  if (!executor) return undefined;
  const type = executor.type;
  if (type === undefined) {
    missingField(diag, at, 'type');
    return undefined;
  }
  const { type: _type, ...rest } = executor;
  if (type === 'http' || type === 'spin') {
    denyUnknownFields(diag, rest, at, []);
    return { type: 'http' };
  }
  if (type === 'wagi') {
    const wagi = rest;
    denyUnknownFields(diag, wagi, at, ['entrypoint', 'argv']);
    const argv = optString(diag, wagi, at, 'argv');
    const entrypoint = optString(diag, wagi, at, 'entrypoint');
    return { type: 'wagi', ...(argv !== undefined ? { argv } : {}), ...(entrypoint !== undefined ? { entrypoint } : {}) };
  }
  if (typeof type !== 'string') invalidType(diag, type, [...at, 'type'], 'variant identifier');
  else diag.error(`unknown variant \`${type}\`, expected one of \`http\`, \`spin\`, \`wagi\``, [...at, 'type'], 'value');
  return undefined;
}

/** `static_response = { status_code?, headers?, body? }`; Spin ignores other keys here. */
function readStaticResponse(diag: Diagnostics, value: unknown, path: Path): StaticResponse | undefined {
  const table = expectTable(diag, value, path, 'struct StaticResponse');
  if (!table) return undefined;
  let statusCode = 200;
  const status = table.status_code;
  if (status !== undefined) {
    const at = [...path, 'status_code'];
    if (!diag.isInteger(status, at)) invalidType(diag, status, at, 'u16');
    else if (Number(status) < 0 || Number(status) > 65535) {
      diag.error(`invalid value: integer \`${String(status)}\`, expected u16`, at, 'value');
    } else statusCode = Number(status);
  }
  const body = optString(diag, table, path, 'body');
  return { statusCode, headers: optStringMap(diag, table, path, 'headers'), ...(body !== undefined ? { body } : {}) };
}

/**
 * The app-level HTTP trigger settings: `[application.trigger.http]` (v2) or the rest of
 * `trigger = { type = "http", … }` (v1). Spin 3+ accepts only the deprecated `base`, and only "/".
 */
export function checkHttpTriggerMetadata(diag: Diagnostics, metadata: Table, path: Path): void {
  denyUnknownFields(diag, metadata, path, ['base']);
  const base = optString(diag, metadata, path, 'base');
  if (base === undefined) return;
  if (base === '/') {
    diag.warn("This application has the deprecated trigger 'base' set to the default value '/'. This may be an error in the future!", [...path, 'base']);
  } else {
    diag.error("This application is using the deprecated trigger 'base' field. The base must be prepended to each [[trigger.http]]'s 'route'.", [
      ...path,
      'base',
    ]);
  }
}

/** The warning for a trigger type the playground can't run (Spin itself would run it). */
export function unsupportedTriggerType(type: string): string {
  return `trigger type '${type}' is not supported in the browser playground; only http triggers run`;
}
