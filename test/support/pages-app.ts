/**
 * A Spin app made of a few HTML pages, for browser tests that need an app whose pages do
 * something (a hostile app: navigate the playground, frame another origin, post a form). It is
 * the bundled `static-files` example's real file-server component with the test's own pages
 * mounted with `files`, written to a temporary folder and served over HTTP for `?app=`.
 */
import { copyFile, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serveStatic } from './static-server.ts';

const FILE_SERVER = new URL('../../public/examples/static-files/app.wasm', import.meta.url).pathname;

export interface PagesApp {
  /** The app's manifest URL, for `?app=`. */
  manifestUrl: string;
  close(): Promise<void>;
}

/** Serve an app whose routes are the given pages (`{ 'index.html': '<!doctype html>…' }`). */
export async function servePagesApp(name: string, pages: Record<string, string>): Promise<PagesApp> {
  const dir = await mkdtemp(join(tmpdir(), `pg-pages-${name}-`));
  await copyFile(FILE_SERVER, join(dir, 'app.wasm'));
  for (const [file, html] of Object.entries(pages)) await writeFile(join(dir, file), html);
  const files = Object.keys(pages)
    .map((file) => `  { source = "${file}", destination = "/${file}" },`)
    .join('\n');
  await writeFile(
    join(dir, 'spin.toml'),
    `spin_manifest_version = 2

[application]
name = "${name}"

[[trigger.http]]
route = "/..."
component = "pages"

[component.pages]
source = "app.wasm"
files = [
${files}
]
`,
  );
  const server = await serveStatic(dir);
  return {
    manifestUrl: `${server.url}/spin.toml`,
    close: async () => {
      await server.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
