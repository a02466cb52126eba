/**
 * Where a browser differs from a server, handled so apps behave as under `spin up`: cookies (a
 * service worker can neither set nor read them), streamed responses (server-sent events, large
 * bodies), and files mounted from `files` (the bundled static file server).
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser } from 'playwright-core';
import { launchChromium } from '../support/chromium.ts';
import { serveStatic, type StaticServer } from '../support/static-server.ts';
import { newContext, openPlayground, previewFrame, sendFromConsole } from '../support/playground.ts';

let browser: Browser;
let server: StaticServer;
before(async () => {
  browser = await launchChromium();
  server = await serveStatic(new URL('../fixtures/dist/js-extra/', import.meta.url).pathname);
});
after(async () => {
  await browser?.close();
  await server?.close();
});

describe('cookies', () => {
  test("an app's Set-Cookie is sent back on later requests, through the preview and the console", async () => {
    const context = await newContext(browser);
    const page = await openPlayground(context, `?app=${encodeURIComponent(`${server.url}/cookies/spin.toml`)}&preview=off`);
    assert.equal((await sendFromConsole(page, 'GET', '/whoami')).body, 'anonymous');
    const login = await sendFromConsole(page, 'GET', '/login');
    assert.match(login.headers, /^set-cookie: session=abc123; Path=\/; HttpOnly$/m);
    assert.equal((await sendFromConsole(page, 'GET', '/whoami')).body, 'session=abc123');
    // The preview's own fetches go through the service worker and see the same jar.
    await page
      .locator('iframe[name="preview"]')
      .evaluate((frame: HTMLIFrameElement, url) => (frame.src = url), new URL('/whoami', (await page.locator('#routes a').first().getAttribute('href'))!).href);
    const preview = await previewFrame(page);
    assert.equal(await preview.evaluate(() => document.body.textContent), 'session=abc123');
    await sendFromConsole(page, 'GET', '/logout');
    assert.equal((await sendFromConsole(page, 'GET', '/whoami')).body, 'anonymous');
    await context.close();
  });
});

describe('streaming', () => {
  test('server-sent events arrive as the component writes them, not all at the end', async () => {
    const context = await newContext(browser);
    const page = await openPlayground(context, `?app=${encodeURIComponent(`${server.url}/sse/spin.toml`)}`);
    const preview = await previewFrame(page);
    const arrivals = await preview.evaluate(async () => {
      const started = performance.now();
      const reader = (await fetch('/events')).body!.getReader();
      const chunks: Array<{ at: number; text: string }> = [];
      for (;;) {
        const { done, value } = await reader.read();
        if (done) return chunks;
        chunks.push({ at: performance.now() - started, text: new TextDecoder().decode(value) });
      }
    });
    assert.equal(arrivals.map((c) => c.text).join(''), 'data: 1\n\ndata: 2\n\ndata: 3\n\ndata: 4\n\ndata: 5\n\n');
    assert.ok(arrivals.length >= 3, `several chunks, not one buffered body (${arrivals.length})`);
    assert.ok(
      arrivals.at(-1)!.at - arrivals[0]!.at >= 250,
      `the first event arrives well before the last (${arrivals.map((c) => c.at.toFixed(0)).join(', ')} ms)`,
    );
    const events = await preview.evaluate(
      () =>
        new Promise<string[]>((resolve) => {
          const received: string[] = [];
          const source = new EventSource('/events');
          source.onmessage = (event) => {
            received.push(event.data as string);
            if (received.length === 5) {
              source.close();
              resolve(received);
            }
          };
        }),
    );
    assert.deepEqual(events, ['1', '2', '3', '4', '5']);
    await context.close();
  });

  test('a 5 MiB body arrives intact', async () => {
    const context = await newContext(browser);
    const page = await openPlayground(context, `?app=${encodeURIComponent(`${server.url}/sse/spin.toml`)}`);
    const preview = await previewFrame(page);
    const check = await preview.evaluate(async () => {
      const bytes = new Uint8Array(await (await fetch('/big')).arrayBuffer());
      const pattern = new TextEncoder().encode('abcdefghij');
      let intact = true;
      for (let i = 0; i < bytes.length; i++) if (bytes[i] !== pattern[i % 10]) intact = false;
      return { length: bytes.length, intact };
    });
    assert.deepEqual(check, { length: 5 * 1024 * 1024, intact: true });
    await context.close();
  });
});

describe('files', () => {
  test('the static file server example serves its mounted files: HTML, CSS and a page script', async () => {
    const context = await newContext(browser);
    const page = await openPlayground(context, '?example=static-files');
    const preview = await previewFrame(page);
    await preview.waitForFunction(() => document.getElementById('js-ran')?.textContent === 'yes');
    const color = await preview.evaluate(() => getComputedStyle(document.querySelector('h1')!).color);
    assert.notEqual(color, 'rgb(0, 0, 0)', 'style.css applied');
    await preview.locator('a[href="/about.html"]').click();
    await preview.waitForURL(/\/about\.html$/);
    const css = await sendFromConsole(page, 'GET', '/style.css');
    assert.match(css.headers, /^content-type: text\/css/m);
    const missing = await sendFromConsole(page, 'GET', '/nope.txt');
    assert.match(missing.status, /^404\b/);
    // URL parsing resolves an encoded `..` segment, so this asks for /spin.toml, which is not mounted.
    const resolved = await sendFromConsole(page, 'GET', '/%2e%2e/spin.toml');
    assert.match(resolved.status, /^404\b/);
    assert.doesNotMatch(resolved.body, /spin_manifest_version/);
    // An encoded slash keeps `..` inside one segment; the app's guard refuses it.
    const traversal = await sendFromConsole(page, 'GET', '/..%2fspin.toml');
    assert.match(traversal.status, /^400\b/);
    assert.equal(traversal.body, 'Bad Request: path traversal is not allowed\n');
    await context.close();
  });
});
