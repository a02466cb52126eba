/**
 * Fetches an app by the URL of its `spin.toml`: the manifest, then every component source it
 * names, with file paths resolved relative to the manifest's URL (as `spin up` resolves them
 * relative to the manifest's directory). Digests are verified by the engine at load time.
 */
import { parseManifest } from '../manifest/parse';
import { ByteCapError, DOWNLOAD_CAP, exactBuffer, MANIFEST_CAP, readBodyCapped, type ByteCap } from './byte-caps';
import type { AppBundle } from '../protocol/messages';
import { getOwn, setOwn } from '../protocol/own-keys';

export class FetchAppError extends Error {}

/**
 * Fetch one URL, with an error that names it and the likely reason when the network refuses.
 * The body is read up to `cap` (default: `DOWNLOAD_CAP`, 512 MiB) and refused past it.
 */
export async function fetchBytes(url: string, fetchFn: typeof fetch = fetch, cap: ByteCap = DOWNLOAD_CAP): Promise<ArrayBuffer> {
  let response: Response;
  try {
    response = await fetchFn(url, { credentials: 'omit' });
  } catch (error) {
    throw new FetchAppError(
      `could not fetch ${url}: ${error instanceof Error ? error.message : String(error)}. If the server is up, it may not send CORS headers ` +
        `(Access-Control-Allow-Origin) that let the playground read it.`,
    );
  }
  if (!response.ok) throw new FetchAppError(`could not fetch ${url}: the server answered ${response.status} ${response.statusText}`.trim());
  try {
    return exactBuffer(await readBodyCapped(response, cap, url));
  } catch (error) {
    if (error instanceof ByteCapError) throw new FetchAppError(error.message);
    throw error;
  }
}

/**
 * Load the manifest at `manifestUrl` and the component files it names. A manifest that does not
 * parse is still returned (with no files) so the editor can show it with its errors.
 */
export async function fetchApp(manifestUrl: string, fetchFn: typeof fetch = fetch): Promise<AppBundle> {
  const manifestText = new TextDecoder().decode(await fetchBytes(manifestUrl, fetchFn, MANIFEST_CAP));
  return fetchSources({ manifestText, manifestUrl, files: {} }, fetchFn);
}

/** Fetch any component source the bundle's manifest names that the bundle does not hold yet. */
export async function fetchSources(bundle: AppBundle, fetchFn: typeof fetch = fetch): Promise<AppBundle> {
  const parsed = parseManifest(bundle.manifestText);
  if (!parsed.ok) return bundle;
  const files = { ...bundle.files };
  const wanted = new Map<string, string>();
  for (const component of Object.values(parsed.app.components)) {
    const source = component.source;
    if (source.kind === 'file' && !getOwn(files, source.path)) {
      if (!bundle.manifestUrl) continue;
      wanted.set(source.path, new URL(source.path, bundle.manifestUrl).href);
    } else if (source.kind === 'url' && !getOwn(files, source.url)) {
      wanted.set(source.url, source.url);
    }
  }
  // `files`: only what can be named over HTTP. A glob or a folder needs the app as a folder or zip.
  for (const component of Object.values(parsed.app.components)) {
    for (const entry of component.files) {
      const path = entry.kind === 'glob' ? entry.pattern : entry.source;
      if (/[*?[\]{}]/.test(path)) {
        throw new FetchAppError(
          `component "${component.id}": files pattern "${path}" cannot be expanded over HTTP, which cannot list folders. Open the app as a folder ` +
            `or zip (upload), or list each file explicitly in spin.toml.`,
        );
      }
      const key = path.replace(/^\.\//, '');
      if (!getOwn(files, key) && bundle.manifestUrl) wanted.set(key, new URL(key, bundle.manifestUrl).href);
    }
  }
  await Promise.all(
    [...wanted].map(async ([key, url]) => {
      try {
        setOwn(files, key, await fetchBytes(url, fetchFn));
      } catch (error) {
        const isFolder = !/\.[A-Za-z0-9]+$/.test(key);
        throw isFolder
          ? new FetchAppError(
              `${(error as Error).message}. If "${key}" is a folder: HTTP cannot list folders; open the app as a folder or zip, or list its files explicitly.`,
            )
          : error;
      }
    }),
  );
  return { ...bundle, files };
}
