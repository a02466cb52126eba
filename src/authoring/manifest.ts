/**
 * public/authoring/manifest.json, written by scripts/build-authoring.mjs: what the page needs to
 * build and serve an authored JS component, and where to find it.
 */
import type { SpliceExport, SpliceImport } from './embedding';

export interface AuthoringManifest {
  format: 1;
  /** Hash of the build inputs (template app, tool versions). */
  hash: string;
  componentizeJs: string;
  features: string[];
  spliceExports: SpliceExport[];
  spliceImports: SpliceImport[];
  /** Imports and exports of a component built for the template world (the j2w build's). */
  world: { imports: string[]; exports: string[] };
  /** File names, relative to the manifest. */
  engine: string;
  initializer: string;
  adapter: string;
  /** The merged WIT of the template world (j2w's inline world), for the splicer's stubWasi. */
  wit: string;
  /** The glue's name for the main core module: the one the page replaces. */
  mainCore: string;
  /** The glue's other core modules. */
  cores: string[];
  glue: { jspi: string; sync: string };
  sizes: Record<string, number>;
  sha256: Record<string, string>;
  template: { bytes: number; sha256: string; package: Record<string, unknown> };
}

/** Reads files of the artifact set (public/authoring/ over HTTP, or from disk in Node). */
export interface ArtifactSource {
  manifest: AuthoringManifest;
  bytes(name: string): Promise<Uint8Array>;
  text(name: string): Promise<string>;
}

/** Where the page finds the artifacts: `<base>authoring/` (Vite serves public/ under the base). */
export function defaultArtifactBase(): string {
  const base = (import.meta as { env?: { BASE_URL?: string } }).env?.BASE_URL ?? '/';
  return new URL(`${base}authoring/`, globalThis.location?.href ?? 'http://localhost/').href;
}

/** The artifacts over HTTP(S), from `base` (default: this page's `<base>authoring/`). */
export async function fetchArtifacts(base: string = defaultArtifactBase(), fetchImpl: typeof fetch = fetch): Promise<ArtifactSource> {
  const get = async (url: URL, init?: RequestInit) => {
    const response = await fetchImpl(url, init);
    if (!response.ok) throw new Error(`could not load ${url.href}: HTTP ${response.status} (run \`node scripts/build-authoring.mjs\`)`);
    return response;
  };
  const manifest = (await (await get(new URL('manifest.json', base), { cache: 'no-cache' })).json()) as AuthoringManifest;
  if (manifest.format !== 1) throw new Error(`unsupported authoring manifest format ${String(manifest.format)}`);
  // Content-addressed URLs: a rebuilt artifact is never served from a stale HTTP cache.
  const url = (name: string) => {
    const u = new URL(name, base);
    const digest = manifest.sha256[name];
    if (digest) u.searchParams.set('v', digest.slice(0, 16));
    return u;
  };
  return {
    manifest,
    bytes: async (name) => new Uint8Array(await (await get(url(name))).arrayBuffer()),
    text: async (name) => (await get(url(name))).text(),
  };
}
