/** Spin 4's instance reuse for WASI 0.3 components: limit parsing and the pool's bookkeeping. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { InstancePool, LimitError, parseRange, pick, SPIN4_INSTANCE_LIMITS, type InstanceLimits } from '../../src/engine/instance-pool.ts';

test("a limit is a whole number or Spin's half-open range a..b", () => {
  assert.deepEqual(parseRange('128', 'instanceReuse', 1), { min: 128, max: 128 });
  assert.deepEqual(parseRange(16, 'instanceConcurrency', 1), { min: 16, max: 16 });
  assert.deepEqual(parseRange('1..8', 'instanceReuse', 1), { min: 1, max: 8 });
  assert.deepEqual(parseRange('0', 'idleInstanceTimeout', 0), { min: 0, max: 0 });
});

test('a bad limit is refused with a sentence naming the setting and the value', () => {
  assert.throws(
    () => parseRange('abc', 'instanceReuse', 1),
    (e: Error) => e instanceof LimitError && /^instanceReuse: "abc" is not a whole number \(got "abc"\)/.test(e.message),
  );
  assert.throws(() => parseRange('0', 'instanceConcurrency', 1), /instanceConcurrency: 0 is less than 1/);
  assert.throws(() => parseRange('8..8', 'instanceReuse', 1), /the range 8\.\.8 is empty \(8 is excluded\)/);
  assert.throws(() => parseRange('1..2..3', 'instanceReuse', 1), /one "\.\."/);
  assert.throws(() => parseRange(1.5, 'instanceReuse', 1), /not a whole number/);
  assert.throws(() => parseRange('-1', 'idleInstanceTimeout', 0), /not a whole number/);
});

test('a value drawn from a..b is at least a and below b', () => {
  assert.equal(
    pick({ min: 3, max: 7 }, () => 0),
    3,
  );
  assert.equal(
    pick({ min: 3, max: 7 }, () => 0.9999),
    6,
  );
  assert.equal(
    pick({ min: 5, max: 5 }, () => 0.5),
    5,
  );
});

/** Timers the test fires by hand. */
function manualTimers() {
  const pending = new Map<number, { fn: () => void; ms: number }>();
  let next = 1;
  return {
    pending,
    setTimeout: (fn: () => void, ms: number) => {
      pending.set(next, { fn, ms });
      return next++;
    },
    clearTimeout: (handle: unknown) => void pending.delete(handle as number),
    fireAll() {
      const due = [...pending.values()];
      pending.clear();
      for (const { fn } of due) fn();
    },
  };
}

function makePool(limits: InstanceLimits = SPIN4_INSTANCE_LIMITS) {
  const timers = manualTimers();
  const made: number[] = [];
  const destroyed: number[] = [];
  let n = 0;
  const pool = new InstancePool<number>({
    create: async () => {
      made.push(++n);
      return n;
    },
    destroy: (v) => destroyed.push(v),
    limits,
    timers,
  });
  return { pool, timers, made, destroyed };
}

const limits = (reuse: number, concurrency: number, idle = 1000): InstanceLimits => ({
  reuse: { min: reuse, max: reuse },
  concurrency: { min: concurrency, max: concurrency },
  idleTimeoutMs: { min: idle, max: idle },
});

test('sequential requests reuse one instance until it has served its reuse count', async () => {
  const { pool, made, destroyed } = makePool(limits(3, 16));
  const ordinals: Array<[number, number]> = [];
  for (let i = 0; i < 7; i++) {
    const lease = await pool.acquire();
    ordinals.push([lease.instance.id, lease.ordinal]);
    lease.release();
  }
  assert.deepEqual(ordinals, [
    [1, 1],
    [1, 2],
    [1, 3],
    [2, 1],
    [2, 2],
    [2, 3],
    [3, 1],
  ]);
  assert.deepEqual(made, [1, 2, 3]);
  assert.deepEqual(destroyed, [1, 2]);
});

test('requests in flight share an instance up to the concurrency limit, then a new one is made', async () => {
  const { pool, made } = makePool(limits(128, 2));
  const leases = await Promise.all([pool.acquire(), pool.acquire(), pool.acquire(), pool.acquire(), pool.acquire()]);
  assert.deepEqual(
    leases.map((l) => l.instance.id),
    [1, 1, 2, 2, 3],
  );
  assert.deepEqual(made, [1, 2, 3], 'a burst waits for the instance being made instead of making one each');
  leases[0]!.release();
  assert.equal((await pool.acquire()).instance.id, 1, 'a slot freed on instance 1 is used again');
});

test('an idle instance is dropped after its idle timeout, and a request before that cancels the drop', async () => {
  const { pool, timers, destroyed } = makePool(limits(128, 16, 1000));
  (await pool.acquire()).release();
  assert.deepEqual(
    [...timers.pending.values()].map((t) => t.ms),
    [1000],
  );
  const again = await pool.acquire();
  assert.equal(timers.pending.size, 0, 'the idle timer stops while a request is in flight');
  again.release();
  timers.fireAll();
  assert.deepEqual(destroyed, [1]);
  assert.equal(pool.live.length, 0);
  assert.equal((await pool.acquire()).instance.id, 2);
});

test('a trap poisons its instance: its other requests learn why, it is dropped, and the next request gets a new instance', async () => {
  const { pool, destroyed } = makePool(limits(128, 16));
  const a = await pool.acquire();
  const b = await pool.acquire();
  assert.equal(a.instance, b.instance);
  a.poison('wasm trap: unreachable');
  assert.equal(await b.instance.whenPoisoned, 'wasm trap: unreachable');
  assert.deepEqual(destroyed, [1]);
  const c = await pool.acquire();
  assert.equal(c.instance.id, 2);
  b.release();
  a.release();
  assert.equal(pool.live.length, 1);
});

test('an instance can poison itself (a trap no request reports): its requests learn why, it is dropped, the next request gets a new one', async () => {
  const poisons: Array<(reason: string) => void> = [];
  const destroyed: number[] = [];
  let n = 0;
  const pool = new InstancePool<number>({
    create: async (poison) => {
      poisons.push(poison);
      return ++n;
    },
    destroy: (v) => destroyed.push(v),
    limits: limits(128, 16),
    timers: manualTimers(),
  });
  const a = await pool.acquire();
  assert.equal(poisons.length, 1);
  poisons[0]!('wasm trap: wasm `unreachable` instruction executed');
  assert.equal(await a.instance.whenPoisoned, 'wasm trap: wasm `unreachable` instruction executed');
  assert.deepEqual(destroyed, [1]);
  assert.equal((await pool.acquire()).instance.id, 2);
  // A second report for the same instance changes nothing.
  poisons[0]!('again');
  assert.deepEqual(destroyed, [1]);
  a.release();
  assert.equal(pool.live.length, 1);
});

test('limits given as ranges are drawn per instance', async () => {
  const values = [0, 0.99];
  const timers = manualTimers();
  const pool = new InstancePool<number>({
    create: async () => 0,
    limits: { reuse: { min: 1, max: 9 }, concurrency: { min: 1, max: 3 }, idleTimeoutMs: { min: 100, max: 200 } },
    random: () => values[0]!,
    timers,
  });
  const first = await pool.acquire();
  assert.deepEqual([first.instance.maxReuse, first.instance.maxConcurrency, first.instance.idleTimeoutMs], [1, 1, 100]);
  values[0] = 0.99;
  const second = await pool.acquire();
  assert.deepEqual([second.instance.maxReuse, second.instance.maxConcurrency, second.instance.idleTimeoutMs], [8, 2, 199]);
});

test('an instance that fails to start is not kept, and the error reaches the request', async () => {
  let fail = true;
  const pool = new InstancePool<number>({
    create: async () => {
      if (fail) throw new Error('instantiate failed');
      return 7;
    },
    limits: SPIN4_INSTANCE_LIMITS,
    timers: manualTimers(),
  });
  await assert.rejects(pool.acquire(), /instantiate failed/);
  assert.equal(pool.live.length, 0);
  fail = false;
  assert.equal((await pool.acquire()).instance.value, 7);
});
