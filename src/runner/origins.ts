/**
 * Where the UI lives and where each project's preview lives.
 *
 * Each project gets an origin of its own so one app's scripts can never read another project's
 * data. In dev and `vite preview` that is `http://<project>.localhost:<port>` beside a UI on
 * `http://localhost:<port>`; a deployment sets `VITE_PREVIEW_ORIGIN` (e.g.
 * `https://{project}.example-preview.com`, a registrable domain apart from the UI's) and
 * `VITE_UI_ORIGIN`.
 */

/** A project id is a DNS label: lowercase, no dots, at most 63 chars (docs/toolchain.md §8a). */
export const PROJECT_ID = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

const env = (import.meta as { env?: Record<string, string | boolean | undefined> }).env ?? {};

/** What the build was given: the preview pattern, and whether this is a production build. */
export interface OriginSettings {
  previewPattern?: string;
  uiOrigin?: string;
  production: boolean;
}

const BUILT: OriginSettings = {
  previewPattern: typeof env.VITE_PREVIEW_ORIGIN === 'string' && env.VITE_PREVIEW_ORIGIN ? env.VITE_PREVIEW_ORIGIN : undefined,
  uiOrigin: typeof env.VITE_UI_ORIGIN === 'string' && env.VITE_UI_ORIGIN ? env.VITE_UI_ORIGIN : undefined,
  production: env.PROD === true,
};

export function previewOriginFor(projectId: string, ui: { protocol: string; host: string; hostname: string }, settings: OriginSettings = BUILT): string {
  if (!PROJECT_ID.test(projectId) || projectId.startsWith('xn--')) {
    throw new Error(`invalid project id ${JSON.stringify(projectId)}: it must be a DNS label`);
  }
  const pattern = settings.previewPattern;
  if (pattern) return pattern.replace('{project}', projectId);
  // Without a pattern previews are `<project>.<UI host>`: the UI's own site, where an app could
  // set cookies for the UI. Fine on localhost; a deployment must not run that way.
  if (settings.production && !isLocalHost(ui.hostname)) throw new Error(sameSiteMessage(`${ui.protocol}//${ui.host}`));
  return `${ui.protocol}//${projectId}.${hostWithoutProject(ui.host)}`;
}

/** The UI origin that may talk to the runner on this preview origin. */
export function uiOriginFor(preview: { protocol: string; host: string }, settings: OriginSettings = BUILT): string {
  if (settings.uiOrigin) return settings.uiOrigin;
  return `${preview.protocol}//${hostWithoutProject(preview.host)}`;
}

/** `localhost`, `*.localhost`, `127.0.0.1`, `[::1]`: a machine's own playground. */
export function isLocalHost(hostname: string): boolean {
  return hostname === 'localhost' || hostname.endsWith('.localhost') || hostname === '127.0.0.1' || hostname === '[::1]';
}

function sameSiteMessage(uiOrigin: string): string {
  return (
    `the playground at ${uiOrigin} was built without VITE_PREVIEW_ORIGIN, so each app's preview would be on <project>.${new URL(uiOrigin).host}, ` +
    `the same site as the UI: an app could set cookies for the UI and for every other project. Build with ` +
    `VITE_PREVIEW_ORIGIN='https://{project}.<a registrable domain of its own>' and VITE_UI_ORIGIN=${uiOrigin} (README "Deployment")`
  );
}

/**
 * Why a production build with these variables must not be made, or `undefined`. Checked by
 * vite.config.ts when it knows the UI origin (`VITE_UI_ORIGIN`); without it, the page checks the
 * host it is served from at start-up (`previewOriginFor`).
 */
export function deploymentError(vars: { VITE_UI_ORIGIN?: string; VITE_PREVIEW_ORIGIN?: string }): string | undefined {
  const ui = vars.VITE_UI_ORIGIN || undefined;
  const pattern = vars.VITE_PREVIEW_ORIGIN || undefined;
  if (pattern && !ui)
    return 'VITE_PREVIEW_ORIGIN is set without VITE_UI_ORIGIN: the preview origins need the UI origin to know whom to answer (README "Deployment")';
  if (!ui) return undefined;
  let uiUrl: URL;
  try {
    uiUrl = new URL(ui);
  } catch {
    return `VITE_UI_ORIGIN=${ui} is not a URL`;
  }
  if (!pattern) return isLocalHost(uiUrl.hostname) ? undefined : sameSiteMessage(uiUrl.origin);
  if (!pattern.includes('{project}')) return `VITE_PREVIEW_ORIGIN=${pattern} has no {project}: every project needs an origin of its own`;
  let sample: URL;
  try {
    sample = new URL(pattern.replace('{project}', 'project'));
  } catch {
    return `VITE_PREVIEW_ORIGIN=${pattern} is not a URL pattern like https://{project}.example-preview.com`;
  }
  const uiHost = uiUrl.hostname;
  if (!isLocalHost(uiHost) && (sample.hostname === uiHost || sample.hostname.endsWith(`.${uiHost}`))) {
    return (
      `VITE_PREVIEW_ORIGIN=${pattern} is under the UI's host ${uiHost}, the same site: an app could set cookies for the UI. Use a registrable ` +
      `domain of its own (README "Deployment")`
    );
  }
  return undefined;
}

/** `a.localhost:5173` -> `localhost:5173`; `127.0.0.1:5173` -> `localhost:5173`. */
function hostWithoutProject(host: string): string {
  const [name = '', port] = host.split(':');
  const base = name.endsWith('.localhost') || name === '127.0.0.1' ? 'localhost' : name;
  return port ? `${base}:${port}` : base;
}
