/**
 * The options the engine transpiles components with (src/engine/components.ts), repeated here
 * so that the glue template made at build time (scripts/build-authoring.mjs) is exactly the glue
 * the engine would make from the same component. test/unit/authoring-build.test.ts fails when
 * the two lists drift apart.
 */
export const GLUE_NAME = 'component';

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

export type Bridge = 'jspi' | 'sync';

/** `generate()` options of @bytecodealliance/jco-transpile for the given bridge. */
export function transpileOptions(bridge: Bridge) {
  return {
    name: GLUE_NAME,
    instantiation: { tag: 'async' as const },
    noTypescript: true,
    noNodejsCompat: true,
    base64Cutoff: 0,
    asyncMode:
      bridge === 'jspi'
        ? { tag: 'jspi' as const, val: { imports: ASYNC_IMPORTS, exports: ASYNC_EXPORTS } }
        : { tag: 'sync' as const },
  };
}
