/**
 * The Redis breaker against real Redis: every Lua step agrees with the domain state machine on
 * random step sequences (the domain is the specification), concurrent steps from two clients make
 * exactly one transition, steps on Redis' own clock behave, and every change is published.
 */
import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { connectRedis, type RedisClient } from '@blockops/events';
import {
  admit,
  forceClose,
  forceOpen,
  initialBreaker,
  recordFailure,
  recordSuccess,
  releaseProbe,
  resetBreaker,
  tick,
  type BreakerConfig,
  type BreakerSnapshot,
  type Step,
} from '@blockops/domain';
import { createBreakerStore, watchBreakerChanges, type BreakerChange } from '../src';

let redis: RedisClient;
const prefixes: string[] = [];
const newPrefix = () => {
  const p = `test:${randomUUID().slice(0, 8)}:breaker`;
  prefixes.push(p);
  return p;
};

beforeAll(async () => {
  redis = await connectRedis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
});

afterAll(async () => {
  for (const p of prefixes) {
    const keys = await redis.keys(`${p}:*`);
    if (keys.length) await redis.del(keys);
  }
  redis?.destroy();
});

const small: BreakerConfig = {
  failureThreshold: 3,
  windowMs: 5000,
  openMs: 1000,
  halfOpenProbes: 2,
  successThreshold: 2,
  probeLeaseMs: 1500,
};
const T0 = 1_700_000_000_000;

type Op =
  | { op: 'admit'; lease: string }
  | { op: 'success' | 'failure'; lease?: string }
  | { op: 'release'; lease: string }
  | { op: 'tick' | 'forceOpen' | 'forceClose' | 'reset' };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 3, arbitrary: fc.record({ op: fc.constant('admit' as const), lease: fc.constantFrom('a', 'b', 'c') }) },
  // failures mostly from calls without a lease (closed), successes mostly from probes, so runs reach every transition
  {
    weight: 4,
    arbitrary: fc.record({ op: fc.constant('failure' as const), lease: fc.constantFrom(undefined, undefined, undefined, 'a', 'b') }),
  },
  { weight: 4, arbitrary: fc.record({ op: fc.constant('success' as const), lease: fc.constantFrom(undefined, 'a', 'b') }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('release' as const), lease: fc.constantFrom('a', 'b', 'c') }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('tick' as const) }) },
  {
    weight: 1,
    arbitrary: fc.record({
      op: fc.constantFrom('forceOpen' as const, 'forceClose' as const, 'reset' as const, 'tick' as const, 'tick' as const),
    }),
  },
);

function domainStep(s: BreakerSnapshot, o: Op, now: number): Step<unknown> {
  switch (o.op) {
    case 'admit':
      return admit(s, small, now, o.lease);
    case 'success':
      return recordSuccess(s, small, now, o.lease);
    case 'failure':
      return recordFailure(s, small, now, o.lease);
    case 'release':
      return releaseProbe(s, now, o.lease);
    case 'tick':
      return tick(s, small, now);
    case 'forceOpen':
      return forceOpen(s, now);
    case 'forceClose':
      return forceClose(s, now);
    case 'reset':
      return resetBreaker(s, now);
  }
}

/** Runs `ops` (with the time step before each) through the domain and through Redis, comparing after every step. */
async function compare(ops: Array<[Op, number]>, seen: Set<string>) {
  let now = T0;
  const store = createBreakerStore({ redis, prefix: newPrefix(), config: small, clock: () => now });
  const name = 'b';
  let model = initialBreaker();
  for (const [o, dt] of ops) {
    now += dt;
    const expected = domainStep(model, o, now);
    const got =
      o.op === 'admit'
        ? await store.admit(name, o.lease)
        : o.op === 'success'
          ? await store.recordSuccess(name, o.lease)
          : o.op === 'failure'
            ? await store.recordFailure(name, o.lease)
            : o.op === 'release'
              ? await store.releaseProbe(name, o.lease)
              : await store[o.op](name);
    expect(got.now).toBe(now);
    expect(got.snapshot).toEqual(expected.next);
    expect(got.transition).toEqual(expected.transition);
    expect(got.decision).toEqual(expected.decision);
    if (expected.transition) seen.add(expected.transition.trigger);
    if ((expected.decision as { probe?: string } | undefined)?.probe) seen.add('probe admitted');
    model = expected.next;
  }
}

test('every Lua step agrees with the domain state machine (a scripted tour, then random sequences; explicit clock)', async () => {
  const seen = new Set<string>();
  const f: Op = { op: 'failure' };
  // a tour through every transition, so coverage never depends on luck
  await compare(
    [
      [f, 0],
      [f, 10],
      [{ op: 'success' }, 10],
      [f, 10],
      [f, 10],
      [f, 10], // reset by a success, then opened
      [{ op: 'admit', lease: 'a' }, 10],
      [{ op: 'admit', lease: 'a' }, 1000],
      [{ op: 'admit', lease: 'b' }, 1],
      [{ op: 'admit', lease: 'c' }, 1],
      [{ op: 'success', lease: 'a' }, 5],
      [{ op: 'release', lease: 'b' }, 5],
      [{ op: 'admit', lease: 'c' }, 1],
      [{ op: 'success', lease: 'c' }, 1],
      [f, 10],
      [f, 10],
      [f, 10],
      [{ op: 'tick' }, 1000],
      [{ op: 'admit', lease: 'a' }, 1],
      [{ op: 'failure', lease: 'a' }, 1],
      [{ op: 'tick' }, 1000],
      [{ op: 'admit', lease: 'a' }, 1],
      [{ op: 'admit', lease: 'b' }, 1600],
      [{ op: 'success', lease: 'a' }, 1],
      [{ op: 'forceOpen' }, 1],
      [{ op: 'forceClose' }, 1],
      [f, 1],
      [{ op: 'reset' }, 1],
      [f, 1],
      [{ op: 'reset' }, 1],
    ],
    seen,
  );
  expect([...seen].sort()).toEqual(
    ['failures', 'force_close', 'force_open', 'open_timeout', 'probe admitted', 'probe_failure', 'probe_successes', 'reset'].sort(),
  );
  await fc.assert(
    fc.asyncProperty(fc.array(fc.tuple(opArb, fc.integer({ min: 0, max: 800 })), { minLength: 20, maxLength: 80 }), (ops) =>
      compare(ops, seen),
    ),
    { numRuns: 60 },
  );
});

test('concurrent failures from two clients open it exactly once, on the threshold-th failure', async () => {
  const other = await connectRedis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
  try {
    const prefix = newPrefix();
    const cfg = { ...small, failureThreshold: 5, openMs: 60_000 };
    const a = createBreakerStore({ redis, prefix, config: cfg });
    const b = createBreakerStore({ redis: other, prefix, config: cfg });
    const results = await Promise.all(Array.from({ length: 40 }, (_, i) => (i % 2 ? a : b).recordFailure('chain')));
    const transitions = results.filter((r) => r.transition);
    expect(transitions).toHaveLength(1);
    expect(transitions[0]!.transition).toMatchObject({ from: 'closed', to: 'open', trigger: 'failures' });
    // the 5th failure in Redis' order opened it; the other 35 came after and were ignored
    expect(
      results
        .filter((r) => r.snapshot.state === 'closed')
        .map((r) => r.snapshot.failures.length)
        .sort(),
    ).toEqual([1, 2, 3, 4]);
    const seen = await b.admit('chain', 'x');
    expect(seen.decision).toEqual({ admitted: false, state: 'open', retryAt: transitions[0]!.transition!.at + cfg.openMs });
  } finally {
    other.destroy();
  }
});

test('on the Redis clock: opens, refuses with the remaining time, probes after openMs, closes on successes', async () => {
  const cfg = { ...small, openMs: 300 };
  const store = createBreakerStore({ redis, prefix: newPrefix(), config: cfg });
  for (let i = 0; i < 3; i++) await store.recordFailure('chain');
  const refused = await store.admit('chain', 'p0');
  expect(refused.decision).toMatchObject({ admitted: false, state: 'open' });
  const d = refused.decision as { retryAt: number };
  expect(d.retryAt - refused.now).toBeGreaterThan(0);
  expect(d.retryAt - refused.now).toBeLessThanOrEqual(300);
  let probe;
  do probe = await store.admit('chain', 'p1');
  while (!probe.decision.admitted);
  expect(probe.now).toBeGreaterThanOrEqual(d.retryAt);
  expect(probe.decision).toEqual({ admitted: true, probe: 'p1' });
  expect((await store.admit('chain', 'p2')).decision).toEqual({ admitted: true, probe: 'p2' });
  await store.recordSuccess('chain', 'p1');
  const closed = await store.recordSuccess('chain', 'p2');
  expect(closed.transition).toMatchObject({ from: 'half_open', to: 'closed', trigger: 'probe_successes' });
  const { view, config } = await store.view('chain');
  expect(view).toMatchObject({ state: 'closed', failures: 0, successes: 0, nextProbeAt: null });
  expect(config).toEqual(cfg);
});

test('every change is published with the new state; reads publish nothing', async () => {
  const prefix = newPrefix();
  const store = createBreakerStore({ redis, prefix, config: small });
  const changes: BreakerChange[] = [];
  const ups: boolean[] = [];
  const watch = await watchBreakerChanges(redis, store.channel, { change: (c) => changes.push(c), connection: (up) => ups.push(up) });
  try {
    await store.recordFailure('chain');
    await store.read('chain');
    await store.recordSuccess('chain');
    await store.recordSuccess('chain'); // nothing to reset: no change
    await store.forceOpen('chain');
    const deadline = Date.now() + 5000;
    while (changes.length < 3 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    expect(changes.map((c) => [c.state, c.failures, c.version])).toEqual([
      ['closed', 1, 1],
      ['closed', 0, 2],
      ['forced_open', 0, 3],
    ]);
    expect(changes[2]!.openedAt).toBe(changes[2]!.now);
    expect(ups).toEqual([true]);
    expect(await store.names()).toEqual(['chain']);
  } finally {
    await watch.close();
  }
});

test('register records the settings the console shows', async () => {
  const store = createBreakerStore({ redis, prefix: newPrefix(), config: small });
  expect(await store.registeredConfig('theblock')).toBeUndefined();
  await store.register('theblock');
  expect(await store.registeredConfig('theblock')).toEqual(small);
  expect(await store.names()).toEqual(['theblock']);
});

test('the note of the newest transition is kept, whatever order processes note them in', async () => {
  const store = createBreakerStore({ redis, prefix: newPrefix(), config: small });
  const opened = await store.forceOpen('chain');
  const closed = await store.reset('chain');
  await store.noteTransition('chain', closed, { reason: 'maintenance over', actor: 'operator:ann' });
  await store.noteTransition('chain', opened, { reason: 'maintenance', actor: 'operator:ann' }); // late: ignored
  await store.noteTransition('chain', await store.read('chain'), { reason: 'no transition: nothing noted' });
  const { last, view } = await store.view('chain');
  expect(view.state).toBe('closed');
  expect(last).toEqual({
    from: 'forced_open',
    to: 'closed',
    trigger: 'reset',
    at: closed.now,
    reason: 'maintenance over',
    actor: 'operator:ann',
  });
});
