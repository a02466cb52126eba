/** What a browser Response can carry, and the transport headers spin up's server adds. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { toWireResponse } from '../../src/engine/wire-response.ts';

const body = (text: string) => new TextEncoder().encode(text);

test('only content-length and date are added, and only when the guest did not set them', () => {
  const wire = toWireResponse({ status: 200, headers: [['x-a', '1']], body: body('hello') }, 0, {});
  assert.deepEqual(
    wire.headers.map(([n]) => n),
    ['x-a', 'content-length', 'date'],
  );
  assert.equal(wire.headers[1]![1], '5');
  const own = toWireResponse(
    {
      status: 200,
      headers: [
        ['content-length', '5'],
        ['date', 'x'],
      ],
      body: body('hello'),
    },
    0,
    {},
  );
  assert.deepEqual(own.headers, [
    ['content-length', '5'],
    ['date', 'x'],
  ]);
});

test('statuses a browser cannot deliver are mapped, and the log says so', () => {
  const warnings: string[] = [];
  assert.equal(toWireResponse({ status: 103, headers: [], body: body('') }, 0, {}, (w) => warnings.push(w)).status, 200);
  assert.equal(toWireResponse({ status: 799, headers: [], body: body('') }, 0, {}, (w) => warnings.push(w)).status, 599);
  assert.deepEqual(warnings, [
    'status 103 cannot be delivered by a browser service worker; sent 200 instead',
    'status 799 cannot be delivered by a browser service worker; sent 599 instead',
  ]);
});

test('a 204 or 304 body is dropped with a log line', () => {
  const warnings: string[] = [];
  const wire = toWireResponse({ status: 204, headers: [], body: body('oops') }, 0, {}, (w) => warnings.push(w));
  assert.equal(wire.body, null);
  assert.deepEqual(warnings, ['a 204 response cannot carry a body in a browser; its 4 bytes were dropped']);
});

test('a streamed body is marked chunked, as spin up sends it', () => {
  const wire = toWireResponse({ status: 200, headers: [], body: new ReadableStream() }, 0, {});
  assert.ok(wire.body instanceof ReadableStream);
  assert.deepEqual(wire.headers[0], ['transfer-encoding', 'chunked']);
});
