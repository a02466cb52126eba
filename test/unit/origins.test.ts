/**
 * Preview origins: a path never moves a URL to another host, and a deployment cannot put
 * previews on the UI's own site (at build time when the UI origin is known, otherwise at start-up).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { resolveConfig } from 'vite';
import { deploymentError, previewOriginFor, uiOriginFor } from '../../src/runner/origins.ts';
import { urlOnOrigin } from '../../src/protocol/url-on-origin.ts';

const ORIGIN = 'http://ex-kv-basics.localhost:4173';

test('attack: paths that would change the host (userinfo, another domain, a port, //host, backslashes) get no URL', () => {
  // Joined as text (as the preview panel and the route links did), `@evil.com` moves the host.
  const deployed = 'https://ex-kv-basics.example-preview.com';
  assert.equal(new URL(`${ORIGIN}@evil.com`).hostname, 'evil.com');
  assert.equal(new URL(`${deployed}.evil.com/x`).hostname, 'ex-kv-basics.example-preview.com.evil.com');
  assert.equal(urlOnOrigin(deployed, '.evil.com/x'), null);
  for (const path of ['@evil.com', '@evil.com/x', '.evil.com/x', ':8443/', '//evil.com/x', '/\\evil.com/x', '\\\\evil.com', 'http://evil.com/', '']) {
    assert.equal(urlOnOrigin(ORIGIN, path), null, path);
  }
  assert.equal(urlOnOrigin(ORIGIN, '/@evil.com')?.href, `${ORIGIN}/@evil.com`);
  assert.equal(urlOnOrigin(ORIGIN, '/a/b?x=1#h')?.href, `${ORIGIN}/a/b?x=1#h`);
  assert.equal(urlOnOrigin(ORIGIN, '/')?.href, `${ORIGIN}/`);
});

test('the example preview pattern is a registrable domain apart from the UI', () => {
  const ui = { protocol: 'https:', host: 'play.example.com', hostname: 'play.example.com' };
  assert.equal(
    previewOriginFor('p-abc', ui, { previewPattern: 'https://{project}.example-preview.com', production: true }),
    'https://p-abc.example-preview.com',
  );
  assert.equal(
    uiOriginFor({ protocol: 'https:', host: 'p-abc.example-preview.com' }, { uiOrigin: 'https://play.example.com', production: true }),
    'https://play.example.com',
  );
});

test('attack: a production page on a non-localhost host without a preview pattern refuses to start, saying why', () => {
  const ui = { protocol: 'https:', host: 'play.example.com', hostname: 'play.example.com' };
  assert.throws(
    () => previewOriginFor('p-abc', ui, { production: true }),
    /built without VITE_PREVIEW_ORIGIN, so each app's preview would be on <project>\.play\.example\.com, the same site as the UI/,
  );
  // Development, and a production build served on this machine, keep `<project>.localhost`.
  assert.equal(previewOriginFor('p-abc', ui, { production: false }), 'https://p-abc.play.example.com');
  for (const [host, hostname] of [
    ['localhost:4173', 'localhost'],
    ['127.0.0.1:4173', '127.0.0.1'],
  ]) {
    assert.equal(previewOriginFor('p-abc', { protocol: 'http:', host: host!, hostname: hostname! }, { production: true }), 'http://p-abc.localhost:4173');
  }
});

test('deploymentError: which build variables are refused, and why', () => {
  assert.equal(deploymentError({}), undefined);
  assert.equal(deploymentError({ VITE_UI_ORIGIN: 'http://localhost:8080' }), undefined);
  assert.equal(deploymentError({ VITE_UI_ORIGIN: 'https://play.example.com', VITE_PREVIEW_ORIGIN: 'https://{project}.example-preview.com' }), undefined);
  assert.match(deploymentError({ VITE_UI_ORIGIN: 'https://play.example.com' }) ?? '', /built without VITE_PREVIEW_ORIGIN/);
  assert.match(deploymentError({ VITE_PREVIEW_ORIGIN: 'https://{project}.example-preview.com' }) ?? '', /without VITE_UI_ORIGIN/);
  assert.match(
    deploymentError({ VITE_UI_ORIGIN: 'https://play.example.com', VITE_PREVIEW_ORIGIN: 'https://{project}.play.example.com' }) ?? '',
    /under the UI's host play\.example\.com, the same site/,
  );
  assert.match(
    deploymentError({ VITE_UI_ORIGIN: 'https://play.example.com', VITE_PREVIEW_ORIGIN: 'https://preview.example-preview.com' }) ?? '',
    /has no \{project\}/,
  );
});

test('attack: `vite build` for a non-localhost VITE_UI_ORIGIN without VITE_PREVIEW_ORIGIN fails with that message', async () => {
  const saved = { ui: process.env.VITE_UI_ORIGIN, preview: process.env.VITE_PREVIEW_ORIGIN };
  process.env.VITE_UI_ORIGIN = 'https://play.example.com';
  delete process.env.VITE_PREVIEW_ORIGIN;
  try {
    await assert.rejects(
      resolveConfig({ configFile: 'vite.config.ts', mode: 'production', logLevel: 'silent' }, 'build'),
      /Spin Playground: the playground at https:\/\/play\.example\.com was built without VITE_PREVIEW_ORIGIN/,
    );
    process.env.VITE_PREVIEW_ORIGIN = 'https://{project}.example-preview.com';
    await resolveConfig({ configFile: 'vite.config.ts', mode: 'production', logLevel: 'silent' }, 'build');
  } finally {
    if (saved.ui === undefined) delete process.env.VITE_UI_ORIGIN;
    else process.env.VITE_UI_ORIGIN = saved.ui;
    if (saved.preview === undefined) delete process.env.VITE_PREVIEW_ORIGIN;
    else process.env.VITE_PREVIEW_ORIGIN = saved.preview;
  }
});
