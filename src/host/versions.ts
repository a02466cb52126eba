/**
 * Which host factory serves which imported interface, by full (versioned) name. Data only: the
 * import assembly (`imports.ts`) and the load-time support check (`interfaces.ts`) read it.
 *
 * `factory` names the exported function; `member`, when present, is the property of its result
 * that is the interface's import object (for example `createWasiKeyValue(ctx).atomics`).
 */

export type HostFamily = 'key-value' | 'wasi-keyvalue' | 'variables' | 'sqlite' | 'unavailable';

export interface HostInterface {
  /** The import name as a component spells it, e.g. `wasi:keyvalue/store@0.2.0-draft2`. */
  name: string;
  family: HostFamily;
  /** Module under `src/host/` and exported factory. */
  module: 'key-value' | 'key-value-p3' | 'variables' | 'sqlite' | 'stubs';
  factory: string;
  member?: string;
}

const unavailable = (name: string): HostInterface => ({
  name,
  family: 'unavailable',
  module: 'stubs',
  factory: 'createUnavailableHosts',
  member: name,
});

export const HOST_INTERFACES: readonly HostInterface[] = [
  { name: 'fermyon:spin/key-value', family: 'key-value', module: 'key-value', factory: 'createKeyValueSpin1' },
  { name: 'fermyon:spin/key-value@2.0.0', family: 'key-value', module: 'key-value', factory: 'createKeyValueV2' },
  { name: 'spin:key-value/key-value@3.0.0', family: 'key-value', module: 'key-value-p3', factory: 'createKeyValueV3' },
  { name: 'wasi:keyvalue/store@0.2.0-draft2', family: 'wasi-keyvalue', module: 'key-value', factory: 'createWasiKeyValue', member: 'store' },
  { name: 'wasi:keyvalue/atomics@0.2.0-draft2', family: 'wasi-keyvalue', module: 'key-value', factory: 'createWasiKeyValue', member: 'atomics' },
  { name: 'wasi:keyvalue/batch@0.2.0-draft2', family: 'wasi-keyvalue', module: 'key-value', factory: 'createWasiKeyValue', member: 'batch' },

  { name: 'fermyon:spin/variables@2.0.0', family: 'variables', module: 'variables', factory: 'createVariablesV2' },
  { name: 'wasi:config/store@0.2.0-draft-2024-09-27', family: 'variables', module: 'variables', factory: 'createWasiConfig' },
  { name: 'spin:variables/variables@3.0.0', family: 'variables', module: 'variables', factory: 'createVariablesV3' },
  { name: 'fermyon:spin/config', family: 'variables', module: 'variables', factory: 'createSpinConfigV1' },

  { name: 'fermyon:spin/sqlite', family: 'sqlite', module: 'sqlite', factory: 'createSqliteSpin1' },
  { name: 'fermyon:spin/sqlite@2.0.0', family: 'sqlite', module: 'sqlite', factory: 'createSqliteV2' },
  { name: 'spin:sqlite/sqlite@3.0.0', family: 'sqlite', module: 'sqlite', factory: 'createSqliteV3' },
  { name: 'spin:sqlite/sqlite@3.1.0', family: 'sqlite', module: 'sqlite', factory: 'createSqliteV31' },

  ...[
    'fermyon:spin/redis@2.0.0',
    'fermyon:spin/mysql@2.0.0',
    'fermyon:spin/postgres@2.0.0',
    'fermyon:spin/rdbms-types@2.0.0',
    'fermyon:spin/mqtt@2.0.0',
    'fermyon:spin/llm@2.0.0',
    'spin:postgres/postgres@3.0.0',
    'spin:postgres/postgres@4.0.0',
    'spin:postgres/postgres@4.1.0',
    // Spin 4 (WASIp3) async versions
    'spin:redis/redis@3.0.0',
    'spin:mysql/mysql@3.0.0',
    'spin:postgres/postgres@4.2.0',
    'spin:mqtt/mqtt@3.0.0',
    'fermyon:spin/redis',
    'fermyon:spin/redis-types',
    'fermyon:spin/mysql',
    'fermyon:spin/postgres',
    'fermyon:spin/rdbms-types',
    'fermyon:spin/llm',
  ].map(unavailable),
];
