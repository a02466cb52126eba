/**
 * `wasi:http/types` @0.3 (WASI 0.3, Spin 4) for guests, on the calling conventions of jco's
 * async glue (docs/spin4.md):
 * - a `stream<u8>` the host hands over is any async iterable; yielding `Uint8Array` chunks lets
 *   the glue take them whole;
 * - a `future<T>` the host hands over is a Promise of the lifted value; a future the guest hands
 *   over arrives as a Promise too;
 * - a stream the guest hands over arrives as the glue's `Stream`, read here with
 *   `read({ count })` (one `for await` step would move a single byte);
 * - `result<T, E>` returns `T` or throws `E`; inside futures it is `{ tag: 'ok' | 'err', val }`.
 *
 * Header rules are the same as for 0.2 (wasi-http.ts): names lower-cased, forbidden names and
 * bad values refused with `header-error`, fields frozen once they belong to a message.
 */
import { HttpFields, type FieldEntry } from './http-fields';
import { toWasiMethod, type Method } from './wasi-http';

type Bytes = Uint8Array;
type Scheme = { tag: 'HTTP' } | { tag: 'HTTPS' } | { tag: 'other'; val: string };
export type Outcome<T = undefined> = { tag: 'ok'; val: T } | { tag: 'err'; val: unknown };

const ok = <T>(val: T): Outcome<T> => ({ tag: 'ok', val });

/** What a guest reads from: the glue's `Stream` (anything with `read({count})`). */
export interface GuestStream {
  read(options: { count: number }): Promise<{ value?: ArrayLike<number>; done: boolean }>;
  [Symbol.dispose]?(): void;
}

/** Chunks for the glue to lower into a `stream<u8>`. */
export async function* chunksOf(bytes: Bytes, size = 65536): AsyncGenerator<Bytes> {
  for (let offset = 0; offset < bytes.byteLength; offset += size) yield bytes.subarray(offset, offset + size);
}

/** Read a guest's `stream<u8>` to its end, chunk by chunk. */
export async function* readGuestStream(stream: GuestStream, count = 65536): AsyncGenerator<Bytes> {
  for (;;) {
    const { value, done } = await stream.read({ count });
    if (value && value.length > 0) yield value instanceof Uint8Array ? value : Uint8Array.from(value);
    if (done) return;
  }
}

const internal = Symbol('spin-playground-p3');

/** `wasi:http/types@0.3` `fields`: the shared core (`http-fields.ts`) under 0.3's method names. */
export class Fields extends HttpFields {
  static fromList(entries: FieldEntry[]): Fields {
    return HttpFields.checked(Fields, entries);
  }

  static [internal](entries: FieldEntry[], frozen: boolean): Fields {
    return HttpFields.trusted(Fields, entries, frozen);
  }

  /** Host: fields become immutable once they belong to a request or response. */
  static override freeze<T extends HttpFields>(fields: T): T {
    return HttpFields.freeze(fields);
  }

  getAndDelete(name: string): Bytes[] {
    const values = this.get(name);
    this.delete(name);
    return values;
  }

  copyAll(): FieldEntry[] {
    return this.list();
  }
}

export class RequestOptions {
  #connect: bigint | undefined;
  #firstByte: bigint | undefined;
  #betweenBytes: bigint | undefined;
  getConnectTimeout() {
    return this.#connect;
  }
  setConnectTimeout(d: bigint | undefined) {
    this.#connect = d;
  }
  getFirstByteTimeout() {
    return this.#firstByte;
  }
  setFirstByteTimeout(d: bigint | undefined) {
    this.#firstByte = d;
  }
  getBetweenBytesTimeout() {
    return this.#betweenBytes;
  }
  setBetweenBytesTimeout(d: bigint | undefined) {
    this.#betweenBytes = d;
  }
  clone(): RequestOptions {
    const copy = new RequestOptions();
    copy.#connect = this.#connect;
    copy.#firstByte = this.#firstByte;
    copy.#betweenBytes = this.#betweenBytes;
    return copy;
  }
}

/** A request as `wasi:http/client.send` sees it (method as text, scheme lower-cased, defaults applied). */
export interface OutgoingParts {
  method: string;
  scheme: string | undefined;
  authority: string | undefined;
  pathWithQuery: string;
  headers: FieldEntry[];
  body: AsyncIterable<Bytes>;
  trailers: Promise<Outcome<Fields | undefined>>;
  /** Nanoseconds: the first-byte timeout, else the connect timeout, if the guest set one. */
  firstByteTimeout: bigint | undefined;
}

/** A body: host bytes (an incoming request), or the guest's stream (a message it built). */
type Contents = { kind: 'host'; chunks: AsyncIterable<Bytes> } | { kind: 'guest'; stream: GuestStream } | null;

export class Request {
  #method: Method = { tag: 'get' };
  #pathWithQuery: string | undefined;
  #scheme: Scheme | undefined;
  #authority: string | undefined;
  #headers!: Fields;
  #contents: Contents = null;
  #trailers: Promise<unknown> = Promise.resolve(ok(undefined));
  #options: RequestOptions | undefined;
  #consumed = false;

  static new(headers: Fields, contents: GuestStream | undefined, trailers: Promise<unknown>, options: RequestOptions | undefined): [Request, Promise<Outcome>] {
    const request = new Request();
    request.#headers = Fields.freeze(headers);
    request.#contents = contents ? { kind: 'guest', stream: contents } : null;
    request.#trailers = trailers;
    request.#options = options;
    // Settled once the request has been sent; a request only ever handed to a handler completes at once.
    return [request, Promise.resolve(ok(undefined))];
  }

  /** Host: the request a client sent, with its whole body. */
  static incoming(init: { method: string; pathWithQuery: string; scheme: 'http' | 'https'; authority: string; headers: FieldEntry[]; body: Bytes }): Request {
    const request = new Request();
    request.#method = toWasiMethod(init.method);
    request.#pathWithQuery = init.pathWithQuery;
    request.#scheme = init.scheme === 'https' ? { tag: 'HTTPS' } : { tag: 'HTTP' };
    request.#authority = init.authority;
    request.#headers = Fields[internal](init.headers, true);
    request.#contents = { kind: 'host', chunks: chunksOf(init.body) };
    return request;
  }

  getMethod(): Method {
    return this.#method;
  }
  setMethod(method: Method): void {
    this.#method = method;
  }
  getPathWithQuery(): string | undefined {
    return this.#pathWithQuery;
  }
  setPathWithQuery(value: string | undefined): void {
    this.#pathWithQuery = value;
  }
  getScheme(): Scheme | undefined {
    return this.#scheme;
  }
  setScheme(value: Scheme | undefined): void {
    this.#scheme = value;
  }
  getAuthority(): string | undefined {
    return this.#authority;
  }
  setAuthority(value: string | undefined): void {
    this.#authority = value;
  }
  getOptions(): RequestOptions | undefined {
    return this.#options;
  }
  getHeaders(): Fields {
    return Fields[internal](this.#headers.copyAll(), true);
  }

  /**
   * Host: what `wasi:http/client.send` sends. Takes the body, as `consume-body` does, so a request
   * is sent at most once with its body.
   */
  static outgoing(request: Request): OutgoingParts {
    const scheme = request.#scheme;
    return {
      method: request.#method.tag === 'other' ? request.#method.val : request.#method.tag.toUpperCase(),
      scheme: scheme === undefined ? undefined : scheme.tag === 'other' ? scheme.val.toLowerCase() : scheme.tag.toLowerCase(),
      authority: request.#authority || undefined,
      pathWithQuery: request.#pathWithQuery ?? '/',
      headers: request.#headers.copyAll(),
      body: bodyOf(request.#take()),
      trailers: trailersOf(request.#trailers),
      firstByteTimeout: request.#options?.getFirstByteTimeout() ?? request.#options?.getConnectTimeout(),
    };
  }

  /** `res` is the guest's word on whether it processed the body; nothing here waits for it. */
  static consumeBody(request: Request, res: Promise<unknown>): [AsyncIterable<Bytes>, Promise<Outcome<Fields | undefined>>] {
    void Promise.resolve(res).catch(() => {});
    return [bodyOf(request.#take()), trailersOf(request.#trailers)];
  }

  #take(): Contents {
    if (this.#consumed) return null;
    this.#consumed = true;
    return this.#contents;
  }
}

export class Response {
  #status = 200;
  #headers!: Fields;
  #contents: Contents = null;
  #trailers: Promise<unknown> = Promise.resolve(ok(undefined));
  #consumed = false;

  static new(headers: Fields, contents: GuestStream | undefined, trailers: Promise<unknown>): [Response, Promise<Outcome>] {
    const response = new Response();
    response.#headers = Fields.freeze(headers);
    response.#contents = contents ? { kind: 'guest', stream: contents } : null;
    response.#trailers = trailers;
    return [response, Promise.resolve(ok(undefined))];
  }

  /** Host: a response that arrived for `wasi:http/client.send`; its body streams in as it comes. */
  static incoming(status: number, headers: FieldEntry[], chunks: AsyncIterable<Bytes>, trailers: Promise<Outcome<Fields | undefined>>): Response {
    const response = new Response();
    response.#status = status;
    response.#headers = Fields[internal](headers, true);
    response.#contents = { kind: 'host', chunks };
    response.#trailers = trailers;
    return response;
  }

  getStatusCode(): number {
    return this.#status;
  }
  setStatusCode(status: number): void {
    // Spin (http::StatusCode) accepts 100..=999.
    if (!Number.isInteger(status) || status < 100 || status > 999) throw undefined;
    this.#status = status;
  }
  getHeaders(): Fields {
    return Fields[internal](this.#headers.copyAll(), true);
  }

  static consumeBody(response: Response, res: Promise<unknown>): [AsyncIterable<Bytes>, Promise<Outcome<Fields | undefined>>] {
    void Promise.resolve(res).catch(() => {});
    const contents = response.#consumed ? null : response.#contents;
    response.#consumed = true;
    return [bodyOf(contents), trailersOf(response.#trailers)];
  }

  /** Host: what the engine sends to the client. */
  static parts(response: Response): { status: number; headers: FieldEntry[]; body: AsyncIterable<Bytes> | null; trailers: Promise<unknown> } {
    const contents = response.#consumed ? null : response.#contents;
    response.#consumed = true;
    return { status: response.#status, headers: response.#headers.copyAll(), body: contents ? bodyOf(contents) : null, trailers: response.#trailers };
  }
}

async function* bodyOf(contents: Contents): AsyncGenerator<Bytes> {
  if (!contents) return;
  if (contents.kind === 'host') yield* contents.chunks;
  else yield* readGuestStream(contents.stream);
}

async function trailersOf(trailers: Promise<unknown>): Promise<Outcome<Fields | undefined>> {
  const value = (await trailers) as Outcome<Fields | undefined> | undefined;
  return value ?? ok(undefined);
}

export function createWasiHttpTypesP3() {
  return { Fields, Request, RequestOptions, Response };
}
