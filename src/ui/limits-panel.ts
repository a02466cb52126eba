/**
 * "Limits": what bounds an app here, next to what `spin up` and Fermyon Cloud do, and the
 * "Fermyon Cloud limits" switch. Off (the default, as `spin up`), key-value writes over a
 * documented limit are stored and only warned about in Logs; on, the engine refuses them as
 * Fermyon Cloud documents (src/host/key-value-limits.ts). The switch is kept per project in the UI
 * origin's storage, `?limits=cloud` (or `?limits=spin`) sets it for the page, and changing it
 * runs the app again so the engine gets the new limits.
 */
import { CLOUD_KV_LIMITS, DEFAULT_LIMITS, type EngineLimits } from '../protocol/messages';
import { h } from './dom';

export interface LimitsPanelOptions {
  /** The safety limits from `?timeout=` and `?memory=` (absent fields take the defaults). */
  limits: EngineLimits;
  /** `?limits=`: `cloud` turns the switch on for this page, `spin` off; anything else is ignored. */
  param: string | null;
  /** Called when the user flips the switch (run the app again with the new limits). */
  onChange(cloud: boolean): void;
}

// Not toLocaleString: its first call loads the locale's number data, about 75 ms of the UI's
// start-up on a 2-core machine, for a panel that shows a handful of whole numbers.
const number = (n: number) => String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ',');

export class LimitsPanel {
  readonly #root: HTMLDetailsElement;
  readonly #storageKey: string;
  readonly #options: LimitsPanelOptions;
  #cloud: boolean;

  constructor(root: HTMLDetailsElement, projectId: string, options: LimitsPanelOptions) {
    this.#root = root;
    this.#storageKey = `spin-playground:cloud-limits:${projectId}`;
    this.#options = options;
    this.#cloud = options.param === 'cloud' ? true : options.param === 'spin' ? false : this.#load();
    this.#render();
  }

  /** Whether Fermyon Cloud limits are on (sent as `EngineLimits.cloudLimits`). */
  get cloud(): boolean {
    return this.#cloud;
  }

  /** The limits to send with a load: the safety limits plus the switch. */
  get limits(): EngineLimits {
    return { ...this.#options.limits, cloudLimits: this.#cloud };
  }

  #render(): void {
    const open = this.#root.open;
    const timeoutMs = this.#pick(this.#options.limits.timeoutMs, DEFAULT_LIMITS.timeoutMs);
    const memoryMiB = this.#pick(this.#options.limits.memoryLimitMiB, DEFAULT_LIMITS.memoryLimitMiB);
    const cloud = this.#cloud;
    const { keyBytes, valueBytes, keysPerStore, stores } = CLOUD_KV_LIMITS;
    const kv = (enforced: string, warn: string) => (cloud ? enforced : `none (warns over ${warn})`);
    const rows: Array<[string, string, string, string]> = [
      ['Request timeout', timeoutMs > 0 ? `${number(timeoutMs)} ms (?timeout=)` : 'off (?timeout=0)', 'none', '10 s (handler duration)'],
      ['Guest memory', memoryMiB > 0 ? `${number(memoryMiB)} MiB per memory (?memory=)` : '4 GiB (?memory=0)', '4 GiB per memory', 'not documented'],
      ['Request body', 'none (held in memory)', 'none', 'not documented'],
      ['Response body', 'none (streamed)', 'none', 'not documented'],
      ['Key size', kv(`${keyBytes} B`, `${keyBytes} B`), 'none', `${keyBytes} B`],
      ['Value size', kv(`${number(valueBytes)} B`, '1 MB'), 'none', '1 MB'],
      ['Keys per store', kv(number(keysPerStore), number(keysPerStore)), 'none', number(keysPerStore)],
      ['Key-value stores', kv(String(stores), String(stores)), 'none', `${stores} (Starter plan)`],
    ];
    const checkbox = h('input', { type: 'checkbox', name: 'cloudLimits', checked: cloud, onchange: () => this.#set(checkbox.checked) });
    const table = h(
      'table',
      { className: 'limits-table', 'aria-label': 'Limits' },
      h('thead', {}, h('tr', {}, ...['Limit', 'Here', 'spin up', 'Fermyon Cloud'].map((name) => h('th', { scope: 'col' }, name)))),
      h('tbody', {}, ...rows.map(([name, ...cells]) => h('tr', {}, h('th', { scope: 'row' }, name), ...cells.map((cell) => h('td', {}, cell))))),
    );
    this.#root.replaceChildren(
      h('summary', {}, `Limits (${cloud ? 'Fermyon Cloud' : 'spin up'})`),
      h('label', { className: 'limits-switch' }, checkbox, ' Fermyon Cloud limits'),
      h(
        'p',
        { className: 'hint' },
        cloud
          ? 'On: key-value writes over these limits fail with the interface\'s "other" error, and an app naming more stores does not load. The ' +
              'request timeout stays as set here (Fermyon Cloud: 10 s).'
          : 'Off, as spin up: nothing is refused; the Logs warn once per run when a write goes over a documented limit. Changing it runs the app again.',
      ),
      table,
    );
    this.#root.open = open;
  }

  #set(cloud: boolean): void {
    this.#cloud = cloud;
    try {
      localStorage.setItem(this.#storageKey, cloud ? 'cloud' : 'spin');
    } catch {
      // Storage full or blocked: the switch still applies for this page.
    }
    this.#render();
    this.#options.onChange(cloud);
  }

  #load(): boolean {
    try {
      return localStorage.getItem(this.#storageKey) === 'cloud';
    } catch {
      return false;
    }
  }

  #pick(value: number | undefined, fallback: number): number {
    return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : fallback;
  }
}
