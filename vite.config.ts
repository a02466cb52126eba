import { defineConfig, loadEnv, type Plugin, type Connect } from 'vite';
import { deploymentError } from './src/runner/origins.ts';

/**
 * Every file of the playground itself lives under this prefix, on every origin. The preview
 * origin's service worker passes this prefix through and sends every other path to the app,
 * so a Spin app keeps its real paths (`/`, `/api/...`). See docs/architecture.md §1.
 */
const BASE = '/__pg/';

/** Preview origins are `<project>.localhost` beside a UI on `localhost` (docs/toolchain.md §8a). */
function isPreviewHost(host: string | undefined): boolean {
  const name = (host ?? '').split(':')[0] ?? '';
  return name.endsWith('.localhost');
}

/**
 * Dev and preview servers: the UI at `/`, the service worker allowed to take scope `/`,
 * and no SPA fallback on preview origins (a path the worker missed must not get index.html).
 */
function playgroundServer(): Plugin {
  const middleware: Connect.NextHandleFunction = (req, res, next) => {
    const url = req.url ?? '/';
    const path = url.split('?')[0] ?? '/';
    if (path === `${BASE}sw.js`) res.setHeader('Service-Worker-Allowed', '/');
    if (path.startsWith(BASE)) return next();
    if (isPreviewHost(req.headers.host)) {
      // The app's paths are answered by the service worker. Reaching the server means the worker
      // is not controlling this page yet (first load, hard reload) or was bypassed.
      res.statusCode = 404;
      res.setHeader('content-type', 'text/plain; charset=utf-8');
      res.end('This path belongs to a Spin app previewed by the playground; open it from the playground page.\n');
      return;
    }
    if (path === '/' || path === '/index.html' || path === '/embed') {
      req.url = BASE + url.slice(path.length);
    }
    next();
  };
  /** Print the UI's canonical URL: `localhost`, not 127.0.0.1 (which would be another site). */
  const printUiUrl = (server: { resolvedUrls: { local: string[] } | null; config: { logger: { info(m: string): void } } }) => {
    const local = server.resolvedUrls?.local[0];
    if (!local) return;
    const url = new URL(local);
    server.config.logger.info(`\n  Spin Playground: http://localhost:${url.port}/\n`);
  };
  return {
    name: 'spin-playground-server',
    configureServer(server) {
      const print = server.printUrls.bind(server);
      server.printUrls = () => {
        print();
        printUiUrl(server);
      };
      server.middlewares.use(middleware);
      // In dev the worker is TypeScript source; serve it at its production URL.
      server.middlewares.use((req, _res, next) => {
        if (req.url?.split('?')[0] === `${BASE}sw.js`) req.url = `${BASE}src/sw/sw.ts`;
        next();
      });
    },
    configurePreviewServer(server) {
      const print = server.printUrls.bind(server);
      server.printUrls = () => {
        print();
        printUiUrl(server);
      };
      server.middlewares.use(middleware);
    },
  };
}

/**
 * A production build for a known UI origin must give previews a site of their own. Without
 * VITE_UI_ORIGIN the build cannot know where it will be served (the tests and `npm run preview`
 * serve it on localhost), so the page makes the same check against its host at start-up.
 */
function checkOrigins(): Plugin {
  return {
    name: 'spin-playground-origins',
    apply: 'build',
    config(_config, { mode }) {
      const error = deploymentError(loadEnv(mode, process.cwd(), 'VITE_'));
      if (error) throw new Error(`Spin Playground: ${error}.`);
    },
  };
}

export default defineConfig({
  base: BASE,
  plugins: [playgroundServer(), checkOrigins()],
  // Chromium resolves *.localhost to loopback; bind IPv4 so it is reachable whatever `localhost`
  // resolves to first on this machine (docs/toolchain.md §8a).
  server: { host: '127.0.0.1', port: 5173 },
  preview: { host: '127.0.0.1', port: 4173, strictPort: true },
  worker: { format: 'es' },
  // tsconfig.json maps one file inside componentize-js that its package exports do not list.
  resolve: { tsconfigPaths: true },
  optimizeDeps: {
    // jco-transpile loads its core wasm via `new URL(..., import.meta.url)`; pre-bundling breaks that.
    exclude: ['@bytecodealliance/jco-transpile'],
    // Scan the runner and the engine Worker too, so a first `npm run dev` does not discover their
    // dependencies mid-load and force a reload.
    entries: ['index.html', 'runner.html', 'src/engine/worker.ts', 'src/sw/sw.ts', 'src/authoring/build-worker.ts'],
  },
  build: {
    target: 'es2022',
    chunkSizeWarningLimit: 4096,
    rolldownOptions: {
      onLog(level, log, handler) {
        // @iarna/toml probes for Node's util.inspect with a direct eval inside try/catch; in a
        // browser it is caught and harmless.
        if (log.code === 'EVAL' && log.id?.includes('@iarna/toml')) return;
        // jco-transpile's vendored bindgen starts with a "use components" directive bundlers ignore.
        if (log.code === 'MODULE_LEVEL_DIRECTIVE' && log.id?.includes('jco-transpile')) return;
        // Node-only branches of @iarna/toml (parse-stream) and jco-transpile (node:fs); unused here.
        if (/externalized for browser compatibility, imported by .*(@iarna\/toml\/parse-stream|jco-transpile\/vendor)/.test(log.message)) return;
        handler(level, log);
      },
      input: { main: 'index.html', runner: 'runner.html', sw: 'src/sw/sw.ts' },
      output: {
        entryFileNames: (chunk) => (chunk.name === 'sw' ? 'sw.js' : 'assets/[name]-[hash].js'),
      },
    },
  },
});
