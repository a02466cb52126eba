/**
 * Where the UI lives and where each project's preview lives.
 *
 * Each project gets an origin of its own so one app's scripts can never read another project's
 * data. In dev and `vite preview` that is `http://<project>.localhost:<port>` beside a UI on
 * `http://localhost:<port>`; a deployment sets `VITE_PREVIEW_ORIGIN` (e.g.
 * `https://{project}.preview.example.com`) and `VITE_UI_ORIGIN`.
 */

/** A project id is a DNS label: lowercase, no dots, at most 63 chars (docs/toolchain.md §8a). */
export const PROJECT_ID = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

const env = (import.meta as { env?: Record<string, string | undefined> }).env ?? {};

export function previewOriginFor(projectId: string, ui: { protocol: string; host: string }): string {
  if (!PROJECT_ID.test(projectId) || projectId.startsWith('xn--')) {
    throw new Error(`invalid project id ${JSON.stringify(projectId)}: it must be a DNS label`);
  }
  const pattern = env.VITE_PREVIEW_ORIGIN;
  if (pattern) return pattern.replace('{project}', projectId);
  return `${ui.protocol}//${projectId}.${hostWithoutProject(ui.host)}`;
}

/** The UI origin that may talk to the runner on this preview origin. */
export function uiOriginFor(preview: { protocol: string; host: string }): string {
  if (env.VITE_UI_ORIGIN) return env.VITE_UI_ORIGIN;
  return `${preview.protocol}//${hostWithoutProject(preview.host)}`;
}

/** `a.localhost:5173` -> `localhost:5173`; `127.0.0.1:5173` -> `localhost:5173`. */
function hostWithoutProject(host: string): string {
  const [name = '', port] = host.split(':');
  const base = name.endsWith('.localhost') || name === '127.0.0.1' ? 'localhost' : name;
  return port ? `${base}:${port}` : base;
}
