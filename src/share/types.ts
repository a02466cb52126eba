/**
 * What a share link carries: the state a reader needs to see exactly what the sharer saw.
 * README "Share link format" specifies how it is written.
 */

import type { KvRow } from '../export/spin-state';

export type { KvRow };

/** The app the link builds on; its manifest and files are fetched, not carried. */
export type ShareBase =
  /** A bundled example, by name (`?example=`). */
  | { kind: 'example'; name: string }
  /** An app opened with `?app=`, by its manifest's URL. */
  | { kind: 'url'; manifestUrl: string }
  /** Nothing: the link carries the manifest and every file. */
  | { kind: 'none' };

/** The request console's state. Absent members of a decoded one take `DEFAULT_REQUEST`'s. */
export interface ShareRequest {
  method: string;
  /** Path with query, starting with `/`. */
  path: string;
  headers: Array<[string, string]>;
  body: string;
  bodyType: 'text' | 'json';
}

export const DEFAULT_REQUEST: Readonly<ShareRequest> = Object.freeze({ method: 'GET', path: '/', headers: [], body: '', bodyType: 'text' });

/**
 * A file the base app does not provide (added or replaced in the page), keyed by its path
 * relative to the manifest. `url`: hosted elsewhere, named like Spin's `source = { url, digest }`
 * and checked against the digest when opened. `local`: only this browser has the bytes; the
 * encoder inlines it if it is small, and otherwise reports that it cannot go in a link.
 */
export type ShareFile = { kind: 'url'; url: string; digest: string } | { kind: 'local'; bytes: Uint8Array };

/** A file as a decoded link names it. */
export type SharedFile = { kind: 'url'; url: string; digest: string } | { kind: 'inline'; bytes: Uint8Array };

/** Everything the "Share" button captures (the encoder's input). */
export interface ShareState {
  base: ShareBase;
  /** The manifest as the editor holds it. */
  manifest: string;
  files: Record<string, ShareFile>;
  /** The contents of every key-value store. */
  kv: KvRow[];
  /** Variable values set in the Variables panel. Secret ones never enter a link. */
  variables: Record<string, string>;
  request: ShareRequest;
  /** The file selected in the Files panel, by path (`spin.toml` for the manifest). */
  selectedFile?: string;
  /**
   * An app written in the page ("New JS app"): its handler's source. The link carries the
   * source, not the built component; the reader's page builds it again (format v2).
   */
  authored?: AuthoredSource;
}

export interface AuthoredSource {
  language: 'javascript' | 'typescript';
  source: string;
}

/**
 * What the sharer's and the reader's playgrounds both know without the link: the base app's
 * manifest as it is fetched. The encoder leaves out what equals it; `resolveSharedState`
 * puts it back.
 */
export interface ShareDefaults {
  manifest?: string;
}

/** A decoded link: `base` always, every other field only when the link sets it. */
export interface SharedState {
  base: ShareBase;
  manifest?: string;
  files?: Record<string, SharedFile>;
  kv?: KvRow[];
  variables?: Record<string, string>;
  request?: Partial<ShareRequest>;
  selectedFile?: string;
  authored?: AuthoredSource;
}

export type EncodeResult =
  /** `fragment` goes after `#` (see `shareUrl`); `notes` say what was left out and why. */
  | { ok: true; fragment: string; notes: string[] }
  /** Local files too big to inline: offer a bundle file (`encodeBundleFile`) or ask for their URLs. */
  | { ok: false; reason: 'local-files'; files: string[]; error: string }
  /** The key-value data is over `SHARE_KV_LIMIT_BYTES`: share without it, or as a bundle file. */
  | { ok: false; reason: 'kv-too-large'; bytes: number; limit: number; error: string }
  /** The manifest, the number of files or the whole link is over its limit. */
  | { ok: false; reason: 'too-large'; error: string }
  /** A field the decoder would refuse (a request path without `/`, a file URL that is not http(s), …). */
  | { ok: false; reason: 'invalid'; error: string };

export type DecodeResult =
  | { ok: true; version: number; state: SharedState }
  /** `recovered`: the fields that could still be read and passed validation, if any. */
  | { ok: false; error: string; version?: number; recovered?: Partial<SharedState> };
