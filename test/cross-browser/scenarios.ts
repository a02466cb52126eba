/**
 * The cross-browser suite: each scenario written once over the driver interface
 * (test/support/browser-driver.ts) and registered for one engine by `crossBrowserSuite`. The
 * assertions are those of the Chromium tests named beside each scenario. Scenarios share one
 * profile per engine where they do not depend on a fresh one, so a component transpiled once
 * (cached per preview origin) is not transpiled again: WebKit takes half a minute for the 12 MB
 * JavaScript components. Each engine file (chromium/firefox/webkit.test.ts) only says how to launch.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { unzipSync } from 'fflate';
import initSqlJs from 'sql.js';
import type { BrowserDriver, EngineName, Profile, Tab } from '../support/browser-driver.ts';
import { waitUntil } from '../support/browser-driver.ts';
import { serveStatic, type StaticServer } from '../support/static-server.ts';
import { startEchoServer } from '../support/echo-server.ts';
import {
  fetchInFrame,
  frameText,
  kvEntries,
  openPlayground,
  PG_URL,
  PREVIEW,
  RUNNER,
  regionText,
  sendFromConsole,
  setKv,
  text,
  waitForLog,
  waitForStatus,
} from './playground-steps.ts';

const KV_BASICS_BODY =
  'set test-key = test-value\nexists(test-key) = true\nkeys = ["test-key"]\nget(test-key) = test-value\ndelete test-key\nexists(test-key) = false\n';
const SYNC_GLUE = /synchronous glue, without JSPI/;

interface Suite {
  engine: EngineName;
  /** The profile scenarios share; `fresh()` replaces it (closing the old one first). */
  profile(): Profile;
  fresh(): Promise<Profile>;
  fixtures: StaticServer;
  apps: StaticServer;
  echoPort: number;
}

/** Open a tab in the shared profile, run `body`, close the tab whatever happens. */
async function inTab(suite: Suite, body: (tab: Tab) => Promise<void>): Promise<void> {
  const tab = await suite.profile().newTab();
  try {
    await body(tab);
  } finally {
    await tab.close().catch(() => undefined);
  }
}

/** GET /g/<key> for each key through the service worker, in one page script. */
async function readAll(tab: Tab, keys: string[]): Promise<string[]> {
  await frameText(tab, RUNNER);
  return tab.evaluateInFrame(RUNNER, async (keys) => Promise.all(keys.map(async (key) => (await fetch(`/g/${key}`)).text())), keys);
}

const fixtureApp = (suite: Suite, app: string, extra = '') => `?app=${encodeURIComponent(`${suite.fixtures.url}/${app}/spin.toml`)}${extra}`;

/** Engines where a scenario is known to fail, with why: run and reported as TODO, never hidden. */
const KNOWN: Record<string, Partial<Record<EngineName, string>>> = {};

const SCENARIOS: Array<[string, (suite: Suite) => Promise<void>]> = [
  // foundation.test.ts "kv-basics answers in the preview and in the request console"; no-jspi.test.ts
  [
    'the default app answers in the preview and in the request console, on the glue its engine needs',
    (suite) =>
      inTab(suite, async (tab) => {
        await openPlayground(tab);
        assert.equal(await frameText(tab, PREVIEW, /exists\(test-key\) = false/), KV_BASICS_BODY);
        const response = await sendFromConsole(tab, 'GET', '/');
        assert.match(response.status, /^200\b/);
        assert.equal(response.body, KV_BASICS_BODY);
        assert.match(response.headers, /^content-type: text\/plain/m);
        assert.match(response.headers, new RegExp(`^content-length: ${KV_BASICS_BODY.length}$`, 'm'));
        // The editor loads after the app answers.
        await waitUntil('the manifest in the editor', async () => /key_value_stores/.test(await regionText(tab, 'Manifest')));
        // WebKit has no JSPI, so it is the engine that runs the synchronous path for real.
        const loaded = await waitForLog(tab, /kv-basics.*loaded app\.wasm/);
        if (suite.engine === 'webkit') assert.match(loaded, SYNC_GLUE);
        else assert.doesNotMatch(loaded, SYNC_GLUE);
      }),
  ],
  // share-embed.test.ts "the sample docs page"
  [
    'the embed sample page frames the playground in embed mode, and the embedded example runs',
    (suite) =>
      inTab(suite, async (tab) => {
        await tab.goto(`${PG_URL}/__pg/docs-sample.html`);
        const frames = await waitUntil('two embedded playgrounds', async () => {
          const srcs = await tab.evaluate(
            () => Array.from(document.querySelectorAll('spin-playground')).map((el) => el.shadowRoot?.querySelector('iframe')?.getAttribute('src') ?? ''),
            null,
          );
          return srcs.length === 2 && srcs.every(Boolean) ? srcs : null;
        });
        const params = frames.map((src) => Object.fromEntries(new URL(src).searchParams));
        assert.deepEqual(params, [
          { embed: '1', example: 'kv-basics', show: 'request,kv' },
          { embed: '1', example: 'guestbook' },
        ]);
        assert.ok(
          frames.every((src) => src.startsWith(`${PG_URL}/?`)),
          frames.join('\n'),
        );
        const open = await tab.evaluate(() => {
          const a = document.getElementById('kv-basics')?.shadowRoot?.querySelector<HTMLAnchorElement>('a[target="_blank"]');
          return { text: a?.textContent ?? '', href: a?.href ?? '', rel: a?.rel ?? '' };
        }, null);
        assert.deepEqual(open, { text: 'Open in playground \u2197', href: `${PG_URL}/?example=kv-basics`, rel: 'noopener' });
        // The frames load lazily, as a reader scrolls to them.
        await tab.evaluate(() => document.getElementById('kv-basics')!.scrollIntoView(), null);
        await frameText(tab, ['#kv-basics >>> iframe', 'iframe[name="preview"]'], /^set test-key = test-value\n/, 240_000);
      }),
  ],
  // foundation.test.ts "a bad manifest shows "line L, column C" and the offending id"
  [
    'a bad manifest shows its errors at line and column',
    (suite) =>
      inTab(suite, async (tab) => {
        await openPlayground(tab, `?app=${encodeURIComponent(`${suite.apps.url}/bad/spin.toml`)}`, 'error');
        const problems = await text(tab, '[aria-label="Problems"]');
        assert.match(problems, /spin\.toml line 8, column 13: words must be separated with '-', not '_'/);
        assert.match(problems, /spin\.toml line 10, column 12: words must be separated with '-', not '_'/);
      }),
  ],
  // robustness.test.ts "a busy loop gets 504 …" and "through the service worker too". A 4 s timeout
  // rather than 1.5 s: a fresh engine's first request on WebKit's synchronous path, on a loaded
  // 2-core machine, can take longer than 1.5 s, which would be a second (correct) 504.
  [
    'a busy loop is answered 504, in the console and through the service worker, and a fresh engine serves the data',
    (suite) =>
      inTab(suite, async (tab) => {
        await openPlayground(tab, fixtureApp(suite, 'apps/busy-loop', '&preview=off&timeout=4000'));
        assert.equal((await sendFromConsole(tab, 'PUT', '/s/kept')).body, 'ok');
        const spun = await sendFromConsole(tab, 'GET', '/spin/forever');
        assert.match(spun.status, /^504\b/);
        assert.match(spun.body, /route "\/spin\/\.\.\." of component "spinner" did not respond within 4000 ms/);
        await waitForLog(
          tab,
          new RegExp(
            /GET \/spin\/forever: route "\/spin\/\.\.\." of component "spinner" did not start its response within 4000 ms; /.source +
              /answered 504 and restarting the engine/.source,
          ),
        );
        await waitForLog(tab, /engine restarted in \d+ ms \(GET \/spin\/forever timed out after 4000 ms\)/);
        const kept = await sendFromConsole(tab, 'GET', '/g/kept');
        assert.match(kept.status, /^200\b/, kept.body);
        assert.equal(kept.body, 'kept'.repeat(100));
        assert.equal((await fetchInFrame(tab, RUNNER, '/s/sw', 'POST')).body, 'ok');
        assert.equal((await fetchInFrame(tab, RUNNER, '/spin')).status, 504);
        const after = await waitUntil('the engine back after the second restart', async () => {
          const answer = await fetchInFrame(tab, RUNNER, '/g/sw');
          return answer.status === 200 ? answer : null;
        });
        assert.equal(after.body, 'sw'.repeat(100));
      }),
  ],
  // lifecycle.test.ts "several tabs on one project"
  [
    'two tabs on one project share one engine, and the second takes over with every write when the first closes',
    async (suite) => {
      const a = await suite.profile().newTab();
      const b = await suite.profile().newTab();
      try {
        const query = fixtureApp(suite, 'apps/kv-path', '&preview=off');
        await openPlayground(a, query);
        await openPlayground(b, query);
        const keys = Array.from({ length: 10 }, (_, i) => `t${i}`);
        for (const [i, key] of keys.entries()) {
          const writer = i % 2 ? a : b;
          const answer = i % 3 ? await sendFromConsole(writer, 'PUT', `/s/${key}`) : await fetchInFrame(writer, RUNNER, `/s/${key}`, 'PUT');
          assert.equal(answer.body, 'ok', `write ${key}`);
        }
        const expected = keys.map((key) => key.repeat(100));
        for (const [name, reader] of [
          ['a', a],
          ['b', b],
        ] as const)
          assert.deepEqual(await readAll(reader, keys), expected, `tab ${name} reads every write`);
        await a.close();
        const taken = await waitUntil('the remaining tab to answer', async () => {
          const r = await sendFromConsole(b, 'GET', `/g/${keys[0]}`);
          return /^200\b/.test(r.status) ? r : null;
        });
        assert.equal(taken.body, expected[0]);
        assert.deepEqual(await readAll(b, keys), expected, 'after the take-over, every write is still there');
      } finally {
        await a.close().catch(() => undefined);
        await b.close().catch(() => undefined);
      }
    },
  ],
  // share-ui.test.ts "Export app gives a zip whose key-value database has the rows"
  [
    'Export app gives a zip whose key-value database has the rows',
    (suite) =>
      inTab(suite, async (tab) => {
        await openPlayground(tab, fixtureApp(suite, 'apps/kv-path', '&preview=off'));
        const marker = `export-${Date.now().toString(36)}`;
        await setKv(tab, 'export-test', marker);
        const expected = await kvEntries(tab);
        const zip = await tab.download('button', 'Export app');
        assert.match(zip.name, /\.zip$/);
        const entries = unzipSync(zip.bytes);
        const dbName = Object.keys(entries).find((n) => n.endsWith('.spin/sqlite_key_value.db'));
        assert.ok(dbName, Object.keys(entries).join(', '));
        assert.ok(Object.keys(entries).some((n) => n.endsWith('spin.toml')));
        const SQL = await initSqlJs();
        const db = new SQL.Database(entries[dbName]!);
        const rows = db.exec("SELECT key, value FROM spin_key_value WHERE store = 'default' ORDER BY key")[0]?.values ?? [];
        db.close();
        const found = Object.fromEntries(rows.map(([k, v]) => [String(k), new TextDecoder().decode(v as Uint8Array)]));
        assert.equal(found['export-test'], marker);
        assert.deepEqual(found, expected);
      }),
  ],
  // share-ui.test.ts "Share: the link opens in a fresh browser as a new project …"
  [
    'a share link opens in a fresh profile as a new project with the same response and key-value data',
    async (suite) => {
      let link = '';
      let original: Record<string, string> = {};
      let before = { status: '', body: '' };
      await inTab(suite, async (tab) => {
        await openPlayground(tab, fixtureApp(suite, 'apps/kv-path', '&preview=off'));
        await setKv(tab, 'shared', `shared-${Date.now().toString(36)}`);
        before = await sendFromConsole(tab, 'GET', '/g/shared');
        await tab.click('button', 'Share');
        link = await waitUntil('the share link', () => text(tab, 'input[aria-label="Share link"]'));
        assert.match(link, /#v1\./);
        original = await kvEntries(tab);
      });
      const reader = await (await suite.fresh()).newTab();
      try {
        await reader.goto(link);
        await waitForStatus(reader, 'Running');
        const url = await reader.url();
        assert.match(url, /\?project=p-/, 'opened as a new project');
        assert.equal(new URL(url).hash, '');
        assert.deepEqual(await kvEntries(reader), original);
        assert.equal(await text(reader, '[role="region"][aria-label="Request"] [aria-label="Path"]'), '/g/shared');
        const after = await sendFromConsole(reader, 'GET', '/g/shared');
        assert.equal(after.status.split(' ')[0], before.status.split(' ')[0]);
        assert.equal(after.body, before.body);
      } finally {
        await reader.close();
      }
    },
  ],
  // foundation.test.ts "a link, a form post and a page-script fetch … the data survives a reload"
  [
    "a JavaScript app's form post reaches its key-value store, and the data survives a reload",
    (suite) =>
      inTab(suite, async (tab) => {
        await openPlayground(tab, '?example=guestbook');
        await frameText(tab, PREVIEW, /\S/);
        // The page script's fetch('/api/entries') fills #live-count.
        await waitUntil('the page script to fill #live-count', () =>
          tab.evaluateInFrame(PREVIEW, () => /^\d+$/.test(document.getElementById('live-count')?.textContent ?? ''), null),
        );
        const unique = `hello ${suite.engine} ${Date.now()}`;
        await tab.evaluateInFrame(
          PREVIEW,
          (message) => {
            document.querySelector<HTMLInputElement>('input[name="name"]')!.value = 'Tester';
            document.querySelector<HTMLTextAreaElement>('[name="message"]')!.value = message;
            document.querySelector('form')!.requestSubmit();
          },
          unique,
        );
        await frameText(tab, PREVIEW, new RegExp(unique));
        await tab.reload();
        await waitForStatus(tab, 'Running');
        await frameText(tab, PREVIEW, new RegExp(unique));
        const api = await sendFromConsole(tab, 'GET', '/api/entries');
        assert.ok(
          (JSON.parse(api.body) as Array<{ message: string }>).some((e) => e.message === unique),
          api.body,
        );
      }),
  ],
  // no-jspi.test.ts "outbound HTTP goes out with synchronous XMLHttpRequest"; ui-trace.test.ts
  [
    'outbound HTTP to an allowed local server returns the echo and the Trace shows the call; a redirect outside the list is refused',
    (suite) =>
      inTab(suite, async (tab) => {
        await openPlayground(tab, fixtureApp(suite, 'conformance/outbound-wasi-http', '&preview=off'));
        await runWithUrl(tab, `http://127.0.0.1:${suite.echoPort}/`);
        const response = await sendFromConsole(tab, 'GET', '/');
        assert.match(response.status, /^200\b/, response.body);
        assert.equal(response.body, 'Hello, world!');
        const trace = await waitUntil('the outbound call in the Trace', async () => {
          const t = await regionText(tab, 'Trace');
          return new RegExp(`outbound POST http://127\\.0\\.0\\.1:${suite.echoPort}/ → ok\\(200`).test(t) ? t : null;
        });
        assert.ok(trace);
        const loaded = await waitForLog(tab, /loaded app\.wasm/);
        if (suite.engine === 'webkit') assert.match(loaded, SYNC_GLUE, 'WebKit goes out with synchronous XMLHttpRequest');
        // outbound-allow-list.test.ts: an open redirect on the allowed server to a host outside the
        // list gives the guest an error, never the outside body. With fetch (JSPI engines) the
        // outside server is not even contacted; synchronous XHR (WebKit) always follows, so there
        // the playground checks responseURL and withholds the body.
        const outside = await startEchoServer({ host: '127.0.0.2' });
        try {
          await runWithUrl(tab, `http://127.0.0.1:${suite.echoPort}/redirect/${encodeURIComponent(`${outside.origin}/`)}`);
          const redirected = await sendFromConsole(tab, 'GET', '/');
          assert.match(redirected.status, /^500\b/, redirected.body);
          assert.doesNotMatch(redirected.body, /Hello, world!/);
          await waitForLog(tab, /redirect.*not followed/);
          if (suite.engine !== 'webkit') assert.equal(outside.requests, 0, 'the server outside allowed_outbound_hosts was contacted');
        } finally {
          await outside.close();
        }
      }),
  ],
  // spin4.test.ts: a WASI 0.3 (Spin 4) component answers with its streamed echo where the engine
  // has JSPI (Chromium, Firefox), and is refused at load, naming JSPI, where it has not (WebKit).
  [
    'a Spin 4 (WASI 0.3) component answers where the engine has JSPI, and is refused by name where it has not',
    (suite) =>
      inTab(suite, async (tab) => {
        if (suite.engine === 'webkit') {
          await openPlayground(tab, fixtureApp(suite, 'apps/p3-echo', '&preview=off'), 'error');
          const problems = await text(tab, '#problems');
          assert.match(problems, /exports wasi:http\/handler@0\.3\.0-rc-2026-03-15/);
          assert.match(problems, /needs JSPI \(JavaScript Promise Integration/);
          assert.match(problems, /Chromium-based browser/);
          assert.match(problems, /Firefox/);
          return;
        }
        await openPlayground(tab, fixtureApp(suite, 'apps/p3-echo', '&preview=off'));
        const body = 'hello from a Spin 4 client';
        const response = await sendFromConsole(tab, 'POST', '/anything?x=1', body);
        assert.match(response.status, /^200\b/, response.body);
        assert.match(response.headers, /x-echo: p3/);
        assert.equal(response.body, body);
      }),
  ],
];

/** Set the outbound app's `url` variable and run it again. */
async function runWithUrl(tab: Tab, url: string): Promise<void> {
  await tab.evaluate((url) => {
    (document.querySelector('#variables') as HTMLDetailsElement).open = true;
    const input = document.querySelector<HTMLInputElement>('#variables [aria-label="Variable url"]')!;
    input.value = url;
    input.dispatchEvent(new Event('input', { bubbles: true }));
  }, url);
  await tab.evaluate(() => {
    const status = document.getElementById('status')!;
    status.textContent = '';
    status.classList.remove('error');
  }, null);
  await tab.click('button', 'Run');
  await waitForStatus(tab, 'Running');
}

/**
 * Register every scenario for one engine. `skip` (the reason the engine is not available, from
 * `npm test`) marks each test skipped with that reason, so the summary counts them.
 */
export function crossBrowserSuite(label: string, engine: EngineName, launch: () => Promise<BrowserDriver>, skip?: string): void {
  let driver: BrowserDriver | undefined;
  let current: Profile | undefined;
  let fixtures: StaticServer | undefined;
  let apps: StaticServer | undefined;
  let echo: { port: number; close(): Promise<void> } | undefined;
  let suite: Suite | undefined;
  let started = 0;

  before(async () => {
    if (skip) return;
    started = Date.now();
    driver = await launch();
    console.log(`# ${label}: ${driver.version}`);
    fixtures = await serveStatic(new URL('../fixtures/dist/', import.meta.url).pathname);
    const dir = mkdtempSync(join(tmpdir(), 'spin-xb-apps-'));
    mkdirSync(join(dir, 'bad'));
    writeFileSync(
      join(dir, 'bad', 'spin.toml'),
      'spin_manifest_version = 2\n\n[application]\nname = "bad"\n\n[[trigger.http]]\nroute = "/..."\ncomponent = ' +
        '"bad_id"\n\n[component.bad_id]\nsource = "x.wasm"\n',
    );
    apps = await serveStatic(dir);
    echo = await startEchoServer();
    current = await driver.newProfile();
    const d = driver;
    suite = {
      engine: d.engine,
      profile: () => current!,
      async fresh() {
        await current?.close();
        current = await d.newProfile();
        return current;
      },
      fixtures,
      apps,
      echoPort: echo.port,
    };
  });

  after(async () => {
    await current?.close().catch(() => undefined);
    await driver?.close();
    await fixtures?.close();
    await apps?.close();
    await echo?.close();
    if (started) console.log(`# ${label}: the cross-browser scenarios took ${((Date.now() - started) / 1000).toFixed(1)} s`);
  });

  for (const [name, scenario] of SCENARIOS) {
    test(`${label}: ${name}`, { skip, todo: skip ? undefined : KNOWN[name]?.[engine] }, () => scenario(suite!));
  }
}
