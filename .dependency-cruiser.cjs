/**
 * Which part of src/ may import which: `npm run lint:deps`, and a step of `npm test`.
 * docs/architecture.md ("Dependency rules") explains the layers; in short, from the bottom:
 *
 *   protocol/           leaf: the messages between contexts and the limits both sides read
 *   wasm/               the WebAssembly binary reader and writer (LEB128, sections); may use only bytes/
 *   wasi/               leaf: the one WASI preview1 (Spin 1 modules and the in-page Wizer)
 *   bytes/              leaf: the one base64 codec, SHA-256 helper, byte concatenation and byte-size format
 *   manifest/  storage/ leaves beside it: spin.toml's model; key-value and SQLite storage
 *   host/               the interfaces a component imports (may use bytes/, storage/, manifest/, protocol/, wasi/)
 *   engine/             loads apps and runs components (may use bytes/, host/, storage/, manifest/, protocol/, wasi/, wasm/);
 *                       only its Worker entry, engine/worker.ts, wires in authoring/prepared.ts
 *   authoring/          builds JS components in the page (may use engine/'s types, bytes/, wasi/ and wasm/)
 *   runner/  sw/        the preview origin's contexts (runner/ may use engine/'s router)
 *   loader/ share/ export/   opening, sharing and exporting apps (no engine, host or UI)
 *   ui/                 the page's panels: talks to the engine only through protocol/ messages
 *   page/               the page's parts, each with its own state (may also use the in-page builder's client)
 *   main.ts             wires the page's parts; nothing imports it
 *
 * Type-only imports count: a cycle through types is still a cycle for a reader.
 */
const folder = (name) => `^src/${name}/`;
const forbid = (name, from, to, comment, extra = {}) => ({
  name,
  comment,
  severity: 'error',
  from: { path: from, ...extra.from },
  to: { path: to, ...extra.to },
});

module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      comment: 'Modules must not import each other, directly or around a loop (type-only imports included).',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    forbid(
      'protocol-is-a-leaf',
      folder('protocol'),
      '^src/(?!protocol/)',
      'protocol/ holds only the shapes every context agrees on; it imports nothing else from src/.',
    ),
    forbid(
      'wasm-is-a-leaf',
      folder('wasm'),
      '^src/(?!wasm/|bytes/)',
      'wasm/ reads and writes WebAssembly binaries; it imports nothing from src/ but the leaf bytes/.',
    ),
    forbid('wasi-is-a-leaf', folder('wasi'), '^src/(?!wasi/)', 'wasi/ is WASI preview1 over guest memory; it imports nothing else from src/.'),
    forbid('bytes-is-a-leaf', folder('bytes'), '^src/(?!bytes/)', 'bytes/ holds pure byte helpers; it imports nothing else from src/.'),
    forbid('manifest-is-a-leaf', folder('manifest'), '^src/(?!manifest/|protocol/)', 'manifest/ parses spin.toml; it needs nothing but protocol/.'),
    forbid(
      'storage-is-a-leaf',
      folder('storage'),
      '^src/(?!storage/|protocol/)',
      'storage/ stores data; it knows nothing of components, the engine or the UI.',
    ),
    forbid(
      'host-below-engine',
      folder('host'),
      '^src/(?!host/|bytes/|storage/|manifest/|protocol/|wasi/)',
      'host/ implements the interfaces components import, with storage/, manifest/ and the leaves bytes/ and wasi/; it never reaches up.',
    ),
    {
      name: 'engine-below-ui-and-authoring',
      comment:
        'engine/ may use bytes/, host/, storage/, manifest/, protocol/, wasi/ and wasm/; only its Worker entry (engine/worker.ts) wires in the ' +
        'in-page builder.',
      severity: 'error',
      from: { path: folder('engine'), pathNot: '^src/engine/worker\\.ts$' },
      to: { path: '^src/(?!bytes/|engine/|host/|storage/|manifest/|protocol/|wasi/|wasm/)' },
    },
    forbid(
      'engine-worker-wires-only-authored-cores',
      '^src/engine/worker\\.ts$',
      '^src/(?!bytes/|engine/|host/|storage/|manifest/|protocol/|wasi/|wasm/|authoring/prepared\\.ts$)',
      'The engine Worker entry may add the authored-core adapter, nothing else from above the engine.',
    ),
    {
      name: 'authoring-uses-engine-types-only',
      comment:
        'authoring/ makes core modules and adapts them to engine/ types; it never reaches the UI or the preview contexts. Its dev/ harness drives ' +
        'a real engine, like a test.',
      severity: 'error',
      from: { path: folder('authoring'), pathNot: '^src/authoring/dev/' },
      to: { path: '^src/(?!authoring/|bytes/|engine/|protocol/|wasi/|wasm/)' },
    },
    forbid(
      'runner-above-engine',
      folder('runner'),
      '^src/(?!runner/|engine/router\\.ts$|manifest/|protocol/)',
      "runner/ supervises the engine Worker by messages; of the engine it imports only the router (to name a request's route).",
    ),
    forbid('sw-talks-protocol-only', folder('sw'), '^src/(?!sw/|protocol/)', 'The service worker is stateless and only relays protocol/ messages.'),
    forbid(
      'apps-not-engine',
      '^src/(loader|share|export)/',
      '^src/(engine|host|runner|sw|ui|page|authoring)/',
      'Opening, sharing and exporting apps work on bundles and files, not on the engine or the UI.',
    ),
    forbid(
      'ui-through-messages',
      folder('ui'),
      '^src/(engine|host|storage|runner|sw|authoring|page)/',
      'ui/ talks to the engine only through protocol/ messages (ui/engine-client.ts); main.ts wires the rest.',
    ),
    forbid(
      'page-parts-above-ui',
      folder('page'),
      '^src/(engine/|host/|storage/|runner/|sw/|authoring/(?!client\\.ts$|template\\.ts$))',
      'page/ holds the parts main.ts wires: like ui/, it reaches the engine only through protocol/ messages; of the in-page builder it uses only ' +
        'its client and template.',
    ),
    forbid('nothing-imports-main', '^src/', '^src/main\\.ts$', "main.ts is the page's entry: it wires the parts, and no part depends on it."),
  ],
  options: {
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    doNotFollow: { path: 'node_modules' },
    exclude: { path: 'node_modules' },
    reporterOptions: { text: { highlightFocused: true } },
  },
};
