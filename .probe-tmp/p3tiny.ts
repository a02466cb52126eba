import { launchChromium } from '../test/support/chromium.ts';
import { serveStatic } from '../test/support/static-server.ts';
const pg = process.env.PG ?? 'http://localhost:4311';
const apps = await serveStatic(new URL('../test/fixtures/dist/apps/', import.meta.url).pathname);
const browser = await launchChromium();
const context = await browser.newContext();
const page = await context.newPage();
for (const app of (process.env.APPS ?? 'p3-kv-tiny,kv-tiny').split(',')) {
  await page.goto(`${pg}/?app=${encodeURIComponent(`${apps.url}/${app}/spin.toml`)}&preview=off`);
  await page.waitForFunction(() => document.getElementById('status')?.textContent === 'Running', null, { timeout: 60000 });
  const out = await page.evaluate(async () => {
    const { engine } = (window as any).spinPlayground;
    const rows: any[] = [];
    for (let i = 0; i < 60; i++) {
      const t0 = performance.now();
      const r = await engine.request({ method: 'GET', pathWithQuery: '/', headers: [], body: null });
      const t1 = performance.now();
      const body = r.body ? await new Response(r.body).arrayBuffer() : null;
      const t2 = performance.now();
      rows.push({ head: t1 - t0, all: t2 - t0, streamed: r.body instanceof ReadableStream, timing: r.timing });
    }
    return rows.slice(10);
  });
  const p50 = (xs: number[]) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)]!.toFixed(1);
  console.log(app, 'head p50', p50(out.map((r) => r.head)), 'all p50', p50(out.map((r) => r.all)), 'streamed', out.filter((r) => r.streamed).length, '/', out.length,
    'handlerMs p50', p50(out.map((r) => r.timing?.handlerMs ?? -1)), 'persist p50', p50(out.map((r) => r.timing?.persistMs ?? -1)));
}
await browser.close();
await apps.close();
