/**
 * Rewriting `source = { url = "…", digest = "…" }` to `source = "<relative path>"` in a
 * manifest's text, for an exported app whose zip carries those bytes. Only that inline table
 * changes; comments, order and formatting stay as the author wrote them.
 */
import '../manifest/toml-global';
import TOML from '@iarna/toml';

/** `source = { … }` on one line (TOML 1.0 inline tables cannot span lines). */
const INLINE_SOURCE = /(^|[\s{,])(source\s*=\s*)(\{[^{}\n]*\})/gm;

/**
 * `text` with every inline `{ url, digest }` source whose URL is a key of `paths` replaced by
 * that relative path, and the URLs that were replaced.
 *
 * @example
 * rewriteUrlSources('source = { url = "https://x/a.wasm", digest = "sha256:…" }', new Map([['https://x/a.wasm', 'components/a.wasm']]));
 * // { text: 'source = "components/a.wasm"', replaced: ['https://x/a.wasm'] }
 */
export function rewriteUrlSources(text: string, paths: ReadonlyMap<string, string>): { text: string; replaced: string[] } {
  const replaced: string[] = [];
  const out = text.replace(INLINE_SOURCE, (whole, before: string, assign: string, table: string) => {
    let value: unknown;
    try {
      value = (TOML.parse(`v = ${table}`) as { v: unknown }).v;
    } catch {
      return whole;
    }
    const source = value as { url?: unknown; digest?: unknown };
    if (
      typeof source !== 'object' ||
      source === null ||
      typeof source.url !== 'string' ||
      typeof source.digest !== 'string' ||
      Object.keys(source).length !== 2
    )
      return whole;
    const path = paths.get(source.url);
    if (path === undefined) return whole;
    replaced.push(source.url);
    return `${before}${assign}${JSON.stringify(path)}`;
  });
  return { text: out, replaced };
}

/** A file name for a component downloaded from `url`: its last path segment, made safe, ending in `.wasm`. */
export function fileNameForUrl(url: string): string {
  let name = '';
  try {
    name = decodeURIComponent(new URL(url).pathname.split('/').pop() ?? '');
  } catch {
    name = '';
  }
  name = name.replace(/[^A-Za-z0-9._-]/g, '_').replace(/^\.+/, '');
  if (!name) name = 'component';
  return /\.wasm$/i.test(name) ? name : `${name}.wasm`;
}
