/**
 * The chain write guard against the real devnet process and real Redis: an outage (HTTP 503, then
 * refused connections) opens the breaker on the 5th transient failure, after which nothing reaches
 * the node (counted at the node) until half-open admits its probes; recovery closes it. Business
 * (cancelled-class) refusals never trip it; forced open holds against successes; every transition
 * is an event and a metric. Durations are short settings, not the production ones.
 */
import { randomUUID } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import { ApplicationFailure } from '@temporalio/common';
import { createChainClient, type ChainClient } from '@blockops/chain';
import { createBreakerStore, registerBreakerMetrics } from '@blockops/breakers';
import { BREAKER_OPEN, CHAIN_BREAKER, parseAmount, type BreakerConfig } from '@blockops/domain';
import { connectRedis, createEventPublisher, readRange, type BlockopsEvent, type RedisClient } from '@blockops/events';
import { startStack, type Stack } from '@blockops/stack';
import { Registry } from 'prom-client';
import { createChainWriteGuard, type ChainWriteGuard } from '../src/chain-write-guard';
import { createLogger } from '../src/logger';

const root = path.resolve(__dirname, '../../..');
let devnet: Stack;
let redis: RedisClient;
let chain: ChainClient;
const cleanup: string[] = [];
const guards: ChainWriteGuard[] = [];

beforeAll(async () => {
  [devnet, redis] = await Promise.all([
    startStack({
      root,
      dataDir: path.join(os.tmpdir(), `blockops-devnet-${randomUUID()}`),
      services: ['devnet'],
      ports: { devnet: 0 },
      output: 'files',
      devnetArgs: ['--block-interval-ms', '3600000', '--seed', '31'],
    }),
    connectRedis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379'),
  ]);
  // generous: the faults here fail fast or are 300 ms slow; a loaded CI machine must not turn a slow answer into a timeout
  chain = createChainClient({ url: devnet.urls.devnet!, timeoutMs: 5000 });
}, 120_000);

afterAll(async () => {
  for (const g of guards) await g.close();
  for (const k of cleanup) {
    const keys = await redis.keys(`${k}*`);
    if (keys.length) await redis.del(keys);
  }
  redis?.destroy();
  await devnet?.stop();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const base: BreakerConfig = {
  failureThreshold: 5,
  windowMs: 300_000,
  openMs: 2500,
  halfOpenProbes: 2,
  successThreshold: 2,
  probeLeaseMs: 1500,
};

/** A guard as a worker builds it, on a fresh prefix and event stream, with its own metrics registry. */
async function setup(config: Partial<BreakerConfig> = {}) {
  const id = randomUUID().slice(0, 8);
  const prefix = `test:${id}:breaker`;
  const stream = `test:${id}:events`;
  cleanup.push(prefix, stream);
  const store = createBreakerStore({ redis, prefix, config: { ...base, ...config } });
  const registry = new Registry();
  const metrics = registerBreakerMetrics(registry, store);
  const publisher = createEventPublisher(redis, { stream, maxLen: 10_000 });
  const guard = await createChainWriteGuard({
    store,
    publish: async (e) => void (await publisher.publish(e)),
    metrics,
    log: createLogger('test', 'silent'),
    breakers: [CHAIN_BREAKER],
  });
  guards.push(guard);
  const transitions = async () =>
    (await readRange(redis, stream, '0-0')).events
      .filter((e): e is Extract<BlockopsEvent, { type: 'breaker_state_changed' }> => e.type === 'breaker_state_changed')
      .map((e) => `${e.previous_state}>${e.new_state}:${e.trigger}`);
  const metric = async (name: string, labels = `breaker="${CHAIN_BREAKER}"`) => {
    const line = (await registry.metrics()).split('\n').find((l) => l.startsWith(`${name}{${labels}}`));
    return line === undefined ? undefined : Number(line.split(' ').pop());
  };
  return { store, guard, registry, stream, transitions, metric, prefix };
}

/** A write that succeeds on a healthy node (cost 0 needs no balance). */
const write = (guard: ChainWriteGuard, id = `w-${randomUUID()}`) =>
  guard.run(CHAIN_BREAKER, () => chain.storage.put({ operation_id: id, account: 'acct-guard', estimated_cost: 0n }));

/** What a guarded call ended with: ok, the chain error's class, or the breaker's refusal. */
async function outcome(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return 'ok';
  } catch (err) {
    if (err instanceof ApplicationFailure && err.type === BREAKER_OPEN) return `refused:${(err.details?.[0] as { state: string }).state}`;
    return (err as { errorClass?: string }).errorClass ?? `other:${(err as Error).message}`;
  }
}

const putCalls = async () => (await chain.dev.status()).calls['storage.put'] ?? 0;

async function until<T>(what: string, fn: () => Promise<T | undefined> | T | undefined, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

for (const mode of ['http_503', 'refuse'] as const) {
  test(`${mode} outage: open on the 5th failure, then no call reaches the node until half-open probes; recovery closes it`, async () => {
    const { guard, store, transitions, metric } = await setup();
    expect(await outcome(write(guard))).toBe('ok');
    const before = await putCalls();

    await chain.dev.outage({ mode, duration_ms: 1200 });
    if (mode === 'refuse') await sleep(100); // the devnet answers the outage call, then stops listening
    const seen: string[] = [];
    for (let i = 0; i < 20; i++) {
      seen.push(await outcome(write(guard)));
      if (seen.at(-1)!.startsWith('refused')) break;
    }
    // exactly five transient failures, then the breaker refuses without calling
    expect(seen).toEqual(['transient', 'transient', 'transient', 'transient', 'transient', 'refused:open']);
    const openedAt = (await store.read(CHAIN_BREAKER)).snapshot.openedAt!;
    expect(await metric('treasury_circuit_breaker_state')).toBe(1);

    // hammer it while open (the outage ends meanwhile): every call is refused locally
    let refused = 0;
    let first: string;
    for (;;) {
      first = await outcome(write(guard));
      if (first !== 'refused:open') break;
      refused++;
      await sleep(20);
    }
    expect(refused).toBeGreaterThan(20);
    expect(first).toBe('ok'); // the first probe, once half-open
    const probeAt = (await store.read(CHAIN_BREAKER)).now;
    expect(probeAt - openedAt).toBeGreaterThanOrEqual(base.openMs);
    // counted at the node: before + the 5 failures that reached it (none for refused connections) + the probe
    expect((await putCalls()) - before).toBe((mode === 'http_503' ? 5 : 0) + 1);

    // half-open, one success so far: at most 2 probes at once (slow answers make them overlap); a 3rd call
    // is refused; the 2nd success closes it
    await chain.dev.setFault({ method: 'storage.put', latency_ms: 300 });
    try {
      const three = await Promise.all([0, 30, 60].map((ms) => sleep(ms).then(() => outcome(write(guard)))));
      expect(three).toEqual(['ok', 'ok', 'refused:half_open']);
    } finally {
      await chain.dev.clearFaults();
    }
    expect((await store.read(CHAIN_BREAKER)).snapshot.state).toBe('closed');
    expect(await outcome(write(guard))).toBe('ok');
    expect(await until('the events', async () => ((await transitions()).length === 3 ? transitions() : undefined))).toEqual([
      'closed>open:failures',
      'open>half_open:open_timeout',
      'half_open>closed:probe_successes',
    ]);
    expect(await metric('treasury_circuit_breaker_state')).toBe(0);
    expect(await metric('treasury_circuit_breaker_transitions_total', `breaker="${CHAIN_BREAKER}",from="closed",to="open"`)).toBe(1);
    expect(await metric('treasury_circuit_breaker_calls_total', `breaker="${CHAIN_BREAKER}",outcome="failure"`)).toBe(5);
    expect(await metric('treasury_circuit_breaker_calls_total', `breaker="${CHAIN_BREAKER}",outcome="rejected"`)).toBeGreaterThan(20);
  });
}

test('the refusal is a retryable BreakerOpen failure whose next retry delay is the time left open', async () => {
  const { guard, store } = await setup({ openMs: 60_000 });
  for (let i = 0; i < 5; i++) await store.recordFailure(CHAIN_BREAKER);
  await until('the guard to hear of it', () => guard.local(CHAIN_BREAKER)?.state === 'open' || undefined, 2000);
  const err = await write(guard).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(ApplicationFailure);
  const f = err as ApplicationFailure;
  expect(f.type).toBe(BREAKER_OPEN);
  expect(f.nonRetryable).toBe(false);
  const delay = Number(f.nextRetryDelay);
  const { retryAt, retryAfterMs, state, breaker } = f.details![0] as {
    retryAt: string;
    retryAfterMs: number;
    state: string;
    breaker: string;
  };
  expect({ state, breaker }).toEqual({ state: 'open', breaker: CHAIN_BREAKER });
  expect(retryAfterMs).toBeGreaterThan(55_000);
  expect(retryAfterMs).toBeLessThanOrEqual(60_000);
  // the remaining open time plus at most 1 s of jitter
  expect(delay).toBeGreaterThanOrEqual(retryAfterMs);
  expect(delay).toBeLessThanOrEqual(retryAfterMs + 1000);
  expect(Date.parse(retryAt)).toBeGreaterThan(Date.now() + 50_000);
});

test('cancelled-class refusals never trip it, however many; a success still resets a transient run', async () => {
  const { guard, store, metric } = await setup();
  const poor = () =>
    guard.run(CHAIN_BREAKER, () =>
      chain.storage.put({ operation_id: `p-${randomUUID()}`, account: 'acct-poor', estimated_cost: parseAmount('5') }),
    );
  for (let i = 0; i < 4; i++) {
    await chain.dev.setFault({ method: 'storage.put', error_rate: 1 });
    expect(await outcome(write(guard))).toBe('transient');
    await chain.dev.clearFaults();
  }
  for (let i = 0; i < 20; i++) expect(await outcome(poor())).toBe('cancelled');
  const mid = await store.read(CHAIN_BREAKER);
  expect(mid.snapshot).toMatchObject({ state: 'closed' });
  expect(mid.snapshot.failures).toHaveLength(4); // not counted, and not a success either
  expect(await outcome(write(guard))).toBe('ok');
  expect((await store.read(CHAIN_BREAKER)).snapshot.failures).toEqual([]);
  expect(await metric('treasury_circuit_breaker_calls_total', `breaker="${CHAIN_BREAKER}",outcome="ignored"`)).toBe(20);
  expect(await metric('treasury_circuit_breaker_failures')).toBe(0);
});

test('forced open holds against successes and time; nothing reaches the node until reset', async () => {
  const { guard, store, transitions } = await setup({ openMs: 300 });
  await store.forceOpen(CHAIN_BREAKER);
  await until('the guard to hear of it', () => guard.local(CHAIN_BREAKER)?.state === 'forced_open' || undefined, 2000);
  const before = await putCalls();
  for (let i = 0; i < 5; i++) {
    // late successes (a probe lease, a closed-state caller) and the passing of several open periods change nothing
    await store.recordSuccess(CHAIN_BREAKER, 'stale-lease');
    await store.recordSuccess(CHAIN_BREAKER);
    await store.tick(CHAIN_BREAKER);
    expect(await outcome(write(guard))).toBe('refused:forced_open');
    await sleep(100);
  }
  expect(await putCalls()).toBe(before);
  expect((await store.read(CHAIN_BREAKER)).snapshot.state).toBe('forced_open');
  const reset = await store.reset(CHAIN_BREAKER);
  expect(reset.transition).toMatchObject({ from: 'forced_open', to: 'closed', trigger: 'reset' });
  await until('the guard to see the reset', () => guard.local(CHAIN_BREAKER)?.state === 'closed' || undefined);
  expect(await outcome(write(guard))).toBe('ok');
  expect(await putCalls()).toBe(before + 1);
  // transitions made by the store directly (as the web does) are not this guard's to report
  expect(await transitions()).toEqual([]);
});

test('a second guard (another worker) sees the open state from the change channel, and refuses without a call', async () => {
  const a = await setup();
  const b = await createChainWriteGuard({
    store: createBreakerStore({ redis, prefix: a.prefix, config: base }),
    publish: async () => {},
    metrics: registerBreakerMetrics(new Registry(), a.store),
    log: createLogger('test', 'silent'),
    breakers: [CHAIN_BREAKER],
  });
  guards.push(b);
  expect(await outcome(write(b))).toBe('ok'); // b trusts its local view: closed
  await chain.dev.setFault({ method: 'storage.put', error_rate: 1 });
  try {
    for (let i = 0; i < 5; i++) expect(await outcome(write(a.guard))).toBe('transient');
  } finally {
    await chain.dev.clearFaults();
  }
  await until('b to see it open', () => b.local(CHAIN_BREAKER)?.state === 'open' || undefined, 2000);
  const before = await putCalls();
  expect(await outcome(write(b))).toBe('refused:open');
  expect(await putCalls()).toBe(before);
});
