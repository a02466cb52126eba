/**
 * The deprecated `allowed_http_hosts` field, converted to `allowed_outbound_hosts` entries the way
 * Spin does (`crates/manifest/src/compat.rs` and `compat/allowed_http_hosts.rs`).
 */

const ALLOW_ALL_HOSTS = 'insecure:allow-all';

/**
 * Converts `allowed_http_hosts` entries to `allowed_outbound_hosts` entries. Manifest v1 components
 * that don't list `allowed_outbound_hosts` also get database access, as they had before that
 * field existed.
 *
 * @example convertAllowedHttpHosts(['example.com:8080'], false)
 *   // { hosts: ['http://example.com:8080', 'https://example.com:8080'] }
 * @example convertAllowedHttpHosts([], true)
 *   // { hosts: ['redis://*:*', 'mysql://*:*', 'postgres://*:*'] }
 */
export function convertAllowedHttpHosts(allowedHttpHosts: readonly string[], allowDatabaseAccess: boolean): { hosts: string[] } | { error: string } {
  const hosts = allowDatabaseAccess ? ['redis://*:*', 'mysql://*:*', 'postgres://*:*'] : [];
  if (allowedHttpHosts.includes(ALLOW_ALL_HOSTS)) {
    return { hosts: [...hosts, 'http://*:*', 'https://*:*', 'http://self'] };
  }
  const errors: string[] = [];
  for (const text of allowedHttpHosts) {
    const parsed = parseAllowedHttpHost(text);
    if ('error' in parsed) errors.push(parsed.error);
    else if (parsed.domain === 'self') hosts.push('http://self');
    else {
      const port = parsed.port ? `:${parsed.port}` : '';
      hosts.push(`http://${parsed.domain}${port}`, `https://${parsed.domain}${port}`);
    }
  }
  if (errors.length > 0) {
    return { error: `One or more allowed_http_hosts entries was invalid:\n${errors.join('\n')}` };
  }
  return { hosts };
}

function parseAllowedHttpHost(text: string): { domain: string; port: string } | { error: string } {
  // Like Spin, a crude check first: URL parsing would take `localhost:3001` as scheme `localhost`.
  const schemed = text.includes('//');
  let url: URL;
  try {
    url = new URL(schemed ? text : `http://${text}`);
  } catch (e) {
    return schemed
      ? { error: `${text} isn't a valid HTTP host URL: ${e instanceof Error ? e.message : String(e)}` }
      : { error: `${text} isn't a valid host or host:port string` };
  }
  if (schemed && url.protocol !== 'http:' && url.protocol !== 'https:') {
    return { error: `${text} isn't a valid host or host:port string` };
  }
  if (url.hostname === '') return { error: `${text} doesn't contain a host name` };
  if (url.pathname.length > 1) {
    return { error: `${text} contains a path, should be host and optional port only` };
  }
  return { domain: url.hostname, port: url.port };
}
