/**
 * The platform's own cost of the preview's path, with none of the playground's code: a bare page
 * whose service worker answers a fetch itself (ping), forwards it over a MessagePort straight to
 * a dedicated Worker (echo), or relays it through the page's main thread to the Worker (relay;
 * relayAck adds an acknowledgement message, as a supervising runner does). Interleaved.
 */
import type { Browser } from 'playwright-core';
import { round, stats } from '../lib/stats.ts';

export async function measureBareHop(browser: Browser, pagesUrl: string, warmup: number, samples: number) {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(`${pagesUrl}/hop.html`);
  await page.waitForFunction(() => 'runHop' in window);
  const raw = (await page.evaluate(
    ({ warmup, samples }) => (window as unknown as { runHop(w: number, s: number): Promise<Record<string, number[]>> }).runHop(warmup, samples),
    { warmup, samples },
  )) as Record<string, number[]>;
  await context.close();
  const ping = stats(raw.ping!);
  const echo = stats(raw.echo!);
  const relay = stats(raw.relay!);
  const relayAck = stats(raw.relayAck!);
  return {
    ping,
    echo,
    relay,
    relayAck,
    hop_ms: round(echo.p50_ms - ping.p50_ms),
    relayExtra_ms: round(relay.p50_ms - echo.p50_ms),
    ackExtra_ms: round(relayAck.p50_ms - relay.p50_ms),
  };
}

/** The floor of `p3.echo1MiB`: the same POST through the bare service worker to a Worker and back. */
export async function measureBodyHop(browser: Browser, pagesUrl: string, size: number, warmup: number, samples: number, blob = false) {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(`${pagesUrl}/hop.html`);
  await page.waitForFunction(() => 'runHopBody' in window);
  const raw = (await page.evaluate(
    ({ size, warmup, samples, blob }) =>
      (window as unknown as { runHopBody(n: number, w: number, s: number, b: boolean): Promise<Record<string, number[]>> }).runHopBody(
        size,
        warmup,
        samples,
        blob,
      ),
    { size, warmup, samples, blob },
  )) as Record<string, number[]>;
  await context.close();
  return { bytes: size, body: blob ? 'Blob' : 'Uint8Array', echo: stats(raw.echo!), relay: stats(raw.relay!) };
}
