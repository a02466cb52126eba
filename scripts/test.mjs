#!/usr/bin/env node
// `npm test`: everything, browser tests included, on a fresh machine. Finds or installs
// Chromium, builds, serves the production build, then runs unit and browser tests in one
// node:test run that ends with the line "N passed, N failed". The cross-browser tests
// (test/cross-browser/) also need Firefox and WebKitWebDriver: found or installed here, or
// reported skipped with the reason.
//
// The inner loop:
//   npm run test:unit                                   unit tests only (Node, no browser, no build)
//   npm test -- test/browser/ui-trace.test.ts           one or more files, after a full build
//   npm test -- --no-build test/browser/ui-trace.test.ts  the same against the existing dist/
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { buildAll, findChromium, prepareCrossBrowser, root, run, runNode, startPreview } from './lib/harness.mjs';

function testFiles(dir) {
  const full = join(root, dir);
  if (!existsSync(full)) return [];
  return readdirSync(full)
    .filter((f) => f.endsWith('.test.ts'))
    .sort()
    .map((f) => join(dir, f));
}

const args = process.argv.slice(2);
const unitOnly = args.includes('--unit');
const noBuild = args.includes('--no-build');
const chosen = args.filter((a) => !a.startsWith('--'));
// `--test-name-pattern=…` picks tests by name inside the chosen files (node:test's own option).
const patterns = args.filter((a) => a.startsWith('--test-name-pattern='));
for (const file of chosen) {
  if (!existsSync(join(root, file))) {
    console.error(`No such test file: ${file}`);
    process.exit(2);
  }
}
const files = chosen.length
  ? chosen
  : unitOnly
    ? testFiles('test/unit')
    : [...testFiles('test/unit'), ...testFiles('test/browser'), ...testFiles('test/cross-browser')];
const needsBrowser = !unitOnly && files.some((f) => !f.startsWith('test/unit/'));

const env = {};
let server;
// Unit tests read the built fixtures (test/fixtures/dist); building them is cached by source hash.
if (!needsBrowser && !noBuild) run(process.execPath, ['scripts/build-examples.mjs']);
if (needsBrowser) {
  env.CHROMIUM_PATH = findChromium();
  if (!noBuild) buildAll();
  else if (!existsSync(join(root, 'dist', 'index.html'))) {
    console.error('--no-build needs an existing production build in dist/: run `npm run build` first.');
    process.exit(2);
  }
  // A port of its own, so a running `npm run preview` on 4173 does not collide.
  // Pick TEST_PORT off the Fetch standard's bad-ports list (e.g. 4190 is): Node's fetch refuses
  // those, so the wait for vite preview below would look as if the server never answered.
  server = await startPreview(Number(process.env.TEST_PORT || 4179));
  env.PG_URL = server.url;
}
if (files.some((f) => f.startsWith('test/cross-browser/'))) Object.assign(env, await prepareCrossBrowser());
const code = await runNode(
  [
    '--import',
    'tsx',
    '--test',
    '--test-concurrency=1',
    '--test-reporter=spec',
    '--test-reporter-destination=stdout',
    '--test-reporter=./test/support/summary-reporter.mjs',
    '--test-reporter-destination=stdout',
    ...patterns,
    ...files,
  ],
  env,
);
server?.stop();
process.exit(code);
