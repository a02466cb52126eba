/**
 * Compiled code kept across visits. A module compiled with `WebAssembly.compileStreaming` from a
 * `Response` in the Cache API gets V8's code cache in Chromium: a later visit loads the machine
 * code instead of compiling again and skips the lazy compilation of functions on their first call
 * (BENCHMARKS.md, start-up). So each core module goes into this origin's Cache API once, as the
 * exact bytes the engine compiles (memory ceiling applied), under its component's sha256 and bridge, and is
 * compiled from there. Where the Cache API or `compileStreaming` is missing, or any step fails, it
 * is a plain `WebAssembly.compile`.
 *
 * Only this project's own origin can write this cache, and its app's pages can already read and
 * write the project's data there, so a planted entry gives them nothing they lack.
 */
import { RESERVED_PREFIX } from '../protocol/messages';
import { asCompiled } from './limits';

const CODE_CACHE = 'spin-playground-code-1';
/** Small modules compile in a few milliseconds; the cache is for the big ones. */
const MIN_BYTES = 256 * 1024;

/** Compile jco's core module `name` of the transpile `key` (the component's sha256 and bridge). */
export async function compileCore(key: string, name: string, bytes: Uint8Array): Promise<WebAssembly.Module> {
  if (bytes.byteLength >= MIN_BYTES && typeof caches !== 'undefined' && typeof WebAssembly.compileStreaming === 'function') {
    try {
      return await compileThroughCache(key, name, bytes);
    } catch {
      // A cache that cannot be used is only a slower start.
    }
  }
  return WebAssembly.compile(bytes as Uint8Array<ArrayBuffer>);
}

async function compileThroughCache(key: string, name: string, bytes: Uint8Array): Promise<WebAssembly.Module> {
  const compiled = asCompiled(bytes);
  const url = new URL(`${RESERVED_PREFIX}compiled/${encodeURIComponent(key)}/${compiled.ceiling}/${encodeURIComponent(name)}`, self.location.origin).href;
  const cache = await caches.open(CODE_CACHE);
  let response = await cache.match(url);
  if (!response) {
    await cache.put(url, new Response(compiled.bytes as Uint8Array<ArrayBuffer>, { headers: { 'content-type': 'application/wasm' } }));
    response = await cache.match(url);
  }
  if (!response) throw new Error('the code cache did not keep the module');
  return WebAssembly.compileStreaming(response);
}
