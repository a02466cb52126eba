/**
 * The UI's calls to the engine never hang: `EngineClient` driven over a real `MessageChannel` in
 * Node, with the test playing the engine's side of the port (the runner and its Worker are not
 * needed to see what the client does when replies come late, never, or from a replaced engine).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EngineCallError, EngineClient, REPLY_MARGIN_MS } from '../../src/ui/engine-client.ts';
import type { AppBundle, EngineToUi, UiToEngine } from '../../src/protocol/messages.ts';

const bundle: AppBundle = { manifestText: 'spin_manifest_version = 2', files: {} };

/** A client and the engine's end of its port, which records what it was sent. */
function connected(timeouts: ConstructorParameters<typeof EngineClient>[1] = {}) {
  const channel = new MessageChannel();
  const received: UiToEngine[] = [];
  const engineSide = channel.port2;
  engineSide.onmessage = (event: MessageEvent<UiToEngine>) => received.push(event.data);
  const client = new EngineClient(channel.port1, timeouts);
  const reply = (message: EngineToUi) => engineSide.postMessage(message);
  const close = () => {
    engineSide.close();
    channel.port1.close();
  };
  return { client, received, reply, close };
}

/** Until the engine's end has received `count` messages. */
async function delivered(received: unknown[], count: number): Promise<void> {
  while (received.length < count) await new Promise((resolve) => setImmediate(resolve));
}
const settle = () => new Promise((resolve) => setImmediate(resolve));
function outcome(call: Promise<unknown>): { state: string } {
  const result = { state: 'pending' };
  call.then(
    () => (result.state = 'resolved'),
    (error: EngineCallError) => (result.state = error.reason),
  );
  return result;
}

test('a reply resolves the call it answers', async () => {
  const { client, received, reply, close } = connected();
  const loading = client.load(bundle);
  await delivered(received, 1);
  assert.equal(received[0]?.type, 'load');
  reply({ type: 'loaded', id: received[0]!.id, result: { ok: true, routes: [], components: [] } });
  assert.deepEqual(await loading, { ok: true, routes: [], components: [] });
  close();
});

test('a load the engine never answers is rejected after its time limit, naming the call', async () => {
  const { client, close } = connected({ load: 50 });
  const started = performance.now();
  await assert.rejects(client.load(bundle), (error: unknown) => {
    assert.ok(error instanceof EngineCallError);
    assert.equal(error.reason, 'timeout');
    assert.equal(error.call, 'load');
    assert.equal(error.message, 'the engine did not answer "load" within 0.05 s');
    return true;
  });
  assert.ok(performance.now() - started >= 45, 'not before the limit');
  close();
});

test('disposing the client (the runner reconnected) rejects every waiting call at once, and later calls too', async () => {
  const { client, received, reply, close } = connected();
  const loading = client.load(bundle);
  const listing = client.kv({ op: 'stores' });
  await delivered(received, 2);
  client.dispose('the runner started a fresh engine');
  await assert.rejects(loading, {
    name: 'EngineCallError',
    reason: 'disconnected',
    message: 'the engine did not answer "load": the runner started a fresh engine',
  });
  await assert.rejects(listing, { reason: 'disconnected', call: 'kv' });
  await assert.rejects(client.restart(), { reason: 'disconnected', call: 'restart-engine' });
  // A late reply from the old engine changes nothing.
  reply({ type: 'loaded', id: received[0]!.id, result: { ok: true, routes: [], components: [] } });
  await settle();
  close();
});

test('a reply after the time limit is ignored, and the next call still works', async () => {
  const { client, received, reply, close } = connected({ sqlite: 30 });
  await assert.rejects(client.sqlite({ op: 'labels' }), { reason: 'timeout' });
  await delivered(received, 1);
  reply({ type: 'sqlite-result', id: received[0]!.id, result: { op: 'labels', labels: [] } } as unknown as EngineToUi);
  const second = client.sqlite({ op: 'labels' });
  await delivered(received, 2);
  reply({ type: 'sqlite-result', id: received[1]!.id, result: { op: 'labels', labels: ['default'] } } as unknown as EngineToUi);
  assert.deepEqual(await second, { op: 'labels', labels: ['default'] });
  close();
});

test("requests wait for the app's safety timeout plus a margin, and without limit when it is off", async (t) => {
  t.mock.timers.enable({ apis: ['setTimeout'] });
  const { client, close } = connected();
  const request = { method: 'GET', pathWithQuery: '/', headers: [], body: null };
  // The app's safety timeout is 2 s: a request is given up 2 s + REPLY_MARGIN_MS after it was sent.
  void client.load({ ...bundle, limits: { timeoutMs: 2000 } }).catch(() => undefined);
  const first = outcome(client.request(request));
  t.mock.timers.tick(2000 + REPLY_MARGIN_MS - 1);
  await settle();
  assert.equal(first.state, 'pending');
  t.mock.timers.tick(1);
  await settle();
  assert.equal(first.state, 'timeout');
  // With the safety timeout off, a request (a long stream, say) is never given up...
  void client.load({ ...bundle, limits: { timeoutMs: 0 } }).catch(() => undefined);
  const second = outcome(client.request(request));
  t.mock.timers.tick(60 * 60_000);
  await settle();
  assert.equal(second.state, 'pending');
  // ...but a reconnect still ends it.
  client.dispose('the runner started a fresh engine');
  await settle();
  assert.equal(second.state, 'disconnected');
  close();
});
