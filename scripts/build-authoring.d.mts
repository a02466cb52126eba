/** Types for `build-authoring.mjs`, for the tests that import it. */
/** Builds public/authoring/ unless its manifest's hash matches the inputs. */
export function buildAuthoring(options?: { force?: boolean; log?: (...args: unknown[]) => void }): Promise<'cached' | 'built'>;
