/**
 * A page for test/browser/authoring.test.ts and for measuring the authoring path in Chromium
 * without the playground UI: "Run" = build in the Worker (client.ts), then serve the core with the
 * glue template (prepared.ts) through the engine's own `invoke()` and host (KV on sql.js,
 * variables, WASI), as the engine will once it is wired (src/authoring/README.md).
 * Served by Vite's dev server at /__pg/src/authoring/dev/harness.html.
 */
import initSqlJs from 'sql.js';
import sqlWasmUrl from 'sql.js/dist/sql-wasm-browser.wasm?url';
import { AuthoringClient, type JsBuildResult } from '../client';
import { prepareAuthored } from '../prepared';
import { parseManifest } from '../../manifest/parse';
import { Router } from '../../engine/router';
import { invoke, readAll } from '../../engine/invoke';
import { jspiAvailable, type PreparedComponent } from '../../engine/components';
import type { LoadedComponent } from '../../engine/app-loader';
import { SqliteKvStore } from '../../storage/sqlite-store';
import { SqliteDatabases } from '../../storage/sqlite-databases';
import { resolveComponentVariables } from '../../host/variables';
import { readComponentWorld } from '../../engine/component-world';

const MANIFEST = `spin_manifest_version = 2

[application]
name = "authored"

[variables]
greeting = { default = "Hello" }

[[trigger.http]]
route = "/..."
component = "app"

[component.app]
source = "app.wasm"
key_value_stores = ["default"]

[component.app.variables]
greeting = "{{ greeting }}"
`;

const bridge = jspiAvailable() ? 'jspi' : 'sync';
const client = new AuthoringClient();
const SQL = await initSqlJs({ locateFile: () => sqlWasmUrl });
const kv = new SqliteKvStore(new SQL.Database());
const sqlite = new SqliteDatabases(SQL);
const parsed = parseManifest(MANIFEST);
if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
const app = parsed.app;
const router = Router.build(app.triggers);
const logs: string[] = [];
let current: { prepared: PreparedComponent; core: Uint8Array } | undefined;

async function request(path: string, init: { method?: string; body?: string } = {}) {
  if (!current) throw new Error('nothing built yet');
  const component = app.components.app!;
  const entry: LoadedComponent = {
    kind: 'wasi-http',
    component,
    prepared: current.prepared,
    variables: resolveComponentVariables(app, 'app', {}),
    allowedHosts: [],
  };
  const match = router.route(path.split('?')[0]!)!;
  const result = await invoke(
    entry,
    match,
    { method: init.method ?? 'GET', pathWithQuery: path, headers: [['host', location.host]], body: new TextEncoder().encode(init.body ?? '') },
    {
      kv,
      sqlite,
      log: (e) => logs.push(`${e.level} ${e.source}: ${e.message}`),
      origin: { scheme: 'http', host: location.host },
      flush: async () => {},
      internal: async () => {
        throw new Error('no internal requests in the harness');
      },
      fetch: fetch.bind(globalThis),
      bridge,
    },
  );
  return { status: result.status, headers: result.headers, body: new TextDecoder().decode(await readAll(result.body)) };
}

/** "Run": build, then serve; the last good build keeps serving when a build fails. */
async function run(code: string, options: { language?: 'javascript' | 'typescript'; path?: string } = {}) {
  const started = performance.now();
  const built: JsBuildResult = await client.build(code, { language: options.language ?? 'javascript' });
  const buildMs = performance.now() - started;
  if (!built.ok) return { ok: false as const, errors: built.errors, buildMs };
  const prepared = await prepareAuthored(built.coreModule, bridge);
  current = { prepared, core: built.coreModule };
  const response = await request(options.path ?? '/');
  return {
    ok: true as const,
    buildMs,
    workerBuildMs: built.stats.buildMs,
    firstResponseMs: performance.now() - started,
    prepareCompileMs: prepared.stats.compileMs,
    response,
  };
}

async function exportCurrent() {
  if (!current) throw new Error('nothing built yet');
  const started = performance.now();
  const component = await client.exportComponent(current.core);
  return { ms: performance.now() - started, bytes: component.byteLength, world: readComponentWorld(component) };
}

(window as unknown as { authoring: unknown }).authoring = {
  bridge,
  warm: () => client.warm(),
  run,
  request,
  exportCurrent,
  logs,
};
document.body.dataset.ready = 'true';
