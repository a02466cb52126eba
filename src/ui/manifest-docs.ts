/**
 * What the manifest editor knows about `spin.toml` (manifest v2, Spin's manifest reference):
 * the keys of each table with a line of documentation, and the values worth completing.
 */

export type TableKind = 'root' | 'application' | 'variables' | 'variable' | 'trigger' | 'component' | 'build' | 'other';

export interface KeyDoc {
  key: string;
  doc: string;
  /** Text inserted on completion after `key = `. */
  snippet?: string;
}

export const KEYS: Record<TableKind, KeyDoc[]> = {
  root: [
    { key: 'spin_manifest_version', doc: 'The manifest format: `2` for Spin 2 and later (`"1"` for Spin 1 manifests).', snippet: '2' },
    { key: '[application]', doc: 'The application: name, version, description, authors.' },
    { key: '[variables]', doc: 'Application variables, set with `spin up --variable name=value` or `SPIN_VARIABLE_NAME`.' },
    { key: '[[trigger.http]]', doc: 'An HTTP trigger: a route and the component (or static response) that answers it.' },
    { key: '[component.NAME]', doc: 'A component: its Wasm source and what it may use (key-value stores, outbound hosts, files…).' },
  ],
  application: [
    { key: 'name', doc: 'The application name (required).', snippet: '"${1:my-app}"' },
    { key: 'version', doc: 'The application version, e.g. `"0.1.0"`.', snippet: '"0.1.0"' },
    { key: 'description', doc: 'A one-line description.', snippet: '"$1"' },
    { key: 'authors', doc: 'A list of authors, e.g. `["Ada <ada@example.com>"]`.', snippet: '["$1"]' },
  ],
  variables: [],
  variable: [
    { key: 'default', doc: 'The value used when none is provided. A variable needs `default` or `required = true`.', snippet: '"$1"' },
    { key: 'required', doc: 'If `true`, the app does not start unless a value is provided.', snippet: 'true' },
    { key: 'secret', doc: 'If `true`, the value is not logged or shown.', snippet: 'true' },
    { key: 'description', doc: 'What the variable is for.', snippet: '"$1"' },
  ],
  trigger: [
    {
      key: 'route',
      doc:
        'The path this trigger answers: exact (`/hello`), a wildcard (`/api/...`), with `:name` parameters, or `{ private = true }` for service ' +
        'chaining only.',
      snippet: '"/${1:...}"',
    },
    { key: 'component', doc: 'The id of the component that handles the route (or an inline `{ source = … }` table).', snippet: '"$1"' },
    {
      key: 'executor',
      doc: 'How the component is run: `{ type = "http" }` (default) or `{ type = "wagi" }` (not supported in the playground).',
      snippet: '{ type = "http" }',
    },
    {
      key: 'static_response',
      doc: 'Answer with a fixed response instead of a component: `{ status_code = 200, headers = { … }, body = "…" }`.',
      snippet: '{ status_code = 200, body = "$1" }',
    },
  ],
  component: [
    {
      key: 'source',
      doc: 'The Wasm file: a path relative to spin.toml, `{ url = "…", digest = "sha256:…" }`, or a registry package (not in the browser).',
      snippet: '"${1:app.wasm}"',
    },
    { key: 'description', doc: 'What the component does.', snippet: '"$1"' },
    {
      key: 'files',
      doc: 'Files mounted read-only into the component: paths, globs, or `{ source = "dir", destination = "/" }`.',
      snippet: '[{ source = "${1:static}", destination = "/" }]',
    },
    { key: 'exclude_files', doc: 'Globs removed from what `files` matched.', snippet: '["$1"]' },
    {
      key: 'allowed_outbound_hosts',
      doc: 'Hosts the component may reach: `"https://api.example.com"`, `"https://*:443"`, `"http://self"`, `"http://NAME.spin.internal"`.',
      snippet: '["https://${1:example.com}"]',
    },
    { key: 'key_value_stores', doc: 'Key-value stores the component may open; `"default"` is always available.', snippet: '["default"]' },
    { key: 'sqlite_databases', doc: 'SQLite databases the component may open; `"default"` is always available.', snippet: '["default"]' },
    { key: 'ai_models', doc: 'LLM models the component may use (not available in the browser).', snippet: '["llama2-chat"]' },
    { key: 'environment', doc: 'Environment variables the component sees: `{ NAME = "value" }`.', snippet: '{ $1 = "$2" }' },
    { key: 'variables', doc: 'Component variables: literals or `"{{ app_variable }}"` templates.', snippet: '{ $1 = "{{ $2 }}" }' },
    { key: 'dependencies', doc: 'Component dependencies to compose in (not supported yet in the playground).' },
    { key: 'dependencies_inherit_configuration', doc: "Let dependencies use this component's configuration (stores, hosts…).", snippet: 'true' },
    { key: '[component.NAME.build]', doc: 'How `spin build` builds the component (ignored when running).' },
  ],
  build: [
    { key: 'command', doc: 'The command `spin build` runs, e.g. `"npm run build"`.', snippet: '"$1"' },
    { key: 'workdir', doc: 'The folder the build command runs in, relative to spin.toml.', snippet: '"$1"' },
    { key: 'watch', doc: 'Globs `spin watch` rebuilds on.', snippet: '["$1"]' },
    { key: 'environment', doc: 'Environment variables for the build command.', snippet: '{ $1 = "$2" }' },
  ],
  other: [],
};

/** Values worth completing inside the array or string of a key. */
export const VALUES: Record<string, Array<{ value: string; doc: string }>> = {
  key_value_stores: [{ value: 'default', doc: 'The default key-value store, always available.' }],
  sqlite_databases: [{ value: 'default', doc: 'The default SQLite database, always available.' }],
  allowed_outbound_hosts: [
    { value: 'http://self', doc: 'The app itself (relative URLs in outbound requests).' },
    { value: 'https://*:443', doc: 'Any host over HTTPS.' },
    { value: 'http://*.spin.internal', doc: 'Service chaining to any component.' },
  ],
  ai_models: [
    { value: 'llama2-chat', doc: 'Llama 2 chat (not available in the browser).' },
    { value: 'all-minilm-l6-v2', doc: 'Sentence embeddings (not available in the browser).' },
  ],
};

/** The kind of table a header like `[component.api.build]` opens. */
export function tableKind(header: string | null): TableKind {
  if (header === null) return 'root';
  const name = header.replace(/^\[+|\]+$/g, '').trim();
  if (name === 'application') return 'application';
  if (name === 'variables') return 'variables';
  if (/^trigger\.http$/.test(name)) return 'trigger';
  if (/^component\.[^.]+$/.test(name) || /^component\."[^"]+"$/.test(name)) return 'component';
  if (/^component\.[^.]+\.build$/.test(name)) return 'build';
  return 'other';
}

/** The documentation of `key` in a table of this kind. */
export function docFor(kind: TableKind, key: string): string | undefined {
  if (kind === 'variables') return `Application variable \`${key}\`: \`{ default = "…" }\`, \`{ required = true }\`, optionally \`secret = true\`.`;
  return KEYS[kind].find((k) => k.key === key)?.doc ?? KEYS.root.find((k) => k.key === key)?.doc;
}
