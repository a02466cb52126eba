/**
 * Sizes a share link may carry. The encoder refuses more (and says what to do instead: a bundle
 * file); the decoder treats every link as untrusted and rejects anything over these bounds before
 * it allocates for it. Changing a limit does not change the format: an older link stays valid as
 * long as it fits the limits it was made under, so only ever raise them.
 */

/** The UI warns above this many characters: chat apps and some sites cut longer links. */
export const SHARE_LINK_WARN_LENGTH = 2_000;
/** Longest fragment the decoder reads (Chromium's URL limit is 2 MB). */
export const MAX_SHARE_LINK_LENGTH = 1_000_000;
/** Most bytes the decompressed JSON may have; inflating stops there (a link is not a zip bomb). */
export const MAX_SHARE_JSON_BYTES = 4 * 1024 * 1024;

/**
 * The key-value seed a link carries: the sum of the UTF-8 bytes of every store label, key and
 * value. The UI shows it ("Key-value data: 3.1 KiB of 64 KiB").
 */
export const SHARE_KV_LIMIT_BYTES = 64 * 1024;
/** Entries in the key-value seed; Spin's documentation promises 1,024 per store. */
export const MAX_SHARE_KV_ENTRIES = 1_024;
/** A local file (component or static file) at most this big is inlined into the link. */
export const SHARE_INLINE_FILE_LIMIT = 16 * 1024;
/** All inlined files together. */
export const MAX_SHARE_INLINE_TOTAL = 64 * 1024;
/** Files (inlined or by URL) a link names. */
export const MAX_SHARE_FILES = 64;
/** The manifest text, in UTF-8 bytes. */
export const MAX_SHARE_MANIFEST_BYTES = 256 * 1024;
/** The source of an app written in the page (v2), in UTF-8 bytes. */
export const MAX_SHARE_SOURCE_BYTES = 256 * 1024;
/** Variable values: count, and each value's length in characters. */
export const MAX_SHARE_VARIABLES = 100;
export const MAX_SHARE_VARIABLE_LENGTH = 8 * 1024;
/** The open request: path, headers and body. */
export const MAX_SHARE_PATH_LENGTH = 8 * 1024;
export const MAX_SHARE_HEADERS = 64;
export const MAX_SHARE_HEADER_LENGTH = 8 * 1024;
export const MAX_SHARE_BODY_LENGTH = 64 * 1024;
/** URLs (the base app's manifest, component URLs). */
export const MAX_SHARE_URL_LENGTH = 2_048;
/** File paths and store labels / keys, in characters. */
export const MAX_SHARE_NAME_LENGTH = 1_024;
