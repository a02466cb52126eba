/**
 * Manifest v2 normalization (`crates/manifest/src/normalize.rs`): triggers without an `id` get a
 * generated one, and inline components are hoisted into the component table under generated ids.
 * The generated names are visible to the app (logs, service chaining), so they follow Spin exactly.
 */
import { kebabIdError } from './ids';
import type { ComponentBody } from './component';
import type { Path, Table } from './serde';

/** A trigger's `component` (or an entry of its `components`): an id, or an inline table. */
export type ComponentSpec =
  | { kind: 'reference'; id: string; path: Path }
  /** `body` is undefined when the inline table had errors; `id` is set by `hoistInlineComponents`. */
  | { kind: 'inline'; body: ComponentBody | undefined; path: Path; id?: string };

/** A `[[trigger.<type>]]` entry as read, before normalization. */
export interface RawTrigger {
  type: string;
  path: Path;
  /** `""` until `normalizeTriggerIds` fills it in. */
  id: string;
  component?: ComponentSpec;
  /** Component specs from the trigger's `components` table (middleware and the like). */
  otherComponents: ComponentSpec[];
  /** The trigger-type-specific keys (for HTTP: `route`, `static_response`, `executor`, `component`). */
  config: Table;
}

/**
 * Gives each trigger without an `id` one: `<component>-<type>-trigger` when it references a
 * component and that id is free, else `<type>-trigger<N>`.
 *
 * @example two http triggers without ids, both for component `api`: `api-http-trigger`, then `http-trigger1`.
 */
export function normalizeTriggerIds(triggers: readonly RawTrigger[]): void {
  const taken = new Set(triggers.map((t) => t.id));
  const counters = new Map<string, number>();
  for (const trigger of triggers) {
    if (trigger.id !== '') continue;
    if (trigger.component?.kind === 'reference') {
      const candidate = `${trigger.component.id}-${trigger.type}-trigger`;
      if (!taken.has(candidate)) {
        trigger.id = candidate;
        taken.add(candidate);
        continue;
      }
    }
    let counter = counters.get(trigger.type) ?? 1;
    while (taken.has(`${trigger.type}-trigger${counter}`)) counter++;
    counters.set(trigger.type, counter);
    trigger.id = `${trigger.type}-trigger${counter}`;
    taken.add(trigger.id);
  }
}

/**
 * Assigns each inline component an id: `<trigger-id>-component` when it is the trigger's only
 * component and that id is valid and free, else `inline-component<N>`. Returns the hoisted
 * components in order; `componentIds` gains their ids.
 */
export function hoistInlineComponents(triggers: readonly RawTrigger[], componentIds: Set<string>): Array<[string, ComponentBody | undefined]> {
  const hoisted: Array<[string, ComponentBody | undefined]> = [];
  for (const trigger of triggers) {
    const specs = [...(trigger.component ? [trigger.component] : []), ...trigger.otherComponents];
    const multiple = specs.length > 1;
    let counter = 1;
    for (const spec of specs) {
      if (spec.kind !== 'inline') continue;
      let id = `${trigger.id}-component`;
      if (multiple || kebabIdError(id) !== undefined || componentIds.has(id)) {
        while (componentIds.has(`inline-component${counter}`)) counter++;
        id = `inline-component${counter}`;
      }
      spec.id = id;
      componentIds.add(id);
      hoisted.push([id, spec.body]);
    }
  }
  return hoisted;
}
