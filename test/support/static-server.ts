/**
 * A plain static file server on loopback with CORS headers, standing in for "another origin that
 * hosts a Spin app" (`?app=` tests), and for the benchmark's fixtures and pages. Files are served
 * from `root`, or, given a map of roots, from the root named by the path's first segment
 * (`/fixtures/x` from `roots.fixtures`). `cors: false` omits the CORS headers to test the
 * playground's message for servers without them. Content types are the ones a browser needs to
 * run pages and compile wasm.
 */
import { createServer, type Server } from 'node:http';
import { readFile } from 'node:fs/promises';
import { extname, join, normalize } from 'node:path';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.wasm': 'application/wasm',
  '.toml': 'application/toml',
  '.json': 'application/json',
};

export interface StaticServer {
  url: string;
  close(): Promise<void>;
}

export async function serveStatic(root: string | Record<string, string>, options: { cors?: boolean } = {}): Promise<StaticServer> {
  const cors = options.cors ?? true;
  const server: Server = createServer(async (req, res) => {
    if (cors) res.setHeader('access-control-allow-origin', '*');
    res.setHeader('cache-control', 'no-cache');
    const path = normalize(decodeURIComponent((req.url ?? '/').split('?')[0]!)).replace(/^(\.\.[/\\])+/, '');
    try {
      const file = fileFor(root, path);
      if (file === undefined) throw new Error('no root');
      const body = await readFile(file);
      res.setHeader('content-type', TYPES[extname(path)] ?? 'application/octet-stream');
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

function fileFor(root: string | Record<string, string>, path: string): string | undefined {
  if (typeof root === 'string') return join(root, path);
  const [, prefix = '', ...rest] = path.split('/');
  return Object.hasOwn(root, prefix) ? join(root[prefix]!, ...rest) : undefined;
}
