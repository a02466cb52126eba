// Node module hook for unit tests of the wasi:http host: resolve `@bytecodealliance/preview2-shim/io`
// to the package's browser build, the one the engine bundles (the Node build has no
// `pollableCreate`). Register it with `module.register` before importing the host modules.
export async function resolve(specifier, context, next) {
  if (specifier === '@bytecodealliance/preview2-shim/io') {
    return next(specifier, { ...context, conditions: context.conditions.filter((c) => c !== 'node') });
  }
  return next(specifier, context);
}
