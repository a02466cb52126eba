/**
 * The normalized, typed model of a Spin application, produced from `spin.toml`
 * (manifest v1 or v2) by `parseManifest`. Field names follow Spin's own
 * (`key_value_stores` -> `keyValueStores`) so a Spin developer finds them.
 * This module is a leaf: it imports nothing else from `src/`.
 */

/** A problem in the manifest, with a 1-based position in the source text. */
export interface ManifestError {
  message: string;
  line: number;
  column: number;
}

export type ComponentSource =
  | { kind: 'file'; path: string }
  | { kind: 'url'; url: string; digest: string }
  | { kind: 'registry'; registry?: string; package: string; version: string };

export type FileMount = { kind: 'glob'; pattern: string } | { kind: 'mapping'; source: string; destination: string };

export interface SpinComponent {
  id: string;
  source: ComponentSource;
  description?: string;
  /** Component-level variables: literal values or `{{ app_var }}` templates, unexpanded. */
  variables: Record<string, string>;
  environment: Record<string, string>;
  files: FileMount[];
  excludeFiles: string[];
  allowedOutboundHosts: string[];
  keyValueStores: string[];
  sqliteDatabases: string[];
  aiModels: string[];
  /** Raw `dependencies` table (component composition); interpreted by later work. */
  dependencies: Record<string, unknown>;
  /** 1-based line of the component's table header in the manifest. */
  line: number;
}

export type TriggerRoute = { kind: 'path'; route: string } | { kind: 'private' };

export interface StaticResponse {
  statusCode: number;
  headers: Record<string, string>;
  body?: string;
}

export type Executor = { type: 'http' } | { type: 'wagi'; argv?: string; entrypoint?: string };

export interface HttpTrigger {
  id: string;
  route: TriggerRoute;
  /** Component id. Inline components are hoisted into `components` with generated ids. */
  component?: string;
  staticResponse?: StaticResponse;
  executor: Executor;
  /** 1-based line of the trigger's table header in the manifest. */
  line: number;
}

export interface AppVariable {
  required: boolean;
  default?: string;
  secret: boolean;
  description?: string;
}

export interface SpinApp {
  manifestVersion: 1 | 2;
  name: string;
  version?: string;
  description?: string;
  authors: string[];
  variables: Record<string, AppVariable>;
  /** HTTP triggers in manifest order (order matters for duplicate routes: the last wins). */
  triggers: HttpTrigger[];
  components: Record<string, SpinComponent>;
  /** Non-fatal notes, e.g. a deprecated v1 `base = "/"`, or an unsupported non-HTTP trigger type. */
  warnings: ManifestError[];
}

export type ParseResult = { ok: true; app: SpinApp } | { ok: false; errors: ManifestError[] };
