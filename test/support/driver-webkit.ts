/**
 * The cross-browser driver for WebKitGTK, the engine Safari shares: selenium-webdriver (W3C
 * WebDriver) against the WebKitWebDriver that `npm test` starts under Xvfb (WEBKIT_WEBDRIVER_URL).
 * WebKitWebDriver runs one session at a time, and each session is a fresh MiniBrowser with its own
 * storage: a profile is a session, a tab is one of its windows. WebDriver drives one window at a
 * time, so every call switches to its tab first and calls are queued one after another.
 * WebKitWebDriver has no download folder, so `download` takes the file from the link the page
 * clicks (the blob URL it hands the browser), read back in the page.
 */
import { Builder, type WebDriver, type WebElement } from 'selenium-webdriver';
import { findByRole, queryDeep, waitUntil, type BrowserDriver, type PageFunction, type Profile, type Role, type Tab } from './browser-driver.ts';

export async function webkitDriver(serverUrl: string, miniBrowser: string | undefined): Promise<BrowserDriver> {
  let open: WebDriver | undefined;
  const start = async () => {
    if (open) throw new Error('WebKitWebDriver runs one session at a time: close the other profile first');
    const options: Record<string, unknown> = { args: ['--automation'] };
    if (miniBrowser) options.binary = miniBrowser;
    open = await new Builder().usingServer(serverUrl).withCapabilities({ browserName: 'MiniBrowser', 'webkitgtk:browserOptions': options }).build();
    await open.manage().setTimeouts({ script: 120_000, pageLoad: 120_000 });
    return open;
  };
  // The version is the session's; read it from a first session, kept for the first profile.
  let first: WebDriver | undefined = await start();
  const version = String((await first.getCapabilities()).get('browserVersion'));
  return {
    engine: 'webkit',
    version: `WebKitGTK ${version}`,
    async newProfile() {
      const driver = first ?? (await start());
      first = undefined;
      return profile(driver, () => (open = undefined));
    },
    async close() {
      await open?.quit();
      open = undefined;
    },
  };
}

function profile(driver: WebDriver, onQuit: () => void): Profile {
  let queue: Promise<unknown> = Promise.resolve();
  const serial = <T>(job: () => Promise<T>): Promise<T> => {
    const result = queue.then(job, job);
    queue = result.catch(() => undefined);
    return result;
  };
  return {
    async newTab() {
      const handle = await serial(async () => {
        // A window of its own, not a tab: MiniBrowser shows one tab per window, and a hidden
        // page gets no animation frames and no lazy frame loads.
        await driver.switchTo().newWindow('window');
        await driver.manage().window().setRect({ width: 1440, height: 900 });
        return driver.getWindowHandle();
      });
      return tab(driver, handle, serial);
    },
    close: () =>
      serial(async () => {
        await driver.quit();
        onQuit();
      }),
  };
}

/** Run a page function from its source, resolving its promise with WebDriver's async script callback. */
const ASYNC_WRAPPER = (source: string) => `
  const done = arguments[arguments.length - 1];
  Promise.resolve(arguments[0]).then(((__name) => (${source}))((f) => f)).then(
    (value) => done({ ok: value === undefined ? null : value }),
    (error) => done({ error: String((error && error.stack) || error) }),
  );`;

function tab(driver: WebDriver, handle: string, serial: <T>(job: () => Promise<T>) => Promise<T>): Tab {
  const inTab = <T>(job: () => Promise<T>, frames: string[] = []) =>
    serial(async () => {
      await driver.switchTo().window(handle);
      await driver.switchTo().defaultContent();
      for (const selector of frames) {
        const frame = await waitUntil(
          `frame ${selector}`,
          () => driver.executeScript<WebElement | null>(`const __name = (f) => f; return (${queryDeep.toString()})(arguments[0])`, selector),
          60_000,
        );
        await driver.switchTo().frame(frame);
      }
      return job();
    });
  const run = async <A, R>(fn: PageFunction<A, R>, arg: A): Promise<R> => {
    const result = await driver.executeAsyncScript<{ ok?: R; error?: string }>(ASYNC_WRAPPER(fn.toString()), arg);
    if (result.error !== undefined) throw new Error(`page script failed: ${result.error}`);
    return result.ok as R;
  };
  const element = async (role: Role, name: string) => {
    const found = await driver.executeScript<WebElement | null>(`const __name = (f) => f; return (${findByRole.toString()})(arguments[0])`, { role, name });
    if (!found) throw new Error(`no visible ${role} named "${name}"`);
    return found;
  };
  return {
    goto: (url) => inTab(() => driver.get(url)),
    reload: () => inTab(() => driver.navigate().refresh()),
    url: () => inTab(() => driver.getCurrentUrl()),
    evaluate: (fn, arg) => inTab(() => run(fn, arg)),
    evaluateInFrame: (frames, fn, arg) => inTab(() => run(fn, arg), frames),
    click: (role, name) => inTab(async () => (await element(role, name)).click()),
    async download(role, name) {
      await inTab(async () => {
        await run(() => {
          const w = window as unknown as { __pgDownload?: { name: string; href: string } | null };
          w.__pgDownload = null;
          const click = HTMLAnchorElement.prototype.click;
          HTMLAnchorElement.prototype.click = function (this: HTMLAnchorElement) {
            if (this.download) w.__pgDownload = { name: this.download, href: this.href };
            return click.call(this);
          };
        }, null);
        await (await element(role, name)).click();
      });
      const file = await waitUntil('the page to hand over a download', () =>
        inTab(() =>
          run(async () => {
            const offered = (window as unknown as { __pgDownload?: { name: string; href: string } | null }).__pgDownload;
            if (!offered) return null;
            const bytes = new Uint8Array(await (await fetch(offered.href)).arrayBuffer());
            let binary = '';
            for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
            return { name: offered.name, base64: btoa(binary) };
          }, null),
        ),
      );
      return { name: file.name, bytes: new Uint8Array(Buffer.from(file.base64, 'base64')) };
    },
    close: () =>
      serial(async () => {
        await driver.switchTo().window(handle);
        await driver.close();
        const rest = await driver.getAllWindowHandles();
        if (rest[0]) await driver.switchTo().window(rest[0]);
      }),
  };
}
