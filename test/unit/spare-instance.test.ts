/** WASI 0.2 instances made ahead (spare-instance.ts): each one serves one request, never two. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SpareInstances } from '../../src/engine/spare-instance.ts';

/** `later` callbacks the test runs by hand, standing for "the engine is idle". */
function manualIdle() {
  const queue: Array<() => void> = [];
  return {
    timers: { later: (fn: () => void) => void queue.push(fn) },
    runIdle: () => queue.splice(0).forEach((fn) => fn()),
    queued: () => queue.length,
  };
}

function counter() {
  let made = 0;
  const destroyed: number[] = [];
  return { create: async () => ++made, destroy: (n: number) => void destroyed.push(n), made: () => made, destroyed };
}

test('a request takes the spare made while idle, and the next spare is made only when idle again', async () => {
  const idle = manualIdle();
  const c = counter();
  const spares = new SpareInstances<number>({ create: c.create, destroy: c.destroy, timers: idle.timers });
  spares.prime();
  assert.equal(c.made(), 1);
  const first = await spares.take();
  assert.equal(first.value, 1);
  assert.ok(first.costMs >= 0);
  assert.equal(c.made(), 1, 'nothing more is made while the request runs');
  idle.runIdle();
  assert.equal(c.made(), 2);
  assert.equal((await spares.take()).value, 2);
});

test('no instance is handed out twice, even when requests come faster than spares', async () => {
  const idle = manualIdle();
  const c = counter();
  const spares = new SpareInstances<number>({ create: c.create, timers: idle.timers });
  const taken = await Promise.all([spares.take(), spares.take(), spares.take()]);
  assert.deepEqual(taken.map((t) => t.value).sort(), [1, 2, 3]);
  assert.equal(idle.queued(), 1, 'one spare is scheduled, not one per request');
  idle.runIdle();
  assert.equal((await spares.take()).value, 4);
});

test('closing drops the unused spare and makes no more; a closed set refuses', async () => {
  const idle = manualIdle();
  const c = counter();
  const spares = new SpareInstances<number>({ create: c.create, destroy: c.destroy, timers: idle.timers });
  await spares.take();
  idle.runIdle();
  spares.close();
  await Promise.resolve();
  await Promise.resolve();
  assert.deepEqual(c.destroyed, [2], 'the spare nobody took is dropped');
  idle.runIdle();
  assert.equal(c.made(), 2);
  await assert.rejects(spares.take(), /unloaded/);
});

test('a spare that fails to instantiate gives its error to the request that takes it, and is not kept', async () => {
  const idle = manualIdle();
  let fail = true;
  const spares = new SpareInstances<string>({
    create: async () => {
      if (fail) throw new Error('link error: missing import');
      return 'ok';
    },
    timers: idle.timers,
  });
  spares.prime();
  await assert.rejects(spares.take(), /missing import/);
  fail = false;
  await Promise.resolve();
  idle.runIdle();
  assert.equal((await spares.take()).value, 'ok');
});
