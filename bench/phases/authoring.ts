/**
 * The authoring numbers (docs/authoring.md), measured the way a person works: "New JS app", then edit the handler and
 * press Run, three times. The page logs and publishes each build's `buildMs` (in-page build) and
 * `firstResponseMs` (from Run to the first response the new build answers); medians of the edits
 * (the first build on open, which also fetches and compiles the engine, is reported separately).
 */
import type { Browser, Page } from 'playwright-core';
import { median, round } from '../lib/stats.ts';

type Timings = { buildMs: number; firstResponseMs: number | null } | null;

const handler = (marker: string) => `import { Store } from 'fermyon:spin/key-value@2.0.0';
addEventListener('fetch', (event) => event.respondWith(handle()));
function handle() {
  const store = Store.open('default');
  const seen = store.get('runs');
  const runs = seen === undefined ? 1 : Number(new TextDecoder().decode(seen)) + 1;
  store.set('runs', new TextEncoder().encode(String(runs)));
  return new Response('${marker} runs=' + runs);
}
`;

// After "New JS app" the page navigates to the new project; the hook appears once its engine connects.
const timings = (page: Page) =>
  page.evaluate(() => (window as unknown as { spinPlayground?: { authoring: Timings } }).spinPlayground?.authoring ?? null).catch(() => null);

async function waitForFirstResponse(page: Page, previous: Timings): Promise<NonNullable<Timings>> {
  for (let i = 0; i < 600; i++) {
    const t = await timings(page);
    if (t && t.firstResponseMs !== null && t !== previous && JSON.stringify(t) !== JSON.stringify(previous)) return t as NonNullable<Timings>;
    await page.waitForTimeout(100);
  }
  throw new Error('no first response after Run within 60 s');
}

export async function measureAuthoring(browser: Browser, pgUrl: string, edits: number) {
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  try {
    const page = await context.newPage();
    await page.goto(`${pgUrl}/`);
    await page
      .getByRole('status')
      .filter({ hasText: /^Running$/ })
      .waitFor({ timeout: 120_000 });
    await page.getByRole('button', { name: 'New JS app' }).click();
    const onOpen = await waitForFirstResponse(page, null);
    const editor = page.getByRole('region', { name: 'Source' }).locator('.monaco-editor');
    await editor.waitFor({ timeout: 60_000 });
    const runs: Array<NonNullable<Timings>> = [];
    let previous: Timings = onOpen;
    for (let i = 0; i < edits; i++) {
      await editor.click();
      await page.keyboard.press('ControlOrMeta+A');
      await page.keyboard.press('Delete');
      await page.keyboard.insertText(handler(`bench-${i}-${Date.now()}`));
      await page.getByRole('button', { name: 'Run' }).click();
      previous = await waitForFirstResponse(page, previous);
      runs.push(previous);
    }
    return {
      build_ms: round(median(runs.map((r) => r.buildMs))),
      firstResponse_ms: round(median(runs.map((r) => r.firstResponseMs!))),
      onOpen: { build_ms: onOpen.buildMs, firstResponse_ms: onOpen.firstResponseMs },
      runs: runs.map((r) => ({ build_ms: r.buildMs, firstResponse_ms: r.firstResponseMs })),
      note: 'medians over edits in the page (New JS app, edit the handler, Run); onOpen is the first build, which also fetches and compiles the engine',
    };
  } finally {
    await context.close();
  }
}
