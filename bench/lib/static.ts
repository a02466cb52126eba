/**
 * One loopback static server for the benchmark, with CORS (the playground fetches `?app=`
 * manifests and components cross-origin) and the content types a browser needs to run pages:
 *   /fixtures/...  -> test/fixtures/dist/   (bench-kv-rw, kv-tiny)
 *   /pages/...     -> bench/.build/pages/   (the persistence page, built by bench/build-pages.mjs)
 */
import { createServer } from 'node:http';
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

export async function serveBenchFiles(roots: Record<string, string>): Promise<StaticServer> {
  const server = createServer(async (req, res) => {
    res.setHeader('access-control-allow-origin', '*');
    res.setHeader('cache-control', 'no-cache');
    const path = normalize(decodeURIComponent((req.url ?? '/').split('?')[0]!)).replace(/^(\.\.[/\\])+/, '');
    const [, prefix = '', ...rest] = path.split('/');
    const root = roots[prefix];
    try {
      if (!root) throw new Error('no root');
      const body = await readFile(join(root, ...rest));
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
