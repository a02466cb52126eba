#!/usr/bin/env node
// `npm run lint`: Biome's formatter and linter over every TypeScript and JavaScript file
// (biome.json says which and which rules), then one rule Biome has no check for: no line longer
// than 160 characters, comments and strings included. `npm run format` applies the formatter and
// Biome's safe fixes; long comments and strings are wrapped by hand.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { root, run } from './lib/harness.mjs';

const MAX = 160;
run(process.execPath, ['node_modules/@biomejs/biome/bin/biome', 'ci', '--reporter=summary', '.']);

const tracked = execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard', '*.ts', '*.mts', '*.js', '*.mjs', '*.cjs'], {
  cwd: root,
  encoding: 'utf8',
})
  .split('\0')
  .filter(Boolean);
const long = [];
for (const file of tracked) {
  let text;
  try {
    text = readFileSync(`${root}/${file}`, 'utf8');
  } catch {
    continue; // listed but deleted in the work tree
  }
  text.split('\n').forEach((line, i) => {
    if (line.length > MAX) long.push(`${file}:${i + 1}: ${line.length} characters`);
  });
}
if (long.length) {
  console.error(`${long.length} line(s) longer than ${MAX} characters; wrap them:\n${long.join('\n')}`);
  process.exit(1);
}
console.log(`lint: ${tracked.length} files formatted, linted, and no line over ${MAX} characters.`);
