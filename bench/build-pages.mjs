#!/usr/bin/env node
// Builds the benchmark's own pages (bench/pages/ -> bench/.build/pages/) with Vite, importing the
// playground's real modules from src/. Separate from the app's build: nothing here ships.
import { fileURLToPath } from 'node:url';
import { build } from 'vite';

const root = fileURLToPath(new URL('./pages/', import.meta.url));
await build({
  configFile: false,
  root,
  base: './',
  logLevel: 'warn',
  worker: { format: 'es' },
  build: {
    target: 'es2022',
    outDir: fileURLToPath(new URL('./.build/pages/', import.meta.url)),
    emptyOutDir: true,
    rolldownOptions: {
      // The same known-harmless warnings the app's own build silences (vite.config.ts).
      onLog(level, log, handler) {
        if (log.code === 'MODULE_LEVEL_DIRECTIVE' && log.id?.includes('jco-transpile')) return;
        if (/externalized for browser compatibility, imported by .*jco-transpile\/vendor/.test(log.message)) return;
        handler(level, log);
      },
      input: Object.fromEntries(['persist', 'hop', 'load'].map((name) => [name, fileURLToPath(new URL(`./pages/${name}.html`, import.meta.url))])),
    },
  },
});
