import { defineConfig, type Plugin, type Connect } from 'vite';

/**
 * Every file of the playground itself lives under this prefix, on every origin. The preview
 * origin's service worker passes this prefix through and sends every other path to the app,
 * so a Spin app keeps its real paths (`/`, `/api/...`). See architecture.md §1.
 */
const BASE = '/__pg/';

/** Preview origins are `<project>.localhost` beside a UI on `localhost` (toolchain-notes §8a). */
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
  return {
    name: 'spin-playground-server',
    configureServer(server) {
      server.middlewares.use(middleware);
      // In dev the worker is TypeScript source; serve it at its production URL.
      server.middlewares.use((req, _res, next) => {
        if (req.url?.split('?')[0] === `${BASE}sw.js`) req.url = `${BASE}src/sw/sw.ts`;
        next();
      });
    },
    configurePreviewServer(server) {
      server.middlewares.use(middleware);
    },
  };
}

export default defineConfig({
  base: BASE,
  plugins: [playgroundServer()],
  // Chromium resolves *.localhost to loopback; bind IPv4 so it is reachable whatever `localhost`
  // resolves to first on this machine (toolchain-notes §8a).
  server: { host: '127.0.0.1', port: 5173 },
  preview: { host: '127.0.0.1', port: 4173, strictPort: true },
  worker: { format: 'es' },
  optimizeDeps: { exclude: ['@bytecodealliance/jco-transpile'] },
  build: {
    target: 'es2022',
    chunkSizeWarningLimit: 4096,
    rolldownOptions: {
      input: { main: 'index.html', runner: 'runner.html', sw: 'src/sw/sw.ts' },
      output: {
        entryFileNames: (chunk) => (chunk.name === 'sw' ? 'sw.js' : 'assets/[name]-[hash].js'),
      },
    },
  },
});
