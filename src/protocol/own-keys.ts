/**
 * Records keyed by outside data (file paths, key-value keys, store and database labels) are
 * plain objects, because they cross `postMessage` and IndexedDB as they are. A plain object
 * mishandles two kinds of key: assigning `__proto__` replaces the prototype instead of adding
 * an entry, and reading a key the record lacks finds inherited members (`constructor`,
 * `toString`). These two helpers read and write own properties only.
 */

/** `record[key] = value`, as an own property even for `__proto__`. */
export function setOwn<T>(record: Record<string, T>, key: string, value: T): void {
  Object.defineProperty(record, key, { value, writable: true, enumerable: true, configurable: true });
}

/** `record[key]` if the record itself holds it; never an inherited member. */
export function getOwn<T>(record: Record<string, T>, key: string): T | undefined {
  return Object.hasOwn(record, key) ? record[key] : undefined;
}
