/**
 * The one set of jco `generate()` options: the engine transpiles uploaded components with it
 * (components.ts), and the in-page authoring's glue template is made with it at build time
 * (scripts/build-authoring.mjs), so the template is exactly the glue the engine would make.
 * Host imports listed as async may return a Promise (suspended with JSPI): the WASI blocking
 * calls, and Spin 1's outbound HTTP, which is synchronous in WIT but awaits fetch here.
 */
export const GLUE_NAME = 'component';

/**
 * Names what these options make: stored and build-time transpiles carry it and are ignored when it
 * differs. Bump it when the options or the jco version change.
 */
export const TRANSPILE_VERSION = 'jco-transpile-0.15.0/jspi-2';

export const ASYNC_IMPORTS = [
  'wasi:io/poll#poll',
  'wasi:io/poll#[method]pollable.block',
  'wasi:io/streams#[method]input-stream.blocking-read',
  'wasi:io/streams#[method]input-stream.blocking-skip',
  'wasi:io/streams#[method]output-stream.blocking-flush',
  'wasi:io/streams#[method]output-stream.blocking-write-and-flush',
  'wasi:io/streams#[method]output-stream.blocking-write-zeroes-and-flush',
  'wasi:io/streams#[method]output-stream.blocking-splice',
  'fermyon:spin/http#send-request',
];
export const ASYNC_EXPORTS = ['wasi:http/incoming-handler#handle'];

/**
 * How host calls that wait are bridged: `jspi` suspends the guest on a Promise (Chromium 137+);
 * `sync` uses synchronous glue, with waits done by bounded busy-waiting and outbound HTTP by
 * synchronous XMLHttpRequest (browsers without JSPI).
 */
export type Bridge = 'jspi' | 'sync';

/** `generate()` options of @bytecodealliance/jco-transpile for the given bridge. */
export function transpileOptions(bridge: Bridge) {
  return {
    name: GLUE_NAME,
    instantiation: { tag: 'async' as const },
    noTypescript: true,
    noNodejsCompat: true,
    base64Cutoff: 0,
    asyncMode: bridge === 'jspi' ? { tag: 'jspi' as const, val: { imports: ASYNC_IMPORTS, exports: ASYNC_EXPORTS } } : { tag: 'sync' as const },
  };
}
