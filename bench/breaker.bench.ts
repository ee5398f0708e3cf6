/**
 * Issue 11 figures, each beside its baseline in the same run:
 * - the chain write guard's cost on a chain write (storage.put to the devnet, concurrency 32):
 *   writes/s and latency bare vs guarded, alternating rounds, median overhead; beside it the
 *   strict mode (no change subscription: every call through the admit script and a success
 *   record), which is what the local closed fast path saves; and the guard's own CPU per call
 *   (a no-op call, sequential);
 * - time from the 5th failure (recorded by worker A) to the open state seen by a second worker
 *   process (B's guard, over the change channel), p50/p99/max.
 */
import { fork } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { Registry } from 'prom-client';
import { ChainError, createChainClient } from '@blockops/chain';
import { createBreakerStore, registerBreakerMetrics, type BreakerStore } from '@blockops/breakers';
import { CHAIN_BREAKER, DEFAULT_BREAKER_CONFIG } from '@blockops/domain';
import { connectRedis, type RedisClient } from '@blockops/events';
import { startStack } from '@blockops/stack';
import { createChainWriteGuard, type ChainWriteGuard } from '../apps/worker/src/chain-write-guard';
import { createLogger } from '../apps/worker/src/logger';
import type { BenchSection } from './run';
import { closedLoop, median, percentile, round } from './stats';

const CONCURRENCY = 32;
const ROUNDS = 12;
const ROUND_S = 1.5;
const PROPAGATION_SAMPLES = 200;

async function load(seconds: number, call: () => Promise<unknown>) {
  const { lat, elapsedS } = await closedLoop(CONCURRENCY, seconds, call);
  return { perS: lat.length / elapsedS, lat };
}

async function guardOn(redis: RedisClient, prefix: string, subscribe: boolean) {
  const store = createBreakerStore({ redis, prefix, config: DEFAULT_BREAKER_CONFIG });
  const guard = await createChainWriteGuard({
    store,
    publish: async () => {},
    metrics: registerBreakerMetrics(new Registry(), store),
    log: createLogger('bench', 'silent'),
    breakers: [CHAIN_BREAKER],
    subscribe,
  });
  return { store, guard };
}

async function overhead(redis: RedisClient, devnetUrl: string, prefix: string): Promise<BenchSection[]> {
  const chain = createChainClient({ url: devnetUrl, timeoutMs: 30_000 });
  let n = 0;
  const write = () => chain.storage.put({ operation_id: `bench-${n++}`, account: 'acct-bench', estimated_cost: 0n });
  const fast = await guardOn(redis, `${prefix}:fast`, true);
  const strict = await guardOn(redis, `${prefix}:strict`, false);
  const modes: Record<'bare' | 'guarded' | 'strict', () => Promise<unknown>> = {
    bare: write,
    guarded: () => fast.guard.run(CHAIN_BREAKER, write),
    strict: () => strict.guard.run(CHAIN_BREAKER, write),
  };
  for (const m of Object.values(modes)) await load(0.5, m); // warm-up
  const perS: Record<keyof typeof modes, number[]> = { bare: [], guarded: [], strict: [] };
  const lat: Record<keyof typeof modes, number[]> = { bare: [], guarded: [], strict: [] };
  const cost = { guarded: [] as number[], strict: [] as number[] };
  for (let r = 0; r < ROUNDS; r++) {
    // alternate, so drift (CPU frequency, the devnet's GC, neighbours on the other core) hits all three
    for (const m of Object.keys(modes) as Array<keyof typeof modes>) {
      const res = await load(ROUND_S, modes[m]);
      perS[m].push(res.perS);
      lat[m].push(...res.lat);
    }
    for (const m of ['guarded', 'strict'] as const) cost[m].push((1 - perS[m][r]! / perS.bare[r]!) * 100);
  }
  // the guard's own work per call, nothing else: a no-op call, one at a time
  const noop = () => Promise.resolve(1);
  const cpu = async (g: ChainWriteGuard, calls: number) => {
    for (let i = 0; i < 1000; i++) await g.run(CHAIN_BREAKER, noop);
    const t = performance.now();
    for (let i = 0; i < calls; i++) await g.run(CHAIN_BREAKER, noop);
    return ((performance.now() - t) * 1000) / calls;
  };
  const fastUs = await cpu(fast.guard, 200_000);
  const strictUs = await cpu(strict.guard, 5_000);
  await fast.guard.close();
  await strict.guard.close();
  const p = (m: keyof typeof modes, q: number) => round(percentile(lat[m], q), 3);
  return [
    {
      title: 'Chain write guard on storage.put (devnet, concurrency 32): bare vs guarded, same run',
      figures: {
        concurrency: CONCURRENCY,
        rounds: ROUNDS,
        // the machine is shared: the spread of the per-round figures follows this
        load_average_1m: round(os.loadavg()[0]!, 1),
        bare_writes_per_s: Math.round(median(perS.bare)),
        guarded_writes_per_s: Math.round(median(perS.guarded)),
        guard_throughput_cost_pct: round(median(cost.guarded), 1),
        guard_throughput_cost_pct_min: round(Math.min(...cost.guarded), 1),
        guard_throughput_cost_pct_max: round(Math.max(...cost.guarded), 1),
        bare_p50_ms: p('bare', 50),
        guarded_p50_ms: p('guarded', 50),
        added_p50_ms: round(p('guarded', 50) - p('bare', 50), 3),
        bare_p99_ms: p('bare', 99),
        guarded_p99_ms: p('guarded', 99),
        added_p99_ms: round(p('guarded', 99) - p('bare', 99), 3),
        guard_cpu_per_call_us: round(fastUs, 2),
        // the throughput cost if the writer were CPU-bound: the guard's time against a write's share of a second
        guard_cpu_share_of_write_pct: round((fastUs / (1e6 / median(perS.bare))) * 100, 2),
        strict_writes_per_s: Math.round(median(perS.strict)),
        strict_throughput_cost_pct: round(median(cost.strict), 1),
        strict_added_p50_ms: round(p('strict', 50) - p('bare', 50), 3),
        strict_guard_per_call_us: round(strictUs, 1),
      },
      notes: [
        'guarded: closed with no failure run, the guard trusts its local view (kept by the change channel, re-read each second): no Redis round trip per call.',
        'strict: the same guard without the change subscription — an admit script before and a success record after every call (two EVALSHA).',
        'guard_cpu_per_call_us / strict_guard_per_call_us: a no-op call through the guard, sequential (the added cost with nothing else running).',
        'The added p50/p99 compare latency samples of different rounds: on 2 shared cores they carry noise of the order of the figure itself.',
        'guard_cpu_share_of_write_pct bounds the throughput cost independently of that noise: the guard adds ~1–3 µs of CPU to a write that takes ~200–300 µs of the client’s time.',
      ],
    },
  ];
}

async function propagation(redis: RedisClient, store: BreakerStore, prefix: string): Promise<BenchSection[]> {
  const a = await guardOn(redis, prefix, true);
  const child = fork(path.join(__dirname, 'breaker-observer.ts'), [process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', prefix], {
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const waiters: Array<(m: { state: string; at: number }) => void> = [];
  const ready = new Promise<void>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`observer exited (${code})`)));
    child.on('message', (m: { ready?: boolean; state?: string; at?: number }) => {
      if (m.ready) resolve();
      else for (const w of waiters.splice(0)) w(m as { state: string; at: number });
    });
  });
  await ready;
  const seen = (state: string) =>
    new Promise<number>((resolve) => {
      const wait = (m: { state: string; at: number }) => (m.state === state ? resolve(m.at) : waiters.push(wait));
      waiters.push(wait);
    });
  const fail = () =>
    Promise.reject(
      new ChainError('bench: injected transient failure', { errorClass: 'transient', reason: 'unavailable', method: 'bench' }),
    );
  const latencies: number[] = [];
  const own: number[] = [];
  try {
    for (let i = 0; i < PROPAGATION_SAMPLES; i++) {
      for (let k = 0; k < 4; k++) await a.guard.run(CHAIN_BREAKER, fail).catch(() => {});
      const opened = seen('open');
      const t0 = performance.timeOrigin + performance.now();
      await a.guard.run(CHAIN_BREAKER, fail).catch(() => {});
      own.push(performance.timeOrigin + performance.now() - t0);
      latencies.push((await opened) - t0);
      const closed = seen('closed');
      await store.reset(CHAIN_BREAKER);
      await closed;
    }
  } finally {
    child.disconnect();
    await a.guard.close();
  }
  return [
    {
      title: 'From the 5th failure (worker A) to the open state seen by a second worker process (B)',
      figures: {
        samples: PROPAGATION_SAMPLES,
        seen_by_b_p50_ms: round(percentile(latencies, 50), 3),
        seen_by_b_p99_ms: round(percentile(latencies, 99), 3),
        seen_by_b_max_ms: round(Math.max(...latencies), 3),
        a_records_p50_ms: round(percentile(own, 50), 3),
        a_records_p99_ms: round(percentile(own, 99), 3),
      },
      notes: [
        'A records the 5th transient failure (one Lua script: the transition and a PUBLISH on the change channel); B is another process whose guard learns it from the channel. Clock: performance.timeOrigin + now() in both processes.',
        'a_records: A’s own script round trip for the 5th failure (A knows at once). B refuses without any call from the moment it knows; before that its closed fast path could still admit a call.',
      ],
    },
  ];
}

export async function run(): Promise<BenchSection[]> {
  const root = path.resolve(__dirname, '..');
  const stack = await startStack({
    root,
    dataDir: path.join(os.tmpdir(), `blockops-bench-breaker-${randomUUID()}`),
    services: ['devnet'],
    ports: { devnet: 0 },
    output: 'files',
    devnetArgs: ['--block-interval-ms', '3600000', '--seed', '11'],
  });
  const redis = await connectRedis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
  const prefix = `bench:${randomUUID().slice(0, 8)}:breaker`;
  try {
    const store = createBreakerStore({ redis, prefix: `${prefix}:prop`, config: DEFAULT_BREAKER_CONFIG });
    return [...(await overhead(redis, stack.urls.devnet!, prefix)), ...(await propagation(redis, store, `${prefix}:prop`))];
  } finally {
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length) await redis.del(keys);
    redis.destroy();
    await stack.stop();
  }
}
