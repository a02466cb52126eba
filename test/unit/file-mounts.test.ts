/** `files` and `exclude_files`, resolved against an app's files as Spin mounts them. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MountError, planMounts, toFileTree } from '../../src/engine/file-mounts.ts';
import type { SpinComponent } from '../../src/manifest/types.ts';

const bytes = (text: string) => new TextEncoder().encode(text).buffer as ArrayBuffer;
const bundle = {
  'app.wasm': bytes('wasm'),
  'static/index.html': bytes('<h1>hi</h1>'),
  'static/css/site.css': bytes('body{}'),
  'static/.hidden': bytes('h'),
  'static/draft.md': bytes('draft'),
  'README.md': bytes('readme'),
  'https://example.com/x.wasm': bytes('remote'),
};
const component = (files: SpinComponent['files'], excludeFiles: string[] = []): SpinComponent => ({
  id: 'web',
  source: { kind: 'file', path: 'app.wasm' },
  variables: {},
  environment: {},
  files,
  excludeFiles,
  allowedOutboundHosts: [],
  keyValueStores: [],
  sqliteDatabases: [],
  aiModels: [],
  dependencies: {},
  line: 1,
});
const paths = (m: Map<string, Uint8Array>) => [...m.keys()].sort();

test('a glob mounts each match at its path relative to the app folder', () => {
  assert.deepEqual(paths(planMounts(component([{ kind: 'glob', pattern: 'static/**/*' }]), bundle)), [
    '/static/.hidden',
    '/static/css/site.css',
    '/static/draft.md',
    '/static/index.html',
  ]);
});

test('exclude_files removes matches', () => {
  assert.deepEqual(paths(planMounts(component([{ kind: 'glob', pattern: 'static/**/*' }], ['**/*.md', 'static/.hidden']), bundle)), [
    '/static/css/site.css',
    '/static/index.html',
  ]);
});

test('{ source, destination } maps a folder or a file to a guest path', () => {
  assert.deepEqual(paths(planMounts(component([{ kind: 'mapping', source: 'static', destination: '/' }]), bundle)), [
    '/.hidden',
    '/css/site.css',
    '/draft.md',
    '/index.html',
  ]);
  assert.deepEqual(paths(planMounts(component([{ kind: 'mapping', source: 'README.md', destination: '/docs/readme.md' }]), bundle)), ['/docs/readme.md']);
});

test('a named file or folder that is missing is a clear error', () => {
  assert.throws(
    () => planMounts(component([{ kind: 'glob', pattern: 'missing.txt' }]), bundle),
    (e: Error) => e instanceof MountError && /files entry "missing.txt" is not among the app's files/.test(e.message),
  );
  assert.throws(
    () => planMounts(component([{ kind: 'mapping', source: 'assets', destination: '/' }]), bundle),
    /files source "assets" is not among the app's files/,
  );
  assert.throws(() => planMounts(component([{ kind: 'mapping', source: 'static', destination: 'rel' }]), bundle), /must be an absolute path/);
});

test('remote sources are never mounted as files', () => {
  assert.deepEqual(paths(planMounts(component([{ kind: 'glob', pattern: '**/*.wasm' }]), bundle)), ['/app.wasm']);
});

test('the tree has the shape preview2-shim mounts', () => {
  const tree = toFileTree(planMounts(component([{ kind: 'glob', pattern: 'static/css/*' }]), bundle));
  assert.deepEqual(Object.keys(tree.dir), ['static']);
  const css = (tree.dir.static as { dir: Record<string, { dir: Record<string, { source: Uint8Array }> }> }).dir.css!.dir['site.css']!;
  assert.equal(new TextDecoder().decode(css.source), 'body{}');
});
