/**
 * Share links: the playground's state as a URL fragment, `#v<N>.<payload>` (README "Share link
 * format"). The version prefix picks the decoder, so every link ever made keeps opening: a new
 * format gets a new number and a new decoder beside the old ones, never a change to an old one.
 *
 * Pure functions of their arguments (no `location`, no `fetch`), so they run under `node:test`.
 */
import { deflateSync, Inflate } from 'fflate';
import { firstNonBase64Url, fromBase64Url, toBase64Url } from '../bytes/base64';
import { crc32, utf8 } from './bytes';
import { completeMembers } from './partial-json';
import { MAX_SHARE_JSON_BYTES, MAX_SHARE_LINK_LENGTH, SHARE_LINK_WARN_LENGTH } from './limits';
import type { DecodeResult, EncodeResult, ShareDefaults, SharedState, ShareState } from './types';
import { formatBytes } from '../bytes/size';
import { readV1 } from './v1';
import { readV2, writeV2 } from './v2';

/**
 * The newest format this playground writes. Links of every version from 1 up to it decode. The
 * encoder writes the lowest version that holds the state (v2 only for an authored source).
 */
export const SHARE_FORMAT_VERSION = 2;

/** The document reader of each version; all share v1's envelope (checksum, DEFLATE, base64url). */
const READERS: Record<number, (doc: unknown) => { state: Partial<SharedState>; problems: string[] }> = { 1: readV1, 2: readV2 };

/**
 * The state as a link fragment (`v1.…`, without `#`), leaving out what equals `defaults` or the
 * format's own defaults; or why it cannot be a link. Secret variables are always left out.
 *
 * @example
 * const result = encodeShareState(state, { manifest: originalManifestText });
 * if (result.ok) shareUrl(result.fragment, location.href); // "https://play.example/#v1.AbC…"
 */
export function encodeShareState(state: ShareState, defaults: ShareDefaults = {}): EncodeResult {
  const written = writeV2(state, defaults);
  if (!written.ok) return written;
  const json = utf8(JSON.stringify(written.doc));
  const deflated = deflateSync(json, { level: 9, mem: 8 });
  const payload = new Uint8Array(4 + deflated.byteLength);
  new DataView(payload.buffer).setUint32(0, crc32(json));
  payload.set(deflated, 4);
  const fragment = `v${written.version}.${toBase64Url(payload)}`;
  if (fragment.length > MAX_SHARE_LINK_LENGTH) {
    return {
      ok: false,
      reason: 'too-large',
      error:
        `The link would be ${fragment.length.toLocaleString('en-US')} characters, over the ${MAX_SHARE_LINK_LENGTH.toLocaleString('en-US')} a ` +
        `browser reliably opens. Download a bundle file instead.`,
    };
  }
  return { ok: true, fragment, notes: written.notes };
}

/** True if `hash` (with or without `#`) looks like a share link of any version. */
export function isShareFragment(hash: string): boolean {
  return /^#?v\d{1,6}\./.test(hash.trim());
}

/**
 * Reads a share link: `#v1.…`, `v1.…` or a whole URL with that fragment. The content is
 * untrusted: every field is checked for type and size before it is returned. A link that was
 * cut short or altered gives `ok: false` with a message saying so and, in `recovered`, every
 * field that could still be read and passed the checks.
 */
export function decodeShareLink(hash: string): DecodeResult {
  let text = hash.trim();
  const at = text.indexOf('#');
  if (at >= 0) text = text.slice(at + 1);
  const match = /^v(\d{1,6})\.([\s\S]*)$/.exec(text);
  if (!match) return { ok: false, error: 'This is not a playground share link: it should start with "#v1." or "#v2." followed by the shared state.' };
  const version = Number(match[1]);
  const read = READERS[version];
  if (read) return decodeEnvelope(version, match[2]!, read);
  if (version > SHARE_FORMAT_VERSION) {
    return {
      ok: false,
      version,
      error:
        `This link uses share format v${version}, made by a newer playground; this one reads v1 to v${SHARE_FORMAT_VERSION}. Open it on the ` +
        `playground that made it.`,
    };
  }
  return { ok: false, version, error: `There is no share format v${version}.` };
}

function decodeEnvelope(version: number, payload: string, read: (doc: unknown) => { state: Partial<SharedState>; problems: string[] }): DecodeResult {
  if (payload.length > MAX_SHARE_LINK_LENGTH)
    return { ok: false, version, error: `This link is ${payload.length.toLocaleString('en-US')} characters long, more than a share link can be.` };
  // A character outside base64url ends the data: often a chat app's trailing "." or ")" after an
  // intact link (then the checksum below still matches), otherwise a sign of damage.
  const bad = firstNonBase64Url(payload);
  const badNote = bad >= 0 ? `character ${bad + 1} of the link data (${JSON.stringify(payload[bad])}) cannot be part of a share link` : undefined;
  if (bad >= 0) payload = payload.slice(0, bad);
  // No encoder writes 4n+1 characters: the last one is half of a byte that was cut off.
  if (payload.length % 4 === 1) payload = payload.slice(0, -1);
  const bytes = fromBase64Url(payload);
  if (bytes.byteLength < 5) return { ok: false, version, error: `This share link is damaged or cut short: ${badNote ?? 'it holds no data'}.` };
  const expectedCrc = new DataView(bytes.buffer, bytes.byteOffset, 4).getUint32(0);
  const inflated = inflateBounded(bytes.subarray(4));
  if (inflated.tooBig)
    return { ok: false, version, error: `This share link expands to more than ${formatBytes(MAX_SHARE_JSON_BYTES)}; it was not made by the playground.` };

  const checksumOk = inflated.complete && crc32(inflated.data) === expectedCrc;
  let doc: unknown;
  if (inflated.complete) {
    try {
      doc = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(inflated.data));
    } catch {
      doc = undefined;
    }
  }
  if (doc !== undefined) {
    const { state, problems } = read(doc);
    if (checksumOk && problems.length === 0 && state.base) return { ok: true, version, state: state as SharedState };
    if (checksumOk) {
      // Intact but refused: the link was written by hand or by something other than the playground.
      const recovered = nonEmpty(state);
      const listed = [...problems.slice(0, 8), ...(problems.length > 8 ? [`${problems.length - 8} more problems`] : [])];
      return {
        ok: false,
        version,
        error: `This share link holds data the playground refuses: ${listed.join('; ')}.${describeRecovered(recovered)}`,
        ...(recovered ? { recovered } : {}),
      };
    }
  }
  // Cut short or altered: read the members that are complete before the damage.
  const members = doc !== undefined ? doc : completeMembers(new TextDecoder('utf-8', { fatal: false }).decode(inflated.data));
  const { state } = members ? read(members) : { state: {} };
  const recovered = nonEmpty(state);
  const error = !inflated.complete
    ? `This share link is cut short: ` +
      (badNote
        ? `${badNote}, and the data before it is incomplete`
        : `it ends early (${payload.length.toLocaleString('en-US')} characters of data survive); the app that carried it may have cut it`) +
      '.'
    : `This share link is damaged: ${badNote ?? 'some of its characters were changed'}, so its checksum does not ` +
      `match${recovered ? ' and what could be recovered may differ from what was shared' : ''}.`;
  return { ok: false, version, error: `${error}${describeRecovered(recovered)}`, ...(recovered ? { recovered } : {}) };
}

/** Inflates raw deflate, stopping past `MAX_SHARE_JSON_BYTES`; `complete` is false for a cut stream. */
function inflateBounded(deflated: Uint8Array): { data: Uint8Array; complete: boolean; tooBig: boolean } {
  const chunks: Uint8Array[] = [];
  let total = 0;
  let tooBig = false;
  const inflater = new Inflate((chunk) => {
    total += chunk.byteLength;
    if (total > MAX_SHARE_JSON_BYTES) {
      tooBig = true;
      throw new Error('too big');
    }
    chunks.push(chunk);
  });
  let complete = true;
  try {
    // Small pushes: one KiB of deflate expands to at most about one MiB, so the bound holds.
    for (let i = 0; i < deflated.byteLength; i += 1024) inflater.push(deflated.subarray(i, Math.min(deflated.byteLength, i + 1024)), false);
    inflater.push(new Uint8Array(0), true);
  } catch {
    complete = false;
  }
  const data = new Uint8Array(Math.min(total, MAX_SHARE_JSON_BYTES));
  let at = 0;
  for (const chunk of chunks) {
    data.set(chunk, at);
    at += chunk.byteLength;
  }
  return { data, complete, tooBig };
}

function nonEmpty(state: Partial<SharedState>): Partial<SharedState> | undefined {
  return Object.keys(state).length > 0 ? state : undefined;
}

const FIELD_NAMES: Record<keyof SharedState, string> = {
  base: 'which app it opens',
  manifest: 'spin.toml',
  files: 'files',
  kv: 'key-value data',
  variables: 'variable values',
  request: 'the request',
  selectedFile: 'the selected file',
  authored: 'the source',
};

function describeRecovered(recovered: Partial<SharedState> | undefined): string {
  if (!recovered) return ' Nothing in it could be recovered; ask for the link again.';
  const names = (Object.keys(FIELD_NAMES) as Array<keyof SharedState>).filter((k) => k in recovered).map((k) => FIELD_NAMES[k]);
  return ` Recovered: ${names.join(', ')}.`;
}

/**
 * The share URL for a fragment: the playground page `here` with no query and `#<fragment>`.
 *
 * @example
 * shareUrl('v1.AbC', 'https://play.example/?example=guestbook'); // "https://play.example/#v1.AbC"
 */
export function shareUrl(fragment: string, here: string): string {
  const url = new URL(here);
  url.search = '';
  url.hash = fragment;
  return url.href;
}

/**
 * What the UI shows beside a share link: its length, and a warning above
 * `SHARE_LINK_WARN_LENGTH` characters (chat apps and some sites cut longer links).
 */
export function shareLinkWarning(url: string): { length: number; warning: string | null } {
  const length = url.length;
  if (length <= SHARE_LINK_WARN_LENGTH) return { length, warning: null };
  return {
    length,
    warning:
      `This link is ${length.toLocaleString('en-US')} characters long. Chat apps and some sites cut links over ` +
      `${SHARE_LINK_WARN_LENGTH.toLocaleString('en-US')} characters; a bundle file is safer for big apps.`,
  };
}
