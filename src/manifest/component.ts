/**
 * The fields of a Spin component that manifest v1 and v2 share: `source`, `files`, store labels,
 * `build`, … (`crates/manifest/src/schema/common.rs` and `v2.rs`), plus the v2 `[component.<id>]`
 * table as a whole.
 */
import type { ComponentSource, FileMount, SpinComponent } from './types';
import { convertAllowedHttpHosts } from './allowed-http-hosts';
import { isKebabOrSnake, lowerSnakeIdError } from './ids';
import {
  type Diagnostics,
  type Path,
  type Table,
  denyUnknownFields,
  expectTable,
  invalidType,
  isTable,
  missingField,
  optBool,
  optString,
  optStringList,
  optStringMap,
  optTableOfTables,
} from './serde';

/** A component before its id is known (inline components get theirs during normalization). */
export type ComponentBody = Omit<SpinComponent, 'id'>;

const V2_COMPONENT_FIELDS = [
  'source',
  'description',
  'variables',
  'environment',
  'files',
  'exclude_files',
  'allowed_http_hosts',
  'allowed_outbound_hosts',
  'key_value_stores',
  'sqlite_databases',
  'ai_models',
  'targets',
  'build',
  'tool',
  'dependencies_inherit_configuration',
  'dependencies',
  'profile',
] as const;

const untagged = (name: string) => `data did not match any variant of untagged enum ${name}`;

/**
 * Reads a v2 component (a `[component.<id>]` table or an inline `component = { … }`).
 *
 * @example readComponentV2(diag, { source: 'app.wasm' }, ['component', 'app'])
 *   // { source: { kind: 'file', path: 'app.wasm' }, variables: {}, …, line: 7 }
 */
export function readComponentV2(diag: Diagnostics, value: unknown, path: Path): ComponentBody | undefined {
  const table = expectTable(diag, value, path, 'struct Component');
  if (!table) return undefined;
  denyUnknownFields(diag, table, path, V2_COMPONENT_FIELDS);
  const source = readSource(diag, table, path);

  const variables: Record<string, string> = {};
  for (const [name, v] of Object.entries(optStringMap(diag, table, path, 'variables'))) {
    const reason = lowerSnakeIdError(name);
    if (reason) diag.error(reason, [...path, 'variables', name]);
    else variables[name] = v;
  }

  let allowedOutboundHosts = optStringList(diag, table, path, 'allowed_outbound_hosts');
  const httpHosts = optStringList(diag, table, path, 'allowed_http_hosts');
  const converted = convertAllowedHttpHosts(httpHosts, false);
  if ('error' in converted) diag.error(converted.error, [...path, 'allowed_http_hosts']);
  else if (converted.hosts.length > 0) {
    diag.warn(
      'Use of the deprecated field `allowed_http_hosts` - to fix, replace `allowed_http_hosts` with ' +
        `\`allowed_outbound_hosts = [${converted.hosts.map((h) => JSON.stringify(h)).join(', ')}]\``,
      [...path, 'allowed_http_hosts'],
    );
    allowedOutboundHosts = [...allowedOutboundHosts, ...converted.hosts];
  }

  readTargets(diag, table, path);
  readBuild(diag, table, path);
  optTableOfTables(diag, table, path, 'tool');
  optBool(diag, table, path, 'dependencies_inherit_configuration');
  readProfiles(diag, table, path);
  const body = {
    ...optional('description', optString(diag, table, path, 'description')),
    variables,
    environment: optStringMap(diag, table, path, 'environment'),
    files: readFiles(diag, table, path),
    excludeFiles: optStringList(diag, table, path, 'exclude_files'),
    allowedOutboundHosts,
    keyValueStores: readStoreLabels(diag, table, path, 'key_value_stores', true),
    sqliteDatabases: readStoreLabels(diag, table, path, 'sqlite_databases', true),
    aiModels: optStringList(diag, table, path, 'ai_models'),
    dependencies: readDependencies(diag, table, path),
    line: diag.positions.locate(path, 'value').line,
  };
  return source ? { source, ...body } : undefined;
}

/** `dependencies` (component composition) is kept raw for later work; it must be a table. */
export function readDependencies(diag: Diagnostics, table: Table, path: Path): Record<string, unknown> {
  if (table.dependencies === undefined) return {};
  return expectTable(diag, table.dependencies, [...path, 'dependencies'], 'a map') ?? {};
}

/** `{ key: value }` when value is a non-empty string, else `{}`; Spin treats `""` as absent. */
export function optional<K extends string>(key: K, value: string | undefined): { [P in K]?: string } {
  return value ? ({ [key]: value } as { [P in K]?: string }) : {};
}

/** `source = "x.wasm"`, `{ url, digest }` or `{ registry?, package, version }` (untagged). */
export function readSource(diag: Diagnostics, table: Table, path: Path, required = true): ComponentSource | undefined {
  const value = table.source;
  const at = [...path, 'source'];
  if (value === undefined) {
    if (required) missingField(diag, path, 'source');
    return undefined;
  }
  if (typeof value === 'string') return { kind: 'file', path: value };
  if (isTable(value)) {
    const keys = Object.keys(value).sort().join(',');
    const strings = Object.values(value).every((v) => typeof v === 'string');
    if (strings && keys === 'digest,url') {
      return { kind: 'url', url: value.url as string, digest: value.digest as string };
    }
    if (strings && (keys === 'package,version' || keys === 'package,registry,version')) {
      const registry = value.registry as string | undefined;
      return { kind: 'registry', ...(registry !== undefined ? { registry } : {}), package: value.package as string, version: value.version as string };
    }
  }
  diag.error(untagged('ComponentSource'), at, 'value');
  return undefined;
}

/** `files = ["glob/**", { source = "dir", destination = "/" }]` (untagged `WasiFilesMount`). */
export function readFiles(diag: Diagnostics, table: Table, path: Path): FileMount[] {
  const value = table.files;
  if (value === undefined) return [];
  if (!Array.isArray(value)) {
    invalidType(diag, value, [...path, 'files'], 'a sequence');
    return [];
  }
  const mounts: FileMount[] = [];
  value.forEach((item: unknown, i) => {
    if (typeof item === 'string') mounts.push({ kind: 'glob', pattern: item });
    else if (
      isTable(item) &&
      Object.keys(item).sort().join(',') === 'destination,source' &&
      typeof item.source === 'string' &&
      typeof item.destination === 'string'
    ) {
      mounts.push({ kind: 'mapping', source: item.source, destination: item.destination });
    } else diag.error(untagged('WasiFilesMount'), [...path, 'files', i], 'value');
  });
  return mounts;
}

/** `key_value_stores` / `sqlite_databases`: in v2 each label must be kebab-case or snake_case. */
export function readStoreLabels(diag: Diagnostics, table: Table, path: Path, key: string, validate: boolean): string[] {
  const labels = optStringList(diag, table, path, key);
  const bad = validate ? labels.findIndex((label) => !isKebabOrSnake(label)) : -1;
  if (bad >= 0) {
    diag.error('expected kebab-case or snake_case', [...path, key, bad], 'value');
    return [];
  }
  return labels;
}

/** `build = { command, workdir?, watch? }`; the playground doesn't build, but Spin validates it. */
export function readBuild(diag: Diagnostics, table: Table, path: Path, fields = ['command', 'workdir', 'watch']): void {
  if (table.build === undefined) return;
  const at = [...path, 'build'];
  const build = expectTable(diag, table.build, at, 'struct ComponentBuildConfig');
  if (!build) return;
  denyUnknownFields(diag, build, at, fields);
  const command = build.command;
  if (command === undefined) missingField(diag, at, 'command');
  else if (typeof command !== 'string' && !(Array.isArray(command) && command.every((c) => typeof c === 'string'))) {
    diag.error(untagged('Commands'), [...at, 'command'], 'value');
  }
  optString(diag, build, at, 'workdir');
  optStringList(diag, build, at, 'watch');
}

export function readTargets(diag: Diagnostics, table: Table, path: Path): void {
  if (table.targets === undefined) return;
  if (!Array.isArray(table.targets)) {
    invalidType(diag, table.targets, [...path, 'targets'], 'a sequence');
    return;
  }
  table.targets.forEach((t: unknown, i) => {
    const ok = typeof t === 'string' || (isTable(t) && Object.keys(t).length === 1 && (typeof t.url === 'string' || typeof t.path === 'string'));
    if (!ok) diag.error(untagged('TargetEnvironmentRef'), [...path, 'targets', i], 'value');
  });
}

function readProfiles(diag: Diagnostics, table: Table, path: Path): void {
  if (table.profile === undefined) return;
  const profiles = expectTable(diag, table.profile, [...path, 'profile'], 'a map');
  for (const [name, value] of Object.entries(profiles ?? {})) {
    const at = [...path, 'profile', name];
    const profile = expectTable(diag, value, at, 'struct ComponentProfileOverride');
    if (!profile) continue;
    denyUnknownFields(diag, profile, at, ['source', 'environment', 'dependencies', 'build']);
    readSource(diag, profile, at, false);
    optStringMap(diag, profile, at, 'environment');
    readBuild(diag, profile, at, ['command']);
  }
}
