/**
 * Which app the page shows, from its URL, and the project (preview origin and data) it belongs
 * to. The same `?app=` URL or the same example always maps to the same project id, so it opens
 * with the same key-value data; `?project=p-…` opens a named project.
 */
import { sha256Hex } from '../bytes/sha256';

export type AppChoice = { kind: 'example'; name: string } | { kind: 'url'; manifestUrl: string } | { kind: 'project'; id: string };

export const DEFAULT_EXAMPLE = 'kv-basics';

export function appChoiceFrom(location: { search: string; href: string }): AppChoice {
  const params = new URLSearchParams(location.search);
  const project = params.get('project');
  if (project && /^p-[a-z0-9]{1,20}$/.test(project)) return { kind: 'project', id: project };
  const app = params.get('app');
  if (app) return { kind: 'url', manifestUrl: new URL(app, location.href).href };
  const example = params.get('example');
  return { kind: 'example', name: example && /^[a-z0-9-]+$/.test(example) ? example : DEFAULT_EXAMPLE };
}

/** A DNS-label project id: `ex-<example>`, `app-<hash of the manifest URL>` or the named project's id. */
export async function projectIdFor(choice: AppChoice): Promise<string> {
  if (choice.kind === 'project') return choice.id;
  if (choice.kind === 'example') return `ex-${choice.name}`.slice(0, 63).replace(/-+$/, '');
  // The first 8 bytes of the digest: 16 hex digits.
  return `app-${(await sha256Hex(new TextEncoder().encode(choice.manifestUrl))).slice(0, 16)}`;
}

/** Where the manifest of an example or URL choice lives, relative to the playground's own files. */
export function manifestUrlFor(choice: { kind: 'example'; name: string } | { kind: 'url'; manifestUrl: string }, base: string): string {
  return choice.kind === 'url' ? choice.manifestUrl : new URL(`examples/${choice.name}/spin.toml`, base).href;
}
