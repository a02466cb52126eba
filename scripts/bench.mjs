#!/usr/bin/env node
// `npm run bench`: builds, serves the production build, and measures in headless Chromium.
// Prints a table and writes bench/results.json.
import { buildAll, findChromium, runNode, startPreview } from './lib/harness.mjs';

const chromium = findChromium();
buildAll();
const server = await startPreview(Number(process.env.BENCH_PORT || 4180));
const code = await runNode(['--import', 'tsx', 'bench/run.ts'], { PG_URL: server.url, CHROMIUM_PATH: chromium });
server.stop();
process.exit(code);
