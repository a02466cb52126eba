/**
 * @iarna/toml reads Node's `global` (`global.Date` as it loads, `global.BigInt` per integer),
 * which browsers and workers don't have. Imported before the parser, this makes `global` an alias
 * of `globalThis` where it is missing.
 */
const scope = globalThis as { global?: unknown };
scope.global ??= globalThis;

export {};
