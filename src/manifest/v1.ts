/**
 * Manifest v1 (`spin_manifest_version = "1"`, `crates/manifest/src/schema/v1.rs`) converted to the
 * normalized `SpinApp` the way Spin converts it to v2 (`crates/manifest/src/compat.rs`).
 */
import type { HttpTrigger, SpinApp, SpinComponent } from './types';
import { convertAllowedHttpHosts } from './allowed-http-hosts';
import { optional, readBuild, readFiles, readSource, readStoreLabels } from './component';
import { checkHttpTriggerMetadata, readHttpTrigger, unsupportedTriggerType } from './http-trigger';
import { kebabIdError, lowerSnakeIdError } from './ids';
import {
  type Diagnostics,
  type Table,
  denyUnknownFields,
  expectTable,
  invalidType,
  missingField,
  optString,
  optStringList,
  optStringMap,
  reqString,
} from './serde';
import { readVariables } from './variables';

const MANIFEST_FIELDS = ['spin_manifest_version', 'spin_version', 'name', 'version', 'description', 'authors', 'trigger', 'variables', 'component'] as const;
const COMPONENT_FIELDS = [
  'id',
  'source',
  'trigger',
  'description',
  'config',
  'environment',
  'files',
  'exclude_files',
  'allowed_http_hosts',
  'allowed_outbound_hosts',
  'key_value_stores',
  'sqlite_databases',
  'ai_models',
  'build',
] as const;

/** Spin's `Error::InvalidID` text, used where v1 names are converted. */
const invalidId = (id: string, reason: string) => `invalid ID \`${id}\`: ${reason}`;

/**
 * Reads a v1 manifest. Component ids are made kebab-case (`my_Comp` → `my-comp`), each component's
 * `[component.trigger]` becomes trigger `trigger-<id>`, and `config` becomes `variables`.
 */
export function readManifestV1(diag: Diagnostics, doc: Table): Omit<SpinApp, 'warnings'> | undefined {
  denyUnknownFields(diag, doc, [], MANIFEST_FIELDS);
  const name = reqString(diag, doc, [], 'name');
  const details = {
    ...optional('version', optString(diag, doc, [], 'version')),
    ...optional('description', optString(diag, doc, [], 'description')),
    authors: optStringList(diag, doc, [], 'authors'),
  };
  const triggerType = readAppTrigger(diag, doc);
  const variables = readVariables(diag, doc, (n) => {
    const reason = lowerSnakeIdError(n);
    return reason && invalidId(n, reason);
  });

  const components: Record<string, SpinComponent> = {};
  const triggers: HttpTrigger[] = [];
  const list = doc.component ?? [];
  if (!Array.isArray(list)) invalidType(diag, list, ['component'], 'a sequence');
  else
    list.forEach((value: unknown, index) => {
      const path = ['component', index];
      const table = expectTable(diag, value, path, 'struct ComponentV1');
      if (!table) return;
      const component = readComponentV1(diag, table, path);
      if (!component) return;
      components[component.id] = component;
      if (table.trigger === undefined) {
        missingField(diag, path, 'trigger');
        return;
      }
      const config = expectTable(diag, table.trigger, [...path, 'trigger'], 'a map');
      if (!config || triggerType !== 'http') return;
      const trigger = readHttpTrigger(diag, config, [...path, 'trigger'], `trigger-${component.id}`, component.id);
      if (trigger) triggers.push(trigger);
    });

  if (name === undefined) return undefined;
  return { manifestVersion: 1, name, ...details, variables, triggers, components };
}

/** `trigger = { type = "http", base = "/" }`: the one trigger type every v1 component uses. */
function readAppTrigger(diag: Diagnostics, doc: Table): string | undefined {
  if (doc.trigger === undefined) {
    missingField(diag, [], 'trigger');
    return undefined;
  }
  const trigger = expectTable(diag, doc.trigger, ['trigger'], 'struct AppTriggerV1');
  if (!trigger) return undefined;
  const type = reqString(diag, trigger, ['trigger'], 'type');
  const { type: _type, ...metadata } = trigger;
  if (type === 'http') checkHttpTriggerMetadata(diag, metadata, ['trigger']);
  else if (type !== undefined) diag.warn(unsupportedTriggerType(type), ['trigger', 'type'], 'value');
  return type;
}

function readComponentV1(diag: Diagnostics, table: Table, path: (string | number)[]): SpinComponent | undefined {
  denyUnknownFields(diag, table, path, COMPONENT_FIELDS);
  const rawId = reqString(diag, table, path, 'id');
  let id: string | undefined;
  if (rawId !== undefined) {
    // Like Spin: keep a valid id, else fix the two likely problems, under_scores and mixedCase.
    id = kebabIdError(rawId) === undefined ? rawId : rawId.replace(/_/g, '-').toLowerCase();
    const reason = kebabIdError(id);
    if (reason) {
      diag.error(invalidId(id, reason), [...path, 'id'], 'value');
      id = undefined;
    }
  }
  const source = readSource(diag, table, path);

  const variables: Record<string, string> = {};
  for (const [key, value] of Object.entries(optStringMap(diag, table, path, 'config'))) {
    const reason = lowerSnakeIdError(key);
    if (reason) diag.error(invalidId(key, reason), [...path, 'config', key]);
    else variables[key] = value;
  }

  const outbound = table.allowed_outbound_hosts === undefined ? undefined : optStringList(diag, table, path, 'allowed_outbound_hosts');
  const converted = convertAllowedHttpHosts(optStringList(diag, table, path, 'allowed_http_hosts'), outbound === undefined);
  if ('error' in converted) diag.error(converted.error, [...path, 'allowed_http_hosts']);
  const allowedOutboundHosts = [...(outbound ?? []), ...('hosts' in converted ? converted.hosts : [])];

  readBuild(diag, table, path);
  const body = {
    ...optional('description', optString(diag, table, path, 'description')),
    variables,
    environment: optStringMap(diag, table, path, 'environment'),
    files: readFiles(diag, table, path),
    excludeFiles: optStringList(diag, table, path, 'exclude_files'),
    allowedOutboundHosts,
    // v1 labels are plain strings; Spin checks their case only in v2.
    keyValueStores: readStoreLabels(diag, table, path, 'key_value_stores', false),
    sqliteDatabases: readStoreLabels(diag, table, path, 'sqlite_databases', false),
    aiModels: optStringList(diag, table, path, 'ai_models'),
    dependencies: {},
    line: diag.positions.locate(path, 'value').line,
  };
  return id !== undefined && source ? { id, source, ...body } : undefined;
}
