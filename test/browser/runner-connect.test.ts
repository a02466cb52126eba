/**
 * The runner (src/runner/runner.ts) starts nothing until the playground's UI origin connects:
 * another project's app, framed in the same tab, that frames a victim project's runner page gets
 * no service worker registered, no engine lock and no engine for that project. Against the
 * production build, in Chromium.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, Frame } from 'playwright-core';
import { launchChromium } from '../support/chromium.ts';
import { PG_URL, newContext, openPlayground, previewFrame } from '../support/playground.ts';
import { servePagesApp, type PagesApp } from '../support/pages-app.ts';
import { ENGINE_LOCK, RUNNER_PATH } from '../../src/protocol/messages.ts';

const pg = new URL(PG_URL);
/** The bundled kv-basics example's project (`ex-kv-basics`) and its preview origin. */
const VICTIM_ORIGIN = `${pg.protocol}//ex-kv-basics.localhost:${pg.port}`;

let browser: Browser;
let hostile: PagesApp;
before(async () => {
  browser = await launchChromium();
  hostile = await servePagesApp('hostile-runner', {
    'index.html': `<!doctype html><title>framing another project's runner</title>
<iframe id="victim" src="${VICTIM_ORIGIN}${RUNNER_PATH}" title="victim runner"></iframe>`,
  });
});
after(async () => {
  await browser?.close();
  await hostile?.close();
});

/** What the victim origin holds, read inside the framed runner (same origin and storage partition). */
function victimState(frame: Frame): Promise<{ held: number; pending: number; registrations: number }> {
  return frame.evaluate(async (lock) => {
    const locks = await navigator.locks.query();
    return {
      held: (locks.held ?? []).filter((l) => l.name === lock).length,
      pending: (locks.pending ?? []).filter((l) => l.name === lock).length,
      registrations: (await navigator.serviceWorker.getRegistrations()).length,
    };
  }, ENGINE_LOCK);
}

test(
  "attack: another project's app frames the victim's runner.html; the runner takes no engine lock, registers no service worker, and the real UI " +
    'still runs the engine',
  async () => {
    const context = await newContext(browser);
    const attacker = await openPlayground(context, `?app=${encodeURIComponent(hostile.manifestUrl)}`);
    const app = await previewFrame(attacker);
    const victimFrame = await (await app.waitForSelector('#victim')).contentFrame();
    assert.ok(victimFrame);
    await victimFrame.waitForURL(new RegExp(`^${VICTIM_ORIGIN.replace(/[.]/g, '\\.')}`));
    await victimFrame.waitForLoadState('load');
    // Give a runner that starts on its own every chance to: it registered and elected at once.
    await attacker.waitForTimeout(3000);
    assert.deepEqual(await victimState(victimFrame), { held: 0, pending: 0, registrations: 0 });

    // The victim's own playground, in another tab with the attacker's still open: its runner wins
    // the election and the app runs.
    const victim = await openPlayground(context, '?example=kv-basics');
    const preview = await previewFrame(victim);
    assert.match((await preview.textContent('body')) ?? '', /\S/);
    assert.equal(await victim.locator('#engine-live').isHidden(), true, 'this tab runs the engine, not a framed runner');
    const after = await victimState(victimFrame);
    assert.equal(after.held, 1, 'the real runner holds the lock');
    assert.equal(after.registrations, 1);
    // The framed runner is still idle: it is not even waiting in line to take the engine over.
    assert.equal(after.pending, 0);
    await context.close();
  },
);
