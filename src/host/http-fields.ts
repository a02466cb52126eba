/**
 * The `fields` resource of `wasi:http/types`, one core for both generations (0.2 in
 * `wasi-http.ts`, 0.3 in `wasi-http-p3.ts`), as wasmtime-wasi-http keeps one `http::HeaderMap`
 * behind both: names lower-cased, forbidden names and bad values refused with `header-error`,
 * fields frozen (`immutable`) once they belong to a request or response.
 *
 * jco's glue checks host resources with `instanceof` against the class it was handed, so each
 * version keeps its own `Fields` class: a subclass adding that version's method names (`entries`
 * at 0.2; `copy-all` and `get-and-delete` at 0.3) and its own statics (the glue may call a static
 * without its class as `this`).
 */
type Bytes = Uint8Array;
export type FieldEntry = [string, Bytes];

/** `header-error` cases. jco turns a thrown variant value into `err(...)`. */
const invalidSyntax = { tag: 'invalid-syntax' } as const;
const forbidden = { tag: 'forbidden' } as const;
const immutable = { tag: 'immutable' } as const;

/** Headers a guest may not set (wasmtime-wasi-http `DEFAULT_FORBIDDEN_HEADERS`). */
const FORBIDDEN_HEADERS = new Set([
  'connection',
  'keep-alive',
  'proxy-authenticate',
  'proxy-authorization',
  'proxy-connection',
  'te',
  'transfer-encoding',
  'upgrade',
  'http2-settings',
]);
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

export function checkName(name: string): string {
  if (!TOKEN.test(name)) throw invalidSyntax;
  const lower = name.toLowerCase();
  if (FORBIDDEN_HEADERS.has(lower)) throw forbidden;
  return lower;
}

export function checkValue(value: Bytes): Bytes {
  // Field values may not contain CR, LF or NUL (http::HeaderValue).
  for (const byte of value) if (byte === 0x0a || byte === 0x0d || byte === 0x00) throw invalidSyntax;
  return value;
}

export class HttpFields {
  #entries: FieldEntry[] = [];
  #immutable = false;

  /** `from-list`: every name and value checked as a guest's `append` would be. */
  static checked<T extends HttpFields>(make: new () => T, entries: FieldEntry[]): T {
    const fields = new make();
    for (const [name, value] of entries) fields.#entries.push([checkName(name), checkValue(value)]);
    return fields;
  }

  /** Host-side constructor: names are lowercased as `http::HeaderName` stores them. */
  static trusted<T extends HttpFields>(make: new () => T, entries: FieldEntry[], frozen: boolean): T {
    const fields = new make();
    fields.#entries = entries.map(([name, value]) => [name.toLowerCase(), value]);
    fields.#immutable = frozen;
    return fields;
  }

  /** Host: fields become immutable once they belong to a request or response. */
  static freeze<T extends HttpFields>(fields: T): T {
    fields.#immutable = true;
    return fields;
  }

  get(name: string): Bytes[] {
    const lower = name.toLowerCase();
    return this.#entries.filter(([n]) => n === lower).map(([, v]) => v);
  }

  has(name: string): boolean {
    const lower = name.toLowerCase();
    return this.#entries.some(([n]) => n === lower);
  }

  set(name: string, values: Bytes[]): void {
    if (this.#immutable) throw immutable;
    const lower = checkName(name);
    values.forEach(checkValue);
    this.#entries = this.#entries.filter(([n]) => n !== lower);
    for (const value of values) this.#entries.push([lower, value]);
  }

  delete(name: string): void {
    if (this.#immutable) throw immutable;
    const lower = checkName(name);
    this.#entries = this.#entries.filter(([n]) => n !== lower);
  }

  append(name: string, value: Bytes): void {
    if (this.#immutable) throw immutable;
    this.#entries.push([checkName(name), checkValue(value)]);
  }

  /** A copy of the entries, in order. */
  list(): FieldEntry[] {
    return this.#entries.map(([n, v]) => [n, v]);
  }

  /** `clone`: a mutable copy of the same class (the version's `Fields`). */
  clone(): this {
    return HttpFields.trusted(this.constructor as new () => this, this.#entries, false);
  }
}
