/**
 * "Copy as curl": the same request against `spin up`, which listens on http://127.0.0.1:3000 by
 * default. Single-quoted for POSIX shells.
 *
 * @example curlCommand({ method: 'POST', path: '/api', headers: [['content-type', 'application/json']], body: '{}' })
 * // curl -i -X POST 'http://127.0.0.1:3000/api' \
 * //   -H 'content-type: application/json' \
 * //   --data-raw '{}'
 */
export const SPIN_UP_ORIGIN = 'http://127.0.0.1:3000';

export interface CurlRequest {
  method: string;
  path: string;
  headers: Array<[string, string]>;
  body: string;
}

export function curlCommand(request: CurlRequest, origin = SPIN_UP_ORIGIN): string {
  const method = request.method.toUpperCase();
  const parts = [method === 'HEAD' ? 'curl -I' : method === 'GET' ? 'curl -i' : `curl -i -X ${method}`];
  parts[0] += ` ${quote(origin + (request.path.startsWith('/') ? request.path : `/${request.path}`))}`;
  for (const [name, value] of request.headers) parts.push(`-H ${quote(`${name}: ${value}`)}`);
  if (request.body !== '' && method !== 'GET' && method !== 'HEAD') parts.push(`--data-raw ${quote(request.body)}`);
  return parts.join(' \\\n  ');
}

function quote(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}
