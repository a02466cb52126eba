#!/usr/bin/env node
// `npm test`: everything, browser tests included, on a fresh machine. Finds or installs
// Chromium, builds, serves the production build, then runs unit and browser tests in one
// node:test run that ends with the line "N passed, N failed".
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { buildAll, findChromium, root, runNode, startPreview } from './lib/harness.mjs';

function testFiles(dir) {
  const full = join(root, dir);
  if (!existsSync(full)) return [];
  return readdirSync(full).filter((f) => f.endsWith('.test.ts')).sort().map((f) => join(dir, f));
}

const chromium = findChromium();
buildAll();
// A port of its own, so a running `npm run preview` on 4173 does not collide.
const server = await startPreview(Number(process.env.TEST_PORT || 4179));
const code = await runNode(
  [
    '--import', 'tsx',
    '--test', '--test-concurrency=1',
    '--test-reporter=spec', '--test-reporter-destination=stdout',
    '--test-reporter=./test/support/summary-reporter.mjs', '--test-reporter-destination=stdout',
    ...testFiles('test/unit'),
    ...testFiles('test/browser'),
  ],
  { PG_URL: server.url, CHROMIUM_PATH: chromium },
);
server.stop();
process.exit(code);
