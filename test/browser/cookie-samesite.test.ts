/**
 * The engine's cookie jar honours SameSite (src/engine/cookie-jar.ts): a request another
 * project's app starts in this project's origin (a form post, a frame) arrives without this
 * project's Lax cookies, while the project's own pages and the playground's preview still get
 * them. Against the production build, in Chromium.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, Frame } from 'playwright-core';
import { launchChromium } from '../support/chromium.ts';
import { serveStatic, type StaticServer } from '../support/static-server.ts';
import { newContext, openPlayground, previewFrame, sendFromConsole } from '../support/playground.ts';
import { servePagesApp } from '../support/pages-app.ts';

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

async function frameText(frame: Frame, url: RegExp): Promise<string> {
  await frame.waitForURL(url, { timeout: 30_000 });
  await frame.waitForLoadState('load');
  return frame.evaluate(() => document.body.textContent ?? '');
}

test(
  "attack: another project's app posts a form (and frames a page) into the victim's origin; the request arrives without the victim's Lax " + 'cookie',
  async () => {
    const context = await newContext(browser);
    // The victim: the cookies fixture, logged in (session=abc123; no SameSite, so Lax).
    const victim = await openPlayground(context, `?app=${encodeURIComponent(`${server.url}/cookies/spin.toml`)}&preview=off`);
    await sendFromConsole(victim, 'GET', '/login');
    assert.equal((await sendFromConsole(victim, 'GET', '/whoami')).body, 'session=abc123');
    const victimOrigin = new URL((await victim.locator('#routes a').first().getAttribute('href'))!).origin;

    // The victim's own pages still send it: the preview's first load (a top-level navigation by the
    // playground), and a POST from the victim's own page.
    await victim.getByRole('region', { name: 'Preview' }).getByLabel('Address').fill('/whoami');
    await victim.getByRole('region', { name: 'Preview' }).getByLabel('Address').press('Enter');
    const own = await previewFrame(victim);
    assert.equal(await frameText(own, /\/whoami$/), 'session=abc123');
    assert.equal(await own.evaluate(async () => (await fetch('/whoami', { method: 'POST' })).text()), 'session=abc123');

    // The attacker: another project's app, open in another tab, whose page posts a form into the
    // victim's origin and frames a victim page.
    const hostile = await servePagesApp('hostile-csrf', {
      'index.html': `<!doctype html><title>cross-site form</title>
<iframe name="posted" id="posted"></iframe>
<iframe id="framed" src="${victimOrigin}/whoami"></iframe>
<form method="post" action="${victimOrigin}/whoami" target="posted"><input name="x" value="1"></form>
<script>document.forms[0].submit();</script>`,
    });
    try {
      const attacker = await openPlayground(context, `?app=${encodeURIComponent(hostile.manifestUrl)}`);
      const app = await previewFrame(attacker);
      const posted = await (await app.waitForSelector('#posted')).contentFrame();
      const framed = await (await app.waitForSelector('#framed')).contentFrame();
      assert.ok(posted && framed);
      const whoami = new RegExp(`^${victimOrigin.replace(/[.]/g, '\\.')}/whoami$`);
      assert.equal(await frameText(posted, whoami), 'anonymous', 'the cross-site form post carried no Lax cookie');
      assert.equal(await frameText(framed, whoami), 'anonymous', 'the cross-site frame carried no Lax cookie');
    } finally {
      await hostile.close();
    }
    // The victim is still logged in.
    assert.equal((await sendFromConsole(victim, 'GET', '/whoami')).body, 'session=abc123');
    await context.close();
  },
);
