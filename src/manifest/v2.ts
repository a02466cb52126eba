/**
 * Manifest v2 (`spin_manifest_version = 2`, `crates/manifest/src/schema/v2.rs`) read into the
 * normalized `SpinApp`.
 */
import type { HttpTrigger, SpinApp, SpinComponent } from './types';
import { type ComponentBody, optional, readComponentV2, readTargets } from './component';
import { checkHttpTriggerMetadata, readHttpTrigger, unsupportedTriggerType } from './http-trigger';
import { kebabIdError, lowerSnakeIdError } from './ids';
import { type ComponentSpec, type RawTrigger, hoistInlineComponents, normalizeTriggerIds } from './normalize';
import {
  type Diagnostics,
  type Path,
  type Table,
  denyUnknownFields,
  expectTable,
  invalidType,
  missingField,
  optString,
  optStringList,
  optTableOfTables,
  reqString,
} from './serde';
import { readVariables } from './variables';

const MANIFEST_FIELDS = ['spin_manifest_version', 'application', 'variables', 'trigger', 'component'] as const;
const APPLICATION_FIELDS = ['name', 'version', 'description', 'authors', 'targets', 'trigger', 'tool'] as const;
/** Trigger keys Spin's `Trigger` struct takes for itself; the rest is trigger-type config. */
const TRIGGER_OWN_FIELDS = new Set(['id', 'components', 'dependencies']);

/**
 * Reads a v2 manifest. Returns `undefined` only when nothing sensible can be built; callers must
 * still check `diag.errors`.
 */
export function readManifestV2(diag: Diagnostics, doc: Table): Omit<SpinApp, 'warnings'> | undefined {
  denyUnknownFields(diag, doc, [], MANIFEST_FIELDS);
  const application = readApplication(diag, doc);
  const variables = readVariables(diag, doc, lowerSnakeIdError);

  const components: Record<string, SpinComponent> = {};
  const componentIds = new Set<string>();
  const declared = doc.component === undefined ? {} : (expectTable(diag, doc.component, ['component'], 'a map') ?? {});
  for (const [id, value] of Object.entries(declared)) {
    const reason = kebabIdError(id);
    if (reason) {
      diag.error(reason, ['component', id]);
      continue;
    }
    componentIds.add(id);
    const body = readComponentV2(diag, value, ['component', id]);
    if (body) components[id] = { id, ...body };
  }

  const raw = readTriggers(diag, doc);
  normalizeTriggerIds(raw);
  for (const [id, body] of hoistInlineComponents(raw, componentIds)) {
    if (body) components[id] = { id, ...body };
  }

  const triggers: HttpTrigger[] = [];
  const warned = new Set<string>();
  for (const trigger of raw) {
    if (trigger.type !== 'http') {
      if (!warned.has(trigger.type)) diag.warn(unsupportedTriggerType(trigger.type), ['trigger', trigger.type]);
      warned.add(trigger.type);
      continue;
    }
    const spec = trigger.component;
    const componentId = spec?.kind === 'inline' ? spec.id : spec?.id;
    if (spec?.kind === 'reference' && !componentIds.has(spec.id) && !kebabIdError(spec.id)) {
      diag.error(`no such component ${JSON.stringify(spec.id)}`, spec.path, 'value');
    }
    const http = readHttpTrigger(diag, trigger.config, trigger.path, trigger.id, componentId);
    if (http) triggers.push(http);
  }

  if (!application) return undefined;
  return { manifestVersion: 2, ...application, variables, triggers, components };
}

function readApplication(diag: Diagnostics, doc: Table): Pick<SpinApp, 'name' | 'version' | 'description' | 'authors'> | undefined {
  const path = ['application'];
  if (doc.application === undefined) {
    missingField(diag, [], 'application');
    return undefined;
  }
  const app = expectTable(diag, doc.application, path, 'struct AppDetails');
  if (!app) return undefined;
  denyUnknownFields(diag, app, path, APPLICATION_FIELDS);
  const name = reqString(diag, app, path, 'name');
  const details = {
    ...optional('version', optString(diag, app, path, 'version')),
    ...optional('description', optString(diag, app, path, 'description')),
    authors: optStringList(diag, app, path, 'authors'),
  };
  readTargets(diag, app, path);
  optTableOfTables(diag, app, path, 'tool');
  optTableOfTables(diag, app, path, 'trigger');
  const httpSettings = (app.trigger as Table | undefined)?.http;
  const metadata = httpSettings === undefined ? undefined : expectTable(diag, httpSettings, [...path, 'trigger', 'http'], 'a map');
  if (metadata) checkHttpTriggerMetadata(diag, metadata, [...path, 'trigger', 'http']);
  return name === undefined ? undefined : { name, ...details };
}

function readTriggers(diag: Diagnostics, doc: Table): RawTrigger[] {
  if (doc.trigger === undefined) {
    missingField(diag, [], 'trigger');
    return [];
  }
  const byType = expectTable(diag, doc.trigger, ['trigger'], 'a map') ?? {};
  const triggers: RawTrigger[] = [];
  for (const [type, list] of Object.entries(byType)) {
    if (!Array.isArray(list)) {
      invalidType(diag, list, ['trigger', type], 'a sequence');
      continue;
    }
    list.forEach((value: unknown, index) => {
      const path = ['trigger', type, index];
      const table = expectTable(diag, value, path, 'struct Trigger');
      if (!table) return;
      const config: Table = {};
      for (const [key, v] of Object.entries(table)) if (!TRIGGER_OWN_FIELDS.has(key)) config[key] = v;
      triggers.push({
        type,
        path,
        id: optString(diag, table, path, 'id') ?? '',
        ...(table.component !== undefined ? { component: readSpec(diag, table.component, [...path, 'component']) } : {}),
        otherComponents: readOtherComponents(diag, table, path),
        config,
      });
      if (table.dependencies !== undefined) expectTable(diag, table.dependencies, [...path, 'dependencies'], 'a map');
    });
  }
  return triggers;
}

function readSpec(diag: Diagnostics, value: unknown, path: Path): ComponentSpec {
  if (typeof value === 'string') {
    const reason = kebabIdError(value);
    if (reason) diag.error(reason, path, 'value');
    return { kind: 'reference', id: value, path };
  }
  const body: ComponentBody | undefined = readComponentV2(diag, value, path);
  return { kind: 'inline', body, path };
}

/** `components = { name = "id" | { … } | [ … ] }`: one or many specs per name. */
function readOtherComponents(diag: Diagnostics, table: Table, path: Path): ComponentSpec[] {
  if (table.components === undefined) return [];
  const at = [...path, 'components'];
  const specs: ComponentSpec[] = [];
  for (const [name, value] of Object.entries(expectTable(diag, table.components, at, 'a map') ?? {})) {
    if (Array.isArray(value)) value.forEach((v: unknown, i) => specs.push(readSpec(diag, v, [...at, name, i])));
    else specs.push(readSpec(diag, value, [...at, name]));
  }
  return specs;
}
