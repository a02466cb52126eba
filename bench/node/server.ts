/**
 * The Node baseline for `npm run bench` (`node.rps` in BENCHMARKS.md): what a user could run instead of the
 * playground. It serves a Spin JS component over loopback HTTP exactly as
 * `jco serve --isolate-requests instance` does (preview2-shim's `HTTPServer`, jco glue with
 * `--instantiation sync`, a fresh instance per request from core modules compiled once), plus
 * the one thing `jco serve` cannot pass: Spin's `fermyon:spin/key-value@2.0.0`, implemented over
 * the playground's own `SqliteKvStore` on sql.js (in memory).
 *
 * Why `--instantiation sync`: preview2-shim's Node `HTTPServer` calls `handle()` synchronously and
 * disposes the body stream when it returns (jco serve uses sync instantiation for the same
 * reason). Node 20 has no JSPI; preview2-shim's Node build blocks on its I/O worker instead.
 *
 * Usage: node --import tsx bench/node/server.ts <transpiled-dir>
 * Prints `listening <port>` on stdout once it accepts requests.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { WASIShim } from '@bytecodealliance/preview2-shim/instantiation';
import initSqlJs from 'sql.js';
import { SqliteKvStore } from '../../src/storage/sqlite-store.ts';

// Node's build of the shim (resolved by the `node` export condition); its types describe only the browser build.
const { HTTPServer } = (await import('@bytecodealliance/preview2-shim/http')) as unknown as {
  HTTPServer: new (handler: { handle(request: unknown, responseOutparam: unknown): unknown }) => { listen(port: number, host: string): void };
};

const dir = process.argv[2];
if (!dir) throw new Error('usage: server.ts <transpiled-dir>');

type Glue = { instantiate(getCore: (path: string) => WebAssembly.Module, imports: Record<string, unknown>): Record<string, any> };
const glue = (await import(pathToFileURL(join(dir, 'component.js')).href)) as Glue;
const modules = new Map<string, WebAssembly.Module>();
const getCoreModule = (path: string) => {
  let module = modules.get(path);
  if (!module) {
    module = new WebAssembly.Module(readFileSync(join(dir, path)));
    modules.set(path, module);
  }
  return module;
};

// Spin's key-value store on the real SqliteKvStore, granted the `default` store only.
const SQL = await initSqlJs();
const kv = new SqliteKvStore(new SQL.Database());
class Store {
  readonly #label: string;
  private constructor(label: string) {
    this.#label = label;
  }
  static open(label: string): Store {
    if (label !== 'default') throw { tag: 'access-denied' };
    return new Store(label);
  }
  get(key: string) {
    return kv.get(this.#label, key);
  }
  set(key: string, value: Uint8Array) {
    kv.set(this.#label, key, value);
  }
  delete(key: string) {
    kv.delete(this.#label, key);
  }
  exists(key: string) {
    return kv.exists(this.#label, key);
  }
  getKeys() {
    return kv.keys(this.#label);
  }
}
const keyValue = { Store };

const imports = () => {
  const wasi = new WASIShim().getImportObject();
  // The glue reads unversioned keys (docs/toolchain.md §4); supply both.
  return { ...wasi, 'fermyon:spin/key-value': keyValue, 'fermyon:spin/key-value@2.0.0': keyValue };
};

// Compile the core modules before listening, so the first measured request does not pay for it.
glue.instantiate(getCoreModule, imports());

const server = new HTTPServer({
  handle(request: unknown, responseOutparam: unknown) {
    const instance = glue.instantiate(getCoreModule, imports());
    return instance.incomingHandler.handle(request, responseOutparam);
  },
});
const port = Number(process.env.PORT || 0) || 18000 + (process.pid % 1000);
server.listen(port, '127.0.0.1');
console.log(`listening ${port}`);
