/**
 * A minimal Spin host for running authored (and j2w-built) JS components in Node, for the
 * authoring tests: preview2-shim's browser build (the one the page uses; Node's own build lacks
 * `handleIncomingRequest`), `poll` made synchronous for jco's sync glue, key-value on a Map and
 * variables from a record. Not the engine's host (that one is covered in Chromium).
 */
import * as shim from '../../node_modules/@bytecodealliance/preview2-shim/dist/browser/index.js';

type Readiness = { ready(): boolean };
const spin = (isReady: () => boolean) => {
  const deadline = performance.now() + 5000;
  while (!isReady()) if (performance.now() > deadline) throw new Error('blocking wait took more than 5 s');
};
const pollable = (shim.io.poll as unknown as { Pollable: { prototype: Readiness & { block(): void } } }).Pollable.prototype;
pollable.block = function (this: Readiness) {
  spin(() => this.ready());
};
const syncPoll = {
  ...shim.io.poll,
  poll(list: Readiness[]) {
    let ready: number[] = [];
    spin(() => (ready = list.flatMap((p, i) => (p.ready() ? [i] : []))).length > 0);
    return new Uint32Array(ready);
  },
};

const camel = (s: string) => s.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());

export interface MinimalHost {
  imports: Record<string, unknown>;
  kv: Map<string, Map<string, Uint8Array>>;
}

/** Imports for one instance; `kv` persists across instances when passed in. */
export function minimalHost(options: { kv?: Map<string, Map<string, Uint8Array>>; variables?: Record<string, string>; stores?: string[] } = {}): MinimalHost {
  const kv = options.kv ?? new Map();
  const stores = options.stores ?? ['default'];
  class Store {
    #data: Map<string, Uint8Array>;
    constructor(data: Map<string, Uint8Array>) {
      this.#data = data;
    }
    static open(label: string) {
      if (!stores.includes(label)) throw { tag: 'access-denied' };
      let data = kv.get(label);
      if (!data) kv.set(label, (data = new Map()));
      return new Store(data);
    }
    get(key: string) {
      return this.#data.get(key);
    }
    set(key: string, value: Uint8Array) {
      this.#data.set(key, new Uint8Array(value));
    }
    delete(key: string) {
      this.#data.delete(key);
    }
    exists(key: string) {
      return this.#data.has(key);
    }
    getKeys() {
      return [...this.#data.keys()];
    }
  }
  const variables = options.variables ?? {};
  const byName: Record<string, unknown> = {
    'fermyon:spin/key-value': { Store },
    'fermyon:spin/variables': {
      get(name: string) {
        if (!/^[a-z][a-z0-9_]*$/.test(name)) throw { tag: 'invalid-name', val: name };
        if (!(name in variables)) throw { tag: 'undefined', val: name };
        return variables[name];
      },
    },
    'wasi:io/poll': syncPoll,
  };
  const shimTable = shim as unknown as Record<string, Record<string, unknown>>;
  const imports = new Proxy(byName, {
    get(target, key) {
      if (typeof key !== 'string') return undefined;
      const bare = key.replace(/@[^/]*$/, '');
      if (bare in target) return target[bare];
      const match = /^wasi:([a-z-]+)\/([a-z-]+)$/.exec(bare);
      return match ? shimTable[match[1]!]?.[camel(match[2]!)] : undefined;
    },
  });
  return { imports, kv };
}

type Instance = Record<string, unknown>;

/** One request to a fresh instance; resolves with the web Response. */
export async function handleWith(instance: Instance, request: Request): Promise<Response> {
  const handler = Object.entries(instance).find(([name]) => /^wasi:http\/incoming-handler@0\.2\./.test(name) || name === 'incomingHandler')?.[1] as
    | { handle(req: unknown, out: unknown): unknown }
    | undefined;
  if (!handler) throw new Error('no incoming-handler export');
  return shim.http.handleIncomingRequest(request, (req: unknown, out: unknown) => handler.handle(req, out) as Promise<void>);
}
