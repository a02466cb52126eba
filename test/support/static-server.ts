/**
 * A plain static file server on loopback with CORS headers, standing in for "another origin that
 * hosts a Spin app" (`?app=` tests). Files are served from `root`; `cors: false` omits the CORS
 * headers to test the playground's message for servers without them.
 */
import { createServer, type Server } from 'node:http';
import { readFile } from 'node:fs/promises';
import { join, normalize } from 'node:path';

export interface StaticServer {
  url: string;
  close(): Promise<void>;
}

export async function serveStatic(root: string, options: { cors?: boolean } = {}): Promise<StaticServer> {
  const cors = options.cors ?? true;
  const server: Server = createServer(async (req, res) => {
    if (cors) res.setHeader('access-control-allow-origin', '*');
    const path = normalize(decodeURIComponent((req.url ?? '/').split('?')[0]!)).replace(/^(\.\.[/\\])+/, '');
    try {
      const body = await readFile(join(root, path));
      res.setHeader('content-type', path.endsWith('.wasm') ? 'application/wasm' : path.endsWith('.toml') ? 'application/toml' : 'application/octet-stream');
      res.end(body);
    } catch {
      res.statusCode = 404;
      res.end('not found');
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('no address');
  return {
    url: `http://127.0.0.1:${address.port}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
