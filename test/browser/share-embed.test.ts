/**
 * Embedding (README "Embedding"): the sample docs page served by the playground embeds two
 * examples with `<spin-playground>`, each an iframe of the playground in embed mode with an
 * "Open in playground" link, and the embedded playground loads and runs its app.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, BrowserContext, Frame, Page } from 'playwright-core';
import { launchChromium } from '../support/chromium.ts';
import { PG_URL, newContext } from '../support/playground.ts';

const DOCS_PAGE = `${PG_URL}/__pg/docs-sample.html`;
let browser: Browser;

before(async () => {
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
});

async function openDocs(context: BrowserContext): Promise<Page> {
  const page = await context.newPage();
  // Tall enough that both lazy frames are in view and load.
  await page.setViewportSize({ width: 1200, height: 2400 });
  await page.goto(DOCS_PAGE);
  await page.waitForFunction(() => customElements.get('spin-playground') !== undefined);
  return page;
}

/** Query parameters of a URL, as a plain object, and its origin and path. */
function parts(href: string | null): { at: string; params: Record<string, string>; hash: string } {
  assert.ok(href, 'has a URL');
  const url = new URL(href);
  return { at: `${url.origin}${url.pathname}`, params: Object.fromEntries(url.searchParams), hash: url.hash };
}

describe('the sample docs page', () => {
  test('embeds two examples, each an iframe of the playground in embed mode with an "Open in playground" link', async () => {
    const context = await newContext(browser);
    const page = await openDocs(context);
    const frames = page.locator('spin-playground iframe');
    assert.equal(await frames.count(), 2);

    const kv = parts(await page.locator('#kv-basics iframe').getAttribute('src'));
    assert.deepEqual(kv, { at: `${PG_URL}/`, params: { embed: '1', example: 'kv-basics', show: 'request,kv' }, hash: '' });
    assert.match((await page.locator('#kv-basics iframe').getAttribute('src')) ?? '', /show=request,kv$/, 'the panel list stays readable');
    assert.equal(await page.locator('#kv-basics iframe').getAttribute('title'), 'Spin Playground: kv-basics');
    assert.equal(await page.locator('#kv-basics iframe').evaluate((el) => (el as HTMLIFrameElement).style.height), '460px');

    const guestbook = parts(await page.locator('#guestbook iframe').getAttribute('src'));
    assert.deepEqual(guestbook, { at: `${PG_URL}/`, params: { embed: '1', example: 'guestbook' }, hash: '' });

    const open = page.locator('#kv-basics a', { hasText: 'Open in playground' });
    assert.deepEqual(parts(await open.getAttribute('href')), { at: `${PG_URL}/`, params: { example: 'kv-basics' }, hash: '' });
    assert.equal(await open.getAttribute('target'), '_blank');
    assert.equal(await open.getAttribute('rel'), 'noopener');
    await context.close();
  });

  test("the embedded playground loads from the playground's origin and runs its example", async () => {
    const context = await newContext(browser);
    const page = await openDocs(context);
    const handle = await page.locator('#kv-basics iframe').elementHandle();
    const ui = (await handle?.contentFrame()) as Frame;
    await ui.waitForURL(/[?&]embed=1/, { timeout: 30_000 });
    assert.equal(new URL(ui.url()).origin, new URL(PG_URL).origin);
    // The preview is a frame inside the embedded playground; kv-basics answers its own page.
    const preview = await (await ui.waitForSelector('iframe[name="preview"]', { timeout: 60_000 })).contentFrame();
    assert.ok(preview);
    await preview.waitForURL(/^https?:/, { timeout: 60_000 });
    await preview.waitForFunction(() => /^set test-key = test-value\n/.test(document.body?.textContent ?? ''), undefined, { timeout: 90_000 });
    await context.close();
  });
});

describe('<spin-playground> attributes', () => {
  let context: BrowserContext;
  let page: Page;
  before(async () => {
    context = await newContext(browser);
    page = await context.newPage();
    // The script alone, on a page of the playground's origin: no frames need to load.
    await page.route(DOCS_PAGE, (route) =>
      route.fulfill({
        contentType: 'text/html',
        body: '<!doctype html><script src="embed.js"></script><spin-playground id="one" src="example:guestbook"></spin-playground>',
      }),
    );
    await page.goto(DOCS_PAGE);
  });
  after(async () => {
    await context?.close();
  });

  async function render(page: Page, attrs: Record<string, string>): Promise<{ src: string | null; open: string | null; error: string | null }> {
    return page.evaluate((a) => {
      const el = document.createElement('spin-playground');
      for (const [k, v] of Object.entries(a)) el.setAttribute(k, v);
      document.body.append(el);
      const shadow = el.shadowRoot!;
      const out = {
        src: shadow.querySelector('iframe')?.getAttribute('src') ?? null,
        open: shadow.querySelector('a')?.getAttribute('href') ?? null,
        error: shadow.querySelector('[role="alert"]')?.textContent ?? null,
      };
      el.remove();
      return out;
    }, attrs);
  }

  test('a manifest URL resolves against the docs page, and the path is passed on', async () => {
    const result = await render(page, { src: 'apps/hello/spin.toml', path: '/api/items', show: 'kv,bogus,kv,logs' });
    assert.deepEqual(parts(result.src), {
      at: `${PG_URL}/`,
      params: { embed: '1', app: `${PG_URL}/__pg/apps/hello/spin.toml`, show: 'kv,logs', path: '/api/items' },
      hash: '',
    });
    assert.deepEqual(parts(result.open), { at: `${PG_URL}/`, params: { app: `${PG_URL}/__pg/apps/hello/spin.toml`, path: '/api/items' }, hash: '' });
  });

  test('a share link fragment goes after # in both URLs', async () => {
    const result = await render(page, { src: 'share:v1.AbC_-9' });
    assert.deepEqual(parts(result.src), { at: `${PG_URL}/`, params: { embed: '1' }, hash: '#v1.AbC_-9' });
    assert.deepEqual(parts(result.open), { at: `${PG_URL}/`, params: {}, hash: '#v1.AbC_-9' });
  });

  test('the playground attribute points the frame at another playground', async () => {
    const result = await render(page, { src: 'example:guestbook', playground: 'https://play.example.com/' });
    assert.equal(result.src, 'https://play.example.com/?embed=1&example=guestbook');
  });

  test('a src that is not an example, an http(s) manifest URL or a share link shows an error and no frame', async () => {
    for (const src of ['javascript:alert(1)', 'example:Bad Name', 'share:not-a-link', '']) {
      const result = await render(page, src ? { src } : {});
      assert.equal(result.src, null, src);
      assert.match(result.error ?? '', /^spin-playground: /, src);
    }
  });

  test('attack: a playground attribute of javascript: or data: gets no frame and no link, and its script never runs', async () => {
    // Before the fix the attribute went into iframe.src and a.href as it was: the frame's
    // javascript: URL ran in the docs page's origin, and so did a click on the link.
    await page.evaluate(() => {
      delete (window as unknown as { pwned?: unknown }).pwned;
    });
    for (const playground of ['javascript:parent.pwned=1//', ' JavaScript:parent.pwned=1//', 'data:text/html,<script>parent.pwned=1</script>']) {
      const result = await page.evaluate((value) => {
        const el = document.createElement('spin-playground');
        el.setAttribute('src', 'example:guestbook');
        el.setAttribute('playground', value);
        document.body.append(el);
        const shadow = el.shadowRoot!;
        return {
          src: shadow.querySelector('iframe')?.getAttribute('src') ?? null,
          open: shadow.querySelector('a')?.getAttribute('href') ?? null,
          error: shadow.querySelector('[role="alert"]')?.textContent ?? null,
        };
      }, playground);
      assert.equal(result.src, null, playground);
      assert.equal(result.open, null, playground);
      assert.equal(result.error, 'spin-playground: the playground URL must be http or https.', playground);
    }
    // Give a javascript: frame, had one been made, time to run.
    await page.waitForTimeout(300);
    assert.equal(await page.evaluate(() => (window as unknown as { pwned?: unknown }).pwned), undefined);
    await page.evaluate(() => document.querySelectorAll('spin-playground:not(#one)').forEach((el) => el.remove()));
  });

  test('changing src re-renders the frame', async () => {
    await page.locator('#one').evaluate((el) => el.setAttribute('src', 'example:static-files'));
    assert.deepEqual(parts(await page.locator('#one iframe').getAttribute('src')).params, { embed: '1', example: 'static-files' });
  });
});
