// A leaf helper shared by the page's wiring (main.ts) and the UI's preview panel: paths that
// arrive in engine messages must never move a URL to another origin.

/**
 * The URL of an app path on a preview origin, or `null` when the path would leave that origin.
 * Paths come from manifests, links and engine messages; joined to the origin as text, `@evil.com`
 * would become a host (`https://p.example-preview.com@evil.com`) and `.evil.com` another domain,
 * so the URL is parsed and its origin compared.
 */
export function urlOnOrigin(origin: string, pathWithQuery: string): URL | null {
  let base: URL;
  let url: URL;
  try {
    base = new URL(origin);
    if (!pathWithQuery.startsWith('/')) return null;
    url = new URL(pathWithQuery, base);
  } catch {
    return null;
  }
  return url.origin === base.origin ? url : null;
}
