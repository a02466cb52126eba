/**
 * Transpiles made at build time: `scripts/pretranspile-examples.mjs` runs the engine's own jco
 * transpile on each bundled example and writes `/__pg/transpiled/<sha256>.<bridge>.json` (glue and
 * core-module byte ranges), so opening an example transpiles nothing in the browser (docs/toolchain.md,
 * "Transpile cache"). They come from the playground's own server, as the engine's code does, and
 * are used only for the component whose sha256 names them; every range is checked against it.
 */
import { RESERVED_PREFIX } from '../protocol/messages';
import { sliceOf } from './core-slices';
import type { Transpiled } from './transpile-cache';
import { TRANSPILE_VERSION, type Bridge } from './transpile-options';

/** The file `scripts/pretranspile-examples.mjs` writes (one per component and bridge). */
export interface TranspileSeed {
  version: string;
  /** sha256 (hex) of the component it was made from. */
  component: string;
  bridge: Bridge;
  imports: string[];
  exports: Array<[string, string]>;
  /** jco's output files: the glue's text, or a core module's byte range in the component. */
  files: Array<[string, { text: string } | { offset: number; length: number }]>;
}

export const seedPath = (hash: string, bridge: Bridge) => `${RESERVED_PREFIX}transpiled/${hash}.${bridge}.json`;

/** The build-time transpile of `component` (sha256 `hash`), or undefined if there is none. */
export async function fetchSeed(hash: string, bridge: Bridge, component: Uint8Array): Promise<Transpiled | undefined> {
  let seed: TranspileSeed;
  try {
    const response = await fetch(seedPath(hash, bridge));
    // A missing file may come back as the site's HTML page (a single-page-app fallback).
    if (!response.ok || !(response.headers.get('content-type') ?? '').includes('json')) return undefined;
    seed = (await response.json()) as TranspileSeed;
  } catch {
    return undefined; // offline, or not JSON: transpile in the page instead
  }
  if (seed.version !== TRANSPILE_VERSION || seed.component !== hash || seed.bridge !== bridge) return undefined;
  const encoder = new TextEncoder();
  const files = seed.files.map(([name, data]): [string, Uint8Array] => [
    name,
    'text' in data ? encoder.encode(data.text) : sliceOf(component, data, `${seedPath(hash, bridge)}: ${name}`),
  ]);
  return { files, imports: seed.imports, exports: seed.exports };
}
