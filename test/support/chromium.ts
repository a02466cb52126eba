/**
 * Launching the system Chromium for browser tests and the benchmark.
 *
 * Storage partitioning must stay on: playwright-core disables `ThirdPartyStoragePartitioning`,
 * and without it every storage API in the cross-site preview frames is denied (service worker
 * registration, IndexedDB). Chromium reads only the last `--disable-features` switch, so we pass
 * Playwright's own list minus that one feature, read from the installed playwright-core so a
 * version bump cannot silently drop it (docs/toolchain.md §8a).
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { chromium, type Browser, type BrowserContext } from 'playwright-core';

export function chromiumPath(): string {
  return process.env.CHROMIUM_PATH || '/usr/bin/chromium';
}

function playwrightDisabledFeatures(): string[] {
  const require = createRequire(import.meta.url);
  const root = dirname(require.resolve('playwright-core/package.json'));
  const bundle = readFileSync(join(root, 'lib', 'coreBundle.js'), 'utf8');
  const list = /disabledFeatures = \[([\s\S]*?)\]\.filter/.exec(bundle)?.[1];
  if (!list) throw new Error("could not read playwright-core's disabled Chromium features; check test/support/chromium.ts");
  return [...list.matchAll(/"([A-Za-z0-9]+)"/g)].map((m) => m[1]!);
}

function launchArgs(): string[] {
  const features = playwrightDisabledFeatures().filter((f) => f !== 'ThirdPartyStoragePartitioning');
  return [
    '--no-sandbox',
    '--disable-gpu',
    '--disable-quic',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--disable-dev-shm-usage',
    `--disable-features=${features.join(',')}`,
  ];
}

export async function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: chromiumPath(), headless: true, args: launchArgs() });
}

/**
 * Chromium with an on-disk profile in `userDataDir` (not an incognito context, whose storage
 * quota is a share of memory): its storage quota follows the size of the disk holding the folder.
 */
export async function launchPersistentChromium(userDataDir: string): Promise<BrowserContext> {
  return chromium.launchPersistentContext(userDataDir, {
    executablePath: chromiumPath(),
    headless: true,
    args: launchArgs(),
    viewport: { width: 1440, height: 900 },
  });
}
