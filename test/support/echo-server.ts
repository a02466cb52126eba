/**
 * The conformance suite's `http-echo` service on loopback: POST answers 200, `content-type:
 * text/plain` and the request body. It also sends CORS headers, because a page may read a
 * cross-origin response only with them (a documented browser difference; `spin up` needs none).
 */
import { createServer } from 'node:http';

export async function startEchoServer(): Promise<{ port: number; close(): Promise<void> }> {
  const server = createServer((req, res) => {
    res.setHeader('access-control-allow-origin', '*');
    res.setHeader('access-control-allow-headers', '*');
    res.setHeader('access-control-allow-methods', '*');
    res.setHeader('access-control-expose-headers', '*');
    if (req.method === 'OPTIONS') return res.end();
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      res.setHeader('content-type', 'text/plain');
      res.end(Buffer.concat(chunks));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('no address');
  return { port: address.port, close: () => new Promise((resolve) => server.close(() => resolve())) };
}
