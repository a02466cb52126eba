/**
 * The project's Vite config plus the authoring harness and Worker as dependency-scan entries, so
 * that the dev server does not discover `typescript` or the splicer's imports mid-test and reload
 * the page. Used by test/browser/authoring.test.ts: `vite --config src/authoring/dev/vite.config.ts`.
 */
import { defineConfig, mergeConfig } from 'vite';
import base from '../../../vite.config';

const entries = base.optimizeDeps?.entries;
export default mergeConfig(
  base,
  defineConfig({
    optimizeDeps: {
      entries: [
        ...(Array.isArray(entries) ? entries : entries ? [entries] : []),
        'src/authoring/dev/harness.html',
        'src/authoring/build-worker.ts',
        'src/authoring/export.ts',
      ],
    },
  }),
);
