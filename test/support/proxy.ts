/**
 * A reverse proxy in front of the served playground (PG_URL) that can change the bytes of the
 * service worker script, standing in for "a new deployment": the browser's update check then
 * finds a new version of `/__pg/sw.js`. The proxy keeps the `Host` header, so UI and preview
 * origins work on its own port exactly as on the real server's.
 */
import { createServer, request as httpRequest, type IncomingHttpHeaders } from 'node:http';

export interface SwProxy {
  /** `http://localhost:<port>`: the playground's UI through the proxy. */
  url: string;
  /** 0 serves the worker unchanged; any other number appends a comment naming it. */
  version: number;
  close(): Promise<void>;
}

const SW_PATH = '/__pg/sw.js';

export async function startSwProxy(target: string): Promise<SwProxy> {
  const upstream = new URL(target);
  const state = { version: 0 };
  const server = createServer((req, res) => {
    const isSw = (req.url ?? '/').split('?')[0] === SW_PATH;
    const headers: IncomingHttpHeaders = { ...req.headers };
    if (isSw) {
      // Always a full answer for the worker script (no 304 from the upstream's cache validators).
      delete headers['if-none-match'];
      delete headers['if-modified-since'];
      // Plain bytes, so the proxy can append to them.
      delete headers['accept-encoding'];
    }
    const forwarded = httpRequest({ host: '127.0.0.1', port: Number(upstream.port), path: req.url, method: req.method, headers }, (answer) => {
      if (!isSw || state.version === 0) {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
        return;
      }
      const chunks: Buffer[] = [];
      answer.on('data', (chunk: Buffer) => chunks.push(chunk));
      answer.on('end', () => {
        const body = Buffer.concat([...chunks, Buffer.from(`\n// test deployment ${state.version}\n`)]);
        const out = { ...answer.headers, 'content-length': String(body.length) };
        delete out.etag;
        delete out['last-modified'];
        res.writeHead(answer.statusCode ?? 502, out);
        res.end(body);
      });
    });
    forwarded.on('error', () => {
      res.statusCode = 502;
      res.end();
    });
    req.pipe(forwarded);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('no address');
  return {
    url: `http://localhost:${address.port}`,
    get version() {
      return state.version;
    },
    set version(value: number) {
      state.version = value;
    },
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
