/**
 * Share link format v2: v1 plus the source of an app written in the page (README "Share link
 * format"). The document is v1's with one more member, `src`, between `vars` and `manifest`:
 * `{"lang": "js" | "ts", "text": "<source>"}`. The link carries the source, never the built
 * component; the page that opens it builds the component again.
 *
 * The encoder writes v2 only when there is a source to carry, so every other link stays v1 and
 * opens in playgrounds that only read v1.
 */
import { utf8 } from './bytes';
import * as L from './limits';
import type { AuthoredSource, EncodeResult, ShareDefaults, SharedState, ShareState } from './types';
import { formatBytes } from '../bytes/size';
import { clip, isObject, readV1, writeV1, type V1Document } from './v1';

export interface V2Document extends V1Document {
  src?: { lang: 'js' | 'ts'; text: string };
}

const LANGS = { js: 'javascript', ts: 'typescript' } as const;

type Written = { ok: true; version: 1 | 2; doc: V2Document; notes: string[] } | Extract<EncodeResult, { ok: false }>;

/** The document for `state`: v1's, with `src` when the state has an authored source. */
export function writeV2(state: ShareState, defaults: ShareDefaults): Written {
  const v1 = writeV1(state, defaults);
  if (!v1.ok || !state.authored) return v1.ok ? { ...v1, version: 1 } : v1;
  const bytes = utf8(state.authored.source).byteLength;
  if (bytes > L.MAX_SHARE_SOURCE_BYTES) {
    return {
      ok: false,
      reason: 'too-large',
      error: `The source is ${formatBytes(bytes)}; a link carries at most ${formatBytes(L.MAX_SHARE_SOURCE_BYTES)}. Download a bundle file instead.`,
    };
  }
  const lang = state.authored.language === 'typescript' ? 'ts' : 'js';
  // Members in v2's order: `src` after `vars`, so a link cut short keeps the source before the data.
  const { manifest, kv, files, ...head } = v1.doc;
  const doc: V2Document = {
    ...head,
    src: { lang, text: state.authored.source },
    ...(manifest !== undefined ? { manifest } : {}),
    ...(kv ? { kv } : {}),
    ...(files ? { files } : {}),
  };
  return { ok: true, version: 2, doc, notes: v1.notes };
}

/** Validates a v2 document: v1's checks for its members, and `src`. */
export function readV2(doc: unknown): { state: Partial<SharedState>; problems: string[] } {
  const result = readV1(doc, { version: 2, names: ['src'] });
  if (!isObject(doc) || !Object.hasOwn(doc, 'src')) return result;
  const own: string[] = [];
  const authored = readSource(doc.src, own);
  result.problems.push(...own.map((p) => `src: ${p}`));
  if (authored) result.state.authored = authored;
  return result;
}

function readSource(value: unknown, problems: string[]): AuthoredSource | undefined {
  if (!isObject(value)) return void problems.push('not an object');
  for (const key of Object.keys(value)) if (key !== 'lang' && key !== 'text') problems.push(`${clip(key)} is not a member of src`);
  const lang = value.lang;
  if (lang !== 'js' && lang !== 'ts') return void problems.push(`lang must be "js" or "ts", not ${clip(String(lang))}`);
  if (typeof value.text !== 'string') return void problems.push('text is not a string');
  if (utf8(value.text).byteLength > L.MAX_SHARE_SOURCE_BYTES) return void problems.push(`text is over ${formatBytes(L.MAX_SHARE_SOURCE_BYTES)}`);
  return { language: LANGS[lang], source: value.text };
}
