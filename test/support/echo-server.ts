/**
 * The conformance suite's `http-echo` service on loopback: POST answers 200, `content-type:
 * text/plain` and the request body. It also sends CORS headers, because a page may read a
 * cross-origin response only with them (a documented browser difference; `spin up` needs none).
 *
 * For the allow-list tests it is also an open redirect: `/redirect/<URL-encoded target>` answers
 * 307 to the target (with the same CORS headers, so a browser would follow it), and it counts
 * the requests it received. `host` picks the loopback address (e.g. 127.0.0.2, a host that no
 * test manifest allows).
 */
import { createServer } from 'node:http';

export interface EchoServer {
  port: number;
  /** `http://<host>:<port>` */
  origin: string;
  /** Requests received so far (preflights included). */
  readonly requests: number;
  close(): Promise<void>;
}

export async function startEchoServer(options: { host?: string } = {}): Promise<EchoServer> {
  const host = options.host ?? '127.0.0.1';
  let requests = 0;
  const server = createServer((req, res) => {
    requests++;
    res.setHeader('access-control-allow-origin', '*');
    res.setHeader('access-control-allow-headers', '*');
    res.setHeader('access-control-allow-methods', '*');
    res.setHeader('access-control-expose-headers', '*');
    if (req.method === 'OPTIONS') return res.end();
    const redirect = /^\/redirect\/([^?]+)/.exec(req.url ?? '');
    if (redirect) {
      res.writeHead(307, { location: decodeURIComponent(redirect[1]!) });
      return res.end();
    }
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      res.setHeader('content-type', 'text/plain');
      res.end(Buffer.concat(chunks));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('no address');
  return {
    port: address.port,
    origin: `http://${host}:${address.port}`,
    get requests() {
      return requests;
    },
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
