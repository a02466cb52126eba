/**
 * Share links (README "Share link format"): versioned, compressed, only what differs from the
 * defaults, secrets never included, and every decoded field treated as untrusted.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { deflateSync, inflateSync } from 'fflate';
import fc from 'fast-check';
import { decodeShareLink, encodeShareState, isShareFragment, shareLinkWarning, shareUrl } from '../../src/share/codec.ts';
import { crc32 } from '../../src/share/bytes.ts';
import { fromBase64Url, toBase64Url } from '../../src/bytes/base64.ts';
import { completeMembers } from '../../src/share/partial-json.ts';
import { DEFAULT_REQUEST, type ShareDefaults, type ShareState } from '../../src/share/types.ts';
import { MAX_SHARE_KV_ENTRIES, SHARE_INLINE_FILE_LIMIT, SHARE_KV_LIMIT_BYTES, SHARE_LINK_WARN_LENGTH } from '../../src/share/limits.ts';

const bytes = (text: string) => new TextEncoder().encode(text);
const MANIFEST = `spin_manifest_version = 2

[application]
name = "demo"

[variables]
greeting = { default = "Hello" }
api_key = { required = true, secret = true }

[[trigger.http]]
route = "/..."
component = "demo"

[component.demo]
source = "app.wasm"
key_value_stores = ["default"]
`;

/** A state with everything at its default, on top of the `kv-basics` example. */
function state(overrides: Partial<ShareState> = {}): ShareState {
  return {
    base: { kind: 'example', name: 'kv-basics' },
    manifest: MANIFEST,
    files: {},
    kv: [],
    variables: {},
    request: { ...DEFAULT_REQUEST, headers: [] },
    ...overrides,
  };
}

function encode(s: ShareState, defaults: ShareDefaults = { manifest: MANIFEST }): string {
  const result = encodeShareState(s, defaults);
  if (!result.ok) assert.fail(result.error);
  return result.fragment;
}

/** The JSON document inside a link, to check what the link really holds. */
function documentOf(fragment: string): Record<string, unknown> {
  const payload = fromBase64Url(fragment.replace(/^#?v\d+\./, ''));
  return JSON.parse(new TextDecoder().decode(inflateSync(payload.subarray(4)))) as Record<string, unknown>;
}

/** A v1 link around any JSON text, with a correct checksum: what a hostile link can look like. */
function craft(json: string, version = 1): string {
  const data = bytes(json);
  const deflated = deflateSync(data);
  const payload = new Uint8Array(4 + deflated.length);
  new DataView(payload.buffer).setUint32(0, crc32(data));
  payload.set(deflated, 4);
  return `#v${version}.${toBase64Url(payload)}`;
}

const plain = (v: unknown): unknown =>
  v instanceof Uint8Array
    ? { $bytes: toBase64Url(v) }
    : Array.isArray(v)
      ? v.map(plain)
      : v && typeof v === 'object'
        ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, plain(x)]))
        : v;

describe('the v1 format', () => {
  test('an example opened and left alone is a link of a few dozen characters holding only its base', () => {
    const fragment = encode(state());
    assert.match(fragment, /^v1\.[A-Za-z0-9_-]+$/);
    assert.ok(fragment.length < 60, fragment);
    assert.deepEqual(documentOf(fragment), { base: { example: 'kv-basics' } });
    assert.deepEqual(decodeShareLink(`#${fragment}`), { ok: true, version: 1, state: { base: { kind: 'example', name: 'kv-basics' } } });
  });

  test('everything that differs from the defaults comes back as it was', () => {
    const s = state({
      manifest: MANIFEST.replace('"Hello"', '"Hi"'),
      kv: [
        { store: 'default', key: 'text', value: bytes('héllo 👋') },
        { store: 'default', key: 'i64', value: new Uint8Array([7, 0, 0, 0, 0, 0, 0, 0]) },
        { store: 'other', key: '', value: new Uint8Array([0xff, 0xfe]) },
      ],
      variables: { greeting: 'Bonjour' },
      request: {
        method: 'PUT',
        path: '/api/items?x=1&y=%20',
        headers: [
          ['content-type', 'application/json'],
          ['x-a', 'b'],
        ],
        body: '{"a":1}',
        bodyType: 'json',
      },
      selectedFile: 'static/index.html',
    });
    const decoded = decodeShareLink(encode(s));
    assert.ok(decoded.ok, !decoded.ok ? decoded.error : '');
    assert.deepEqual(decoded.state.manifest, s.manifest);
    assert.deepEqual(decoded.state.request, s.request);
    assert.deepEqual(decoded.state.variables, { greeting: 'Bonjour' });
    assert.equal(decoded.state.selectedFile, 'static/index.html');
    assert.deepEqual(new Set(decoded.state.kv!.map((r) => JSON.stringify(plain(r)))), new Set(s.kv.map((r) => JSON.stringify(plain(r)))));
  });

  test('only the request fields that differ from GET / are written', () => {
    const doc = documentOf(encode(state({ request: { ...DEFAULT_REQUEST, headers: [], path: '/hello' } })));
    assert.deepEqual(doc.req, { path: '/hello' });
  });

  test("the manifest is left out when it equals the base app's, and always written without a base", () => {
    assert.equal(documentOf(encode(state())).manifest, undefined);
    assert.equal(documentOf(encode(state({ base: { kind: 'none' } }))).manifest, MANIFEST);
  });

  test('text values stay text in the link and binary values are base64url', () => {
    const doc = documentOf(
      encode(
        state({
          kv: [
            { store: 'default', key: 'a', value: bytes('plain') },
            { store: 'default', key: 'b', value: new Uint8Array([0, 159, 146, 150]) },
          ],
        }),
      ),
    );
    assert.deepEqual(doc.kv, [
      ['default', 'a', 'plain'],
      ['default', 'b', { b64: 'AJ-Slg' }],
    ]);
  });

  test('the same state gives the same link whatever the order of its entries', () => {
    const rows = [
      { store: 'b', key: 'k', value: bytes('1') },
      { store: 'a', key: 'z', value: bytes('2') },
      { store: 'a', key: 'Z', value: bytes('3') },
    ];
    assert.equal(encode(state({ kv: rows })), encode(state({ kv: [...rows].reverse() })));
  });

  test('every fixture link of every version decodes to its expected result', () => {
    const dir = new URL('../fixtures/share/', import.meta.url);
    const links = readdirSync(dir).filter((f) => /^v\d+-.*\.txt$/.test(f));
    assert.ok(links.length >= 7, 'the fixtures are there');
    for (const file of links) {
      const link = readFileSync(new URL(file, dir), 'utf8');
      const expected = JSON.parse(readFileSync(new URL(file.replace(/\.txt$/, '.json'), dir), 'utf8')) as { error?: string };
      const actual = plain(decodeShareLink(link)) as { error?: string };
      // Messages may be reworded; what a link decodes to, and the kind of error, may not.
      const kind = (message?: string) => message?.split(':')[0];
      assert.equal(kind(actual.error), kind(expected.error), file);
      assert.deepEqual({ ...actual, error: undefined }, { ...expected, error: undefined }, file);
    }
  });

  test('a state survives the round trip, whatever it holds (property)', () => {
    const text = fc.string({ maxLength: 40 });
    const arbitraryState = fc.record({
      manifest: fc.string({ maxLength: 400 }),
      kv: fc.uniqueArray(
        fc.record({ store: fc.string({ minLength: 1, maxLength: 12 }), key: fc.string({ maxLength: 20 }), value: fc.uint8Array({ maxLength: 64 }) }),
        { maxLength: 12, selector: (r) => JSON.stringify([r.store, r.key]) },
      ),
      path: fc.webPath().map((p) => `/${p.replace(/^\/+/, '')}`),
      body: text,
      method: fc.constantFrom('GET', 'POST', 'PATCH', 'DELETE'),
      header: fc.tuple(
        fc.constantFrom('x-a', 'accept', 'content-type'),
        fc.string({ maxLength: 30 }).filter((v) => !/[\0\r\n]/.test(v)),
      ),
    });
    fc.assert(
      fc.property(arbitraryState, (a) => {
        const s = state({
          base: { kind: 'none' },
          manifest: a.manifest,
          kv: a.kv,
          request: { method: a.method, path: a.path.replace(/[\u0000-\u001f\u007f]/g, ''), headers: [a.header], body: a.body, bodyType: 'text' },
        });
        const decoded = decodeShareLink(encode(s, { manifest: '' }));
        assert.ok(decoded.ok, !decoded.ok ? decoded.error : '');
        assert.equal(decoded.state.manifest, s.manifest);
        assert.deepEqual(decoded.state.request?.headers, [a.header]);
        assert.equal(decoded.state.request?.body ?? '', a.body);
        assert.deepEqual(new Set(decoded.state.kv?.map((r) => JSON.stringify(plain(r))) ?? []), new Set(a.kv.map((r) => JSON.stringify(plain(r)))));
      }),
      { numRuns: 150 },
    );
  });
});

describe('what never goes in a link', () => {
  test('secret variables are left out, and the encoder says so', () => {
    const result = encodeShareState(state({ variables: { greeting: 'Hi', api_key: 'sk-live-123' } }), { manifest: MANIFEST });
    assert.ok(result.ok);
    assert.deepEqual(documentOf(result.fragment).vars, [['greeting', 'Hi']]);
    assert.ok(!new TextDecoder().decode(inflateSync(fromBase64Url(result.fragment.slice(3)).subarray(4))).includes('sk-live-123'));
    assert.deepEqual(result.notes, ['Variable api_key was left out: it is secret, and secrets never go in a link.']);
  });

  test('values for variables the manifest does not declare are left out', () => {
    const result = encodeShareState(state({ variables: { unknown_one: 'x' } }), { manifest: MANIFEST });
    assert.ok(result.ok);
    assert.equal(documentOf(result.fragment).vars, undefined);
    assert.match(result.notes[0]!, /unknown_one was left out: spin.toml does not declare it/);
  });

  test('with a manifest that does not parse, no variable can be known not to be secret: all are left out', () => {
    const result = encodeShareState(state({ manifest: 'spin_manifest_version = 2\n[variables\n', variables: { greeting: 'Hi' } }), { manifest: MANIFEST });
    assert.ok(result.ok);
    assert.equal(documentOf(result.fragment).vars, undefined);
    assert.match(result.notes[0]!, /spin.toml has errors/);
  });
});

describe('files and components', () => {
  const digest = `sha256:${'ab'.repeat(32)}`;

  test("a hosted file is named by URL and sha256 digest, like Spin's source = { url, digest }", () => {
    const decoded = decodeShareLink(
      encode(
        state({ files: { 'app.wasm': { kind: 'url', url: 'https://cdn.example.com/app.wasm', digest: digest.toUpperCase().replace('SHA256', 'sha256') } } }),
      ),
    );
    assert.ok(decoded.ok);
    assert.deepEqual(decoded.state.files, { 'app.wasm': { kind: 'url', url: 'https://cdn.example.com/app.wasm', digest } });
  });

  test('a small local file is inlined', () => {
    const wasm = new Uint8Array(1000).map((_, i) => i % 251);
    const decoded = decodeShareLink(encode(state({ files: { 'app.wasm': { kind: 'local', bytes: wasm } } })));
    assert.ok(decoded.ok);
    assert.deepEqual(decoded.state.files, { 'app.wasm': { kind: 'inline', bytes: wasm } });
  });

  test('a local .wasm too big to inline cannot be shared by link: the encoder names it so the UI can offer a bundle file', () => {
    const result = encodeShareState(
      state({
        files: { 'big.wasm': { kind: 'local', bytes: new Uint8Array(SHARE_INLINE_FILE_LIMIT + 1) }, 'small.css': { kind: 'local', bytes: bytes('a{}') } },
      }),
      { manifest: MANIFEST },
    );
    assert.equal(result.ok, false);
    assert.ok(!result.ok && result.reason === 'local-files');
    assert.deepEqual(result.files, ['big.wasm']);
    assert.match(result.error, /big\.wasm exists only in this browser and is too big to put in a link .* download a bundle file/);
  });

  test('a file URL that is not http(s) is refused by the encoder too', () => {
    const result = encodeShareState(state({ files: { 'app.wasm': { kind: 'url', url: 'file:///etc/passwd', digest } } }), { manifest: MANIFEST });
    assert.ok(!result.ok && result.reason === 'invalid');
    assert.match(result.error, /only http and https URLs are allowed/);
  });
});

describe('size limits', () => {
  test('key-value data over the limit is refused with its size, so the UI can offer to leave it out', () => {
    const result = encodeShareState(state({ kv: [{ store: 'default', key: 'big', value: new Uint8Array(SHARE_KV_LIMIT_BYTES) }] }), { manifest: MANIFEST });
    assert.ok(!result.ok && result.reason === 'kv-too-large');
    assert.equal(result.limit, SHARE_KV_LIMIT_BYTES);
    assert.equal(result.bytes, SHARE_KV_LIMIT_BYTES + 'default'.length + 'big'.length);
    assert.match(result.error, /The key-value data is 64 KiB \(at most 64 KiB\), too much for a link/);
  });

  test('more entries than Spin documents per store are refused', () => {
    const kv = Array.from({ length: MAX_SHARE_KV_ENTRIES + 1 }, (_, i) => ({ store: 'default', key: `k${i}`, value: bytes('v') }));
    const result = encodeShareState(state({ kv }), { manifest: MANIFEST });
    assert.ok(!result.ok && result.reason === 'kv-too-large');
  });

  test('the UI warns above 2,000 characters and shows the length', () => {
    assert.deepEqual(shareLinkWarning('x'.repeat(SHARE_LINK_WARN_LENGTH)), { length: 2000, warning: null });
    const long = shareLinkWarning('x'.repeat(2345));
    assert.equal(long.length, 2345);
    assert.match(long.warning ?? '', /^This link is 2,345 characters long\. Chat apps and some sites cut links over 2,000 characters/);
  });
});

describe('opening a damaged link', () => {
  const full = `#${encode(
    state({
      request: { method: 'POST', path: '/x', headers: [], body: 'b', bodyType: 'text' },
      manifest: MANIFEST + '\n'.repeat(3) + '# '.repeat(400),
      kv: [{ store: 'default', key: 'k', value: bytes('v') }],
    }),
  )}`;

  test('a truncated link says it was cut short and gives back the fields before the cut', () => {
    const result = decodeShareLink(full.slice(0, Math.floor(full.length / 2)));
    assert.ok(!result.ok);
    assert.match(result.error, /^This share link is cut short: it ends early .* Recovered: which app it opens, the request\.$/);
    assert.deepEqual(result.recovered, { base: { kind: 'example', name: 'kv-basics' }, request: { method: 'POST', path: '/x', body: 'b' } });
  });

  test('a link cut inside its first field recovers nothing and says so', () => {
    const result = decodeShareLink(full.slice(0, 12));
    assert.ok(!result.ok);
    assert.match(result.error, /Nothing in it could be recovered|damaged or cut short/);
    assert.equal(result.recovered, undefined);
  });

  test('a changed character fails the checksum', () => {
    const chars = full.split('');
    const at = full.length - 8;
    chars[at] = chars[at] === 'x' ? 'y' : 'x';
    const result = decodeShareLink(chars.join(''));
    assert.ok(!result.ok);
    assert.match(result.error, /^This share link is damaged: /);
  });

  test('punctuation a chat app leaves after the link does not matter', () => {
    for (const tail of ['.', ')', '…', '>', ' ']) assert.ok(decodeShareLink(full + tail).ok, JSON.stringify(tail));
  });

  test('a link from a newer playground says so instead of failing obscurely', () => {
    assert.deepEqual(decodeShareLink('#v7.AAAA'), {
      ok: false,
      version: 7,
      error: 'This link uses share format v7, made by a newer playground; this one reads v1 to v2. Open it on the playground that made it.',
    });
  });

  test('a fragment that is not a share link is recognised as such', () => {
    assert.equal(isShareFragment('#section-2'), false);
    assert.equal(isShareFragment('#v1.abc'), true);
    assert.match((decodeShareLink('#section-2') as { error: string }).error, /not a playground share link/);
  });
});

describe('the v2 format (an app written in the page)', () => {
  const SOURCE =
    `import { AutoRouter } from 'itty-router';\nconst router = AutoRouter();\nrouter.get('/', () => new ` +
    `Response('hi'));\naddEventListener('fetch', (event) => event.respondWith(router.fetch(event.request)));\n`;
  const authored = (overrides: Partial<ShareState> = {}) =>
    state({ base: { kind: 'none' }, authored: { language: 'javascript', source: SOURCE }, ...overrides });

  test('a state with a source is written as v2, with src after vars and before manifest', () => {
    const fragment = encode(authored({ variables: { greeting: 'Hi' }, kv: [{ store: 'default', key: 'k', value: bytes('v') }] }), {});
    assert.match(fragment, /^v2\.[A-Za-z0-9_-]+$/);
    const doc = documentOf(fragment);
    assert.deepEqual(Object.keys(doc), ['base', 'vars', 'src', 'manifest', 'kv']);
    assert.deepEqual(doc.src, { lang: 'js', text: SOURCE });
  });

  test('a state without a source stays v1, so older playgrounds still open it', () => {
    assert.match(encode(state({ base: { kind: 'none' } }), {}), /^v1\./);
  });

  test('the source and its language survive the round trip', () => {
    for (const language of ['javascript', 'typescript'] as const) {
      const result = decodeShareLink(encode(authored({ authored: { language, source: SOURCE } }), {}));
      assert.ok(result.ok, JSON.stringify(result));
      assert.equal(result.version, 2);
      assert.deepEqual(result.state.authored, { language, source: SOURCE });
      assert.equal(result.state.manifest, MANIFEST);
    }
  });

  test('a v2 link cut short keeps the source that came before the cut', () => {
    // Fixed data: where a cut lands decides whether it reads as cut short or (about one cut in
    // eight, where the DEFLATE data happens to end cleanly) as damaged; both recover the source.
    const big = Array.from({ length: 300 }, (_, i) => ({ store: 'default', key: `key-${i}`, value: bytes(`value ${(i * 7919) % 1000} of ${i}`) }));
    const full = encode(authored({ kv: big }), {});
    const result = decodeShareLink(full.slice(0, Math.floor(full.length * 0.6)));
    assert.ok(!result.ok);
    assert.match(result.error, /cut short/);
    assert.deepEqual(result.recovered?.authored, { language: 'javascript', source: SOURCE });
    assert.match(result.error, /Recovered: .*the source/);
  });

  test('a bad src is refused with its reason, and the rest is recovered', () => {
    for (const [src, message] of [
      ['{"lang":"py","text":"x"}', 'src: lang must be "js" or "ts"'],
      ['{"lang":"js","text":42}', 'src: text is not a string'],
      ['"code"', 'src: not an object'],
      ['{"lang":"js","text":"x","run":true}', 'src: "run" is not a member of src'],
    ] as const) {
      const result = decodeShareLink(craft(`{"base":{},"src":${src},"manifest":"m"}`, 2));
      assert.ok(!result.ok, src);
      assert.ok(result.error.includes(message), `${src}: ${result.error}`);
      assert.equal(result.recovered?.manifest, 'm');
    }
  });

  test('src is not a v1 member: a v1 link holding it is refused', () => {
    const result = decodeShareLink(craft('{"base":{},"src":{"lang":"js","text":"x"}}'));
    assert.ok(!result.ok && result.error.includes('"src" is not a field of a v1 link'));
  });

  test('a source over 256 KiB cannot be shared by link', () => {
    const result = encodeShareState(authored({ authored: { language: 'javascript', source: 'x'.repeat(256 * 1024 + 1) } }), {});
    assert.ok(!result.ok && result.reason === 'too-large' && /source is/.test(result.error));
  });
});

describe('untrusted content', () => {
  const base = '"base":{"example":"kv-basics"}';

  test('__proto__ as a store, key, variable or file name never reaches a prototype', () => {
    const result = decodeShareLink(
      craft(`{${base},"vars":[["__proto__","x"]],"kv":[["__proto__","__proto__","polluted"]],"files":[["__proto__",{"b64":"AA"}]]}`),
    );
    assert.ok(!result.ok);
    assert.match(result.error, /"__proto__" is not a Spin variable name/);
    assert.deepEqual(
      result.recovered?.kv?.map((r) => [r.store, r.key]),
      [['__proto__', '__proto__']],
    );
    assert.equal(Object.getPrototypeOf(result.recovered?.files), Object.prototype);
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
    assert.equal(Object.hasOwn(result.recovered?.files ?? {}, '__proto__'), true);
  });

  test('only http and https URLs are accepted for the base app and for files', () => {
    for (const url of ['javascript:alert(1)', 'file:///etc/passwd', 'data:text/plain,x', 'https://user:pw@example.com/spin.toml', 'relative/spin.toml']) {
      const result = decodeShareLink(craft(`{"base":{"app":${JSON.stringify(url)}}}`));
      assert.ok(!result.ok, url);
      assert.equal(result.recovered?.base, undefined, url);
    }
    const file = decodeShareLink(craft(`{${base},"files":[["a.wasm",{"url":"ftp://x/a.wasm","digest":"sha256:${'0'.repeat(64)}"}]]}`));
    assert.ok(!file.ok && /only http and https/.test(file.error));
  });

  test("paths must stay inside the app's folder", () => {
    for (const path of ['../escape.wasm', '/abs.wasm', 'a/../../b', 'C:\\\\x', 'https://x/y', 'a//b', '']) {
      const result = decodeShareLink(craft(`{${base},"files":[[${JSON.stringify(path)},{"b64":"AA"}]]}`));
      assert.ok(!result.ok, path);
      assert.deepEqual(result.recovered?.files ?? {}, {}, path);
    }
  });

  test('wrong types and unknown fields are reported, and the rest is still recovered', () => {
    const result = decodeShareLink(
      craft(`{${base},"req":{"method":"GET /","path":"no-slash","headers":[["bad name","v"],["ok","v"]],"extra":1},"kv":"nope","manifest":42,"evil":true}`),
    );
    assert.ok(!result.ok);
    for (const message of [
      '"evil" is not a field of a v1 link',
      'req: method is not an HTTP method token',
      'req: path must start with "/"',
      'kv: not a list',
      'manifest: not a string',
    ])
      assert.ok(result.error.includes(message), message);
    assert.deepEqual(result.recovered, { base: { kind: 'example', name: 'kv-basics' }, request: { headers: [['ok', 'v']] } });
  });

  test('header values cannot carry a line break', () => {
    const result = decodeShareLink(craft(`{${base},"req":{"headers":[["x","a\\r\\nset-cookie: y"]]}}`));
    assert.ok(!result.ok && result.error.includes('header "x" is not a valid header'));
  });

  test('inlined files and key-value data over their limits are refused', () => {
    const big = toBase64Url(new Uint8Array(SHARE_INLINE_FILE_LIMIT + 1));
    const file = decodeShareLink(craft(`{${base},"files":[["a.wasm",{"b64":"${big}"}]]}`));
    assert.ok(!file.ok && /more than a link may inline/.test(file.error));
    const kv = decodeShareLink(craft(`{${base},"kv":[["default","k",{"b64":"${toBase64Url(new Uint8Array(SHARE_KV_LIMIT_BYTES))}"}]]}`));
    assert.ok(!kv.ok && /kv: over 64 KiB/.test(kv.error));
  });

  test('a link that inflates to more than 4 MiB is refused before it is read (a zip bomb)', () => {
    const zeros = new Uint8Array(8 * 1024 * 1024);
    const deflated = deflateSync(zeros, { level: 9 });
    const payload = new Uint8Array(4 + deflated.length);
    payload.set(deflated, 4);
    const result = decodeShareLink(`v1.${toBase64Url(payload)}`);
    assert.ok(!result.ok);
    assert.match(result.error, /expands to more than 4 MiB/);
  });
});

describe('helpers', () => {
  test('the share URL is the playground page without its query, with the fragment', () => {
    assert.equal(shareUrl('v1.AbC', 'https://play.example/?example=guestbook#old'), 'https://play.example/#v1.AbC');
  });

  test('complete members of a cut JSON object', () => {
    assert.deepEqual(completeMembers('{"a":1,"b":[2,{"c":"}"}],"d":"unfini'), { a: 1, b: [2, { c: '}' }] });
    assert.deepEqual(completeMembers('{"a":"x\\"y","b'), { a: 'x"y' });
    assert.deepEqual(completeMembers('{"a'), {});
    assert.equal(completeMembers('[1,2'), undefined);
  });

  test('base64url without padding round-trips every length', () => {
    for (let n = 0; n < 10; n++) {
      const data = new Uint8Array(n).map((_, i) => (i * 97 + 13) & 255);
      const text = toBase64Url(data);
      assert.equal(text, Buffer.from(data).toString('base64url'));
      assert.deepEqual(fromBase64Url(text), data);
    }
    assert.throws(() => fromBase64Url('ab+c'), /character 3 \("\+"\) is not base64url/);
  });
});
