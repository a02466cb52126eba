/**
 * `wasi:http/types` for guests, as Spin (wasmtime-wasi-http) behaves, on preview2-shim's
 * `wasi:io` streams (the glue checks stream classes with `instanceof`, so every stream must come
 * from the same shim module).
 *
 * Why not the shim's own http module: it lowercases methods into tags (`{ tag: 'purge' }`),
 * derives authority and headers from a browser `Request` (so `host` never arrives), turns
 * `set(err)` into a 500 with a body, and traps on a bad status. Spin does none of that.
 */
import { inputStreamCreate, outputStreamCreate, pollableCreate } from '@bytecodealliance/preview2-shim/io';
import { isValidAuthority, isValidPathWithQuery, isValidScheme } from './outbound-url';
import { HttpFields, type FieldEntry } from './http-fields';

type Bytes = Uint8Array;
export type { FieldEntry } from './http-fields';
export { checkName, checkValue } from './http-fields';

const internal = Symbol('spin-playground-internal');

/** `wasi:http/types@0.2` `fields`: the shared core (`http-fields.ts`) under 0.2's method names. */
export class Fields extends HttpFields {
  static fromList(entries: FieldEntry[]): Fields {
    return HttpFields.checked(Fields, entries);
  }

  /** Host-side constructor: names are lowercased as `http::HeaderName` stores them. */
  static [internal](entries: FieldEntry[], frozen: boolean): Fields {
    return HttpFields.trusted(Fields, entries, frozen);
  }

  /** Host: freeze when the fields become a child of a request or response. */
  static override freeze<T extends HttpFields>(fields: T): T {
    return HttpFields.freeze(fields);
  }

  entries(): FieldEntry[] {
    return this.list();
  }
}

export type Method = { tag: 'get' | 'head' | 'post' | 'put' | 'delete' | 'connect' | 'options' | 'trace' | 'patch' } | { tag: 'other'; val: string };

const KNOWN_METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'CONNECT', 'OPTIONS', 'TRACE', 'PATCH']);

/** Spin passes standard methods as cases and anything else, case kept, as `other`. */
export function toWasiMethod(method: string): Method {
  if (KNOWN_METHODS.has(method)) return { tag: method.toLowerCase() } as Method;
  return { tag: 'other', val: method };
}

export type Scheme = { tag: 'HTTP' } | { tag: 'HTTPS' } | { tag: 'other'; val: string };

/** A body the guest reads from; here always fully buffered. */
export class IncomingBody {
  #stream: unknown = null;
  #taken = false;

  static [internal](bytes: Bytes): IncomingBody {
    const body = new IncomingBody();
    let offset = 0;
    const read = (len: bigint): Bytes => {
      if (offset >= bytes.byteLength) throw { tag: 'closed' };
      const end = Math.min(bytes.byteLength, offset + Number(len));
      const chunk = bytes.slice(offset, end);
      offset = end;
      return chunk;
    };
    body.#stream = inputStreamCreate({
      read,
      blockingRead: read,
      subscribe: () => pollableCreate(),
    });
    return body;
  }

  stream(): unknown {
    if (this.#taken) throw undefined;
    this.#taken = true;
    return this.#stream;
  }

  static finish(_body: IncomingBody): FutureTrailers {
    return new FutureTrailers();
  }
}

export class FutureTrailers {
  #taken = false;
  subscribe(): unknown {
    return pollableCreate();
  }
  get(): unknown {
    if (this.#taken) return { tag: 'err', val: undefined };
    this.#taken = true;
    return { tag: 'ok', val: { tag: 'ok', val: undefined } };
  }
}

export interface IncomingRequestInit {
  method: string;
  pathWithQuery: string;
  scheme: 'http' | 'https';
  authority: string;
  headers: FieldEntry[];
  body: Bytes;
}

export class IncomingRequest {
  #init!: IncomingRequestInit;
  #headers!: Fields;
  #body: IncomingBody | null = null;

  static [internal](init: IncomingRequestInit): IncomingRequest {
    const request = new IncomingRequest();
    request.#init = init;
    request.#headers = Fields[internal](init.headers, true);
    request.#body = IncomingBody[internal](init.body);
    return request;
  }

  method(): Method {
    return toWasiMethod(this.#init.method);
  }
  pathWithQuery(): string {
    return this.#init.pathWithQuery;
  }
  scheme(): Scheme {
    return this.#init.scheme === 'https' ? { tag: 'HTTPS' } : { tag: 'HTTP' };
  }
  authority(): string {
    return this.#init.authority;
  }
  headers(): Fields {
    return this.#headers;
  }
  consume(): IncomingBody {
    if (!this.#body) throw undefined;
    const body = this.#body;
    this.#body = null;
    return body;
  }
}

/** Collects what the guest writes to a request or response body. */
export class OutgoingBody {
  readonly chunks: Bytes[] = [];
  finished = false;
  #stream: unknown = null;
  #resolveFinished!: () => void;
  /** Resolves when the guest calls `outgoing-body.finish`. */
  readonly whenFinished = new Promise<void>((resolve) => (this.#resolveFinished = resolve));
  /** Host: called for each chunk as the guest writes it (streaming responses). */
  onChunk: ((chunk: Bytes) => void) | null = null;

  write(): unknown {
    if (this.#stream) throw undefined;
    this.#stream = outputStreamCreate({
      write: (buf: Bytes) => {
        if (this.finished) throw { tag: 'closed' };
        const chunk = buf.slice();
        if (this.onChunk) this.onChunk(chunk);
        else this.chunks.push(chunk);
      },
      blockingFlush: () => {},
      subscribe: () => pollableCreate(),
    });
    return this.#stream;
  }

  static finish(body: OutgoingBody, _trailers?: Fields): void {
    body.finished = true;
    body.#resolveFinished();
  }
}

export class OutgoingResponse {
  #status = 200;
  #headers: Fields;
  #body: OutgoingBody | null = null;
  #bodyTaken = false;

  constructor(headers: Fields) {
    this.#headers = Fields.freeze(headers);
  }
  statusCode(): number {
    return this.#status;
  }
  setStatusCode(status: number): void {
    // http::StatusCode accepts 100..=999; anything else is err(()).
    if (!Number.isInteger(status) || status < 100 || status > 999) throw undefined;
    this.#status = status;
  }
  headers(): Fields {
    return this.#headers;
  }
  body(): OutgoingBody {
    if (this.#bodyTaken) throw undefined;
    this.#bodyTaken = true;
    this.#body = new OutgoingBody();
    return this.#body;
  }

  /** Host: the response as plain data. A body never taken is an empty body. */
  static snapshot(response: OutgoingResponse): { status: number; headers: FieldEntry[]; body: OutgoingBody | null } {
    return { status: response.#status, headers: response.#headers.entries(), body: response.#body };
  }
}

export type ResponseResult = { tag: 'ok'; val: OutgoingResponse } | { tag: 'err'; val: unknown };

export class ResponseOutparam {
  #onSet!: (result: ResponseResult) => void;
  #used = false;

  static [internal](onSet: (result: ResponseResult) => void): ResponseOutparam {
    const outparam = new ResponseOutparam();
    outparam.#onSet = onSet;
    return outparam;
  }

  static set(param: ResponseOutparam, result: ResponseResult): void {
    // A second set is a guest bug; wasmtime traps on it.
    if (param.#used) throw new Error('response-outparam.set called twice');
    param.#used = true;
    param.#onSet(result);
  }
}

/** Host-side constructors, kept off the classes the guest sees. */
export const host = {
  incomingRequest: (init: IncomingRequestInit) => IncomingRequest[internal](init),
  incomingResponse: (status: number, headers: FieldEntry[], body: Bytes) => IncomingResponse[internal](status, headers, body),
  futureIncomingResponse: (result: Promise<OutboundResult>) => FutureIncomingResponse[internal](result),
  /** A future answered synchronously, on the guest's first wait (no JSPI). */
  lazyIncomingResponse: (run: () => OutboundResult) => FutureIncomingResponse[internal](run),
  responseOutparam: (onSet: (result: ResponseResult) => void) => ResponseOutparam[internal](onSet),
  fields: (entries: FieldEntry[], frozen: boolean) => Fields[internal](entries, frozen),
};

/** Outbound request options; timeouts are recorded and applied by the outbound handler. */
export class RequestOptions {
  #connect: bigint | undefined;
  #firstByte: bigint | undefined;
  #betweenBytes: bigint | undefined;
  connectTimeout(): bigint | undefined {
    return this.#connect;
  }
  setConnectTimeout(ns: bigint | undefined): void {
    this.#connect = ns;
  }
  firstByteTimeout(): bigint | undefined {
    return this.#firstByte;
  }
  setFirstByteTimeout(ns: bigint | undefined): void {
    this.#firstByte = ns;
  }
  betweenBytesTimeout(): bigint | undefined {
    return this.#betweenBytes;
  }
  setBetweenBytesTimeout(ns: bigint | undefined): void {
    this.#betweenBytes = ns;
  }
}

export class OutgoingRequest {
  #method: Method = { tag: 'get' };
  #pathWithQuery: string | undefined;
  #scheme: Scheme | undefined;
  #authority: string | undefined;
  #headers: Fields;
  #body = new OutgoingBody();
  #bodyTaken = false;
  constructor(headers: Fields) {
    this.#headers = Fields.freeze(headers);
  }
  body(): OutgoingBody {
    if (this.#bodyTaken) throw undefined;
    this.#bodyTaken = true;
    return this.#body;
  }
  method(): Method {
    return this.#method;
  }
  setMethod(method: Method): void {
    this.#method = method;
  }
  pathWithQuery(): string | undefined {
    return this.#pathWithQuery;
  }
  /** The setters fail (`err`, by throwing) where wasmtime-wasi-http's do; see `outbound-url.ts`. */
  setPathWithQuery(value: string | undefined): void {
    if (value !== undefined && !isValidPathWithQuery(value)) throw undefined;
    this.#pathWithQuery = value;
  }
  scheme(): Scheme | undefined {
    return this.#scheme;
  }
  setScheme(value: Scheme | undefined): void {
    if (value?.tag === 'other' && !isValidScheme(value.val)) throw undefined;
    this.#scheme = value;
  }
  authority(): string | undefined {
    return this.#authority;
  }
  setAuthority(value: string | undefined): void {
    // An empty authority stays accepted and means the app itself, as before.
    if (value && !isValidAuthority(value)) throw undefined;
    this.#authority = value;
  }
  headers(): Fields {
    return this.#headers;
  }
  /** Host: the request body, whether or not the guest took it. */
  static bodyOf(request: OutgoingRequest): OutgoingBody {
    return request.#body;
  }
}

/** A response to an outbound request, fully received. */
export class IncomingResponse {
  #status = 0;
  #headers!: Fields;
  #body: IncomingBody | null = null;

  static [internal](status: number, headers: FieldEntry[], body: Bytes): IncomingResponse {
    const response = new IncomingResponse();
    response.#status = status;
    response.#headers = Fields[internal](headers, true);
    response.#body = IncomingBody[internal](body);
    return response;
  }
  status(): number {
    return this.#status;
  }
  headers(): Fields {
    return this.#headers;
  }
  consume(): IncomingBody {
    if (!this.#body) throw undefined;
    const body = this.#body;
    this.#body = null;
    return body;
  }
}

export type OutboundResult = { tag: 'ok'; val: IncomingResponse } | { tag: 'err'; val: unknown };

/** An outbound response still on its way; the guest polls it through `subscribe()`. */
export class FutureIncomingResponse {
  #result: OutboundResult | undefined;
  #taken = false;
  #ready: Promise<void> | null = null;
  #lazy: (() => OutboundResult) | null = null;

  static [internal](result: Promise<OutboundResult> | (() => OutboundResult)): FutureIncomingResponse {
    const future = new FutureIncomingResponse();
    if (result instanceof Promise) {
      future.#ready = result.then((r) => {
        future.#result = r;
      });
    } else {
      future.#lazy = result;
    }
    return future;
  }
  /**
   * Without JSPI the request is made synchronously, but only when the guest first waits for the
   * answer: a guest calls `handle()` before it writes and finishes the request body.
   */
  #settleLazy(): void {
    if (this.#lazy) {
      const run = this.#lazy;
      this.#lazy = null;
      this.#result = run();
    }
  }
  subscribe(): unknown {
    this.#settleLazy();
    return this.#ready ? pollableCreate(this.#ready) : pollableCreate();
  }
  /** `option<result<result<incoming-response, error-code>>>`: none until ready, err once taken. */
  get(): unknown {
    this.#settleLazy();
    if (!this.#result) return undefined;
    if (this.#taken) return { tag: 'err', val: undefined };
    this.#taken = true;
    return { tag: 'ok', val: this.#result };
  }
}

/** What the guest asked for, as plain data. */
export function describeOutgoingRequest(request: OutgoingRequest): {
  method: string;
  scheme: string | undefined;
  authority: string | undefined;
  pathWithQuery: string;
  headers: FieldEntry[];
  body: OutgoingBody;
} {
  const method = request.method();
  const scheme = request.scheme();
  return {
    method: method.tag === 'other' ? method.val : method.tag.toUpperCase(),
    scheme: scheme === undefined ? undefined : scheme.tag === 'other' ? scheme.val.toLowerCase() : scheme.tag.toLowerCase(),
    authority: request.authority() || undefined,
    pathWithQuery: request.pathWithQuery() ?? '/',
    headers: request.headers().entries(),
    body: OutgoingRequest.bodyOf(request),
  };
}

export function createWasiHttpTypes() {
  return {
    Fields,
    IncomingRequest,
    IncomingBody,
    FutureTrailers,
    OutgoingResponse,
    OutgoingBody,
    ResponseOutparam,
    OutgoingRequest,
    RequestOptions,
    IncomingResponse,
    FutureIncomingResponse,
    /** `http-error-code(err: borrow<io-error>) -> option<error-code>`: no HTTP detail for I/O errors here. */
    httpErrorCode: () => undefined,
  };
}
