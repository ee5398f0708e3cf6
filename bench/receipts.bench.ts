/**
 * Receipts/s through fetch + apply (the poller's activity, one worker's worth) beside raw Redis
 * writes of the same records (issue 14 goal 5). `npm run bench -- receipts` runs it alone.
 */
import { performance } from 'node:perf_hooks';
import { createChainClient, type ChainClient } from '@blockops/chain';
import { createAccountingStore } from '@blockops/accounts';
import { createEmergencyStore } from '@blockops/emergency';
import { connectRedis, type RedisClient } from '@blockops/events';
import { startTestStack } from '@blockops/stack';
import type { PollInput } from '@blockops/workflows/public';
import { createWorkerMetrics } from '../apps/worker/src/metrics';
import { createReceiptActivities } from '../apps/worker/src/activities/receipts';
import { cpuMeter, redisServerPid } from './process-cpu';
import type { BenchSection } from './run';
import { round } from './stats';

const ACCOUNT = '0xblockops';

/** pollReceipts called as the poller calls it (its defaults), from the checkpoint 0 until caught up. */
async function drain(
  redis: RedisClient,
  chain: ChainClient,
  mode: 'ours' | 'all',
  input: PollInput,
  procs: Array<{ name: string; pid: number }>,
) {
  const prefix = `bench:${mode}:${Date.now()}:${input.idleMaxMs ?? 0}`;
  const store = createAccountingStore({ redis, prefix, startingBalance: 100_000_000_000n });
  // 'all': every receipt attributed to our account, so the store applies each one (worst case)
  const source: Pick<ChainClient, 'light' | 'receipt'> =
    mode === 'ours'
      ? chain
      : {
          light: chain.light,
          receipt: {
            ...chain.receipt,
            audit: async (p, o) => {
              const page = await chain.receipt.audit(p, o);
              return { ...page, receipts: page.receipts.map((r) => ({ ...r, consumer: ACCOUNT })) };
            },
          },
        };
  // risk limits off: the bench measures fetch + apply (a risk check runs only on our receipts)
  const risk = {
    emergency: createEmergencyStore({ redis, prefix: `${prefix}:emergency` }),
    riskDefaults: { dailyLoss: 0n, maxPosition: 0n, maxDrawdownBps: 0 },
  };
  const activities = createReceiptActivities({ chain: source, store, account: ACCOUNT, metrics: createWorkerMetrics(), risk });
  let seen = 0;
  let applied = 0;
  let calls = 0;
  const cpu = cpuMeter(procs);
  const own0 = process.cpuUsage();
  const t0 = performance.now();
  for (;;) {
    const r = await activities.pollReceipts(input);
    calls++;
    seen += r.seen;
    applied += r.count;
    if (r.caughtUp) break;
  }
  const seconds = (performance.now() - t0) / 1000;
  const ownUsage = process.cpuUsage(own0);
  const used = { ...cpu(), this_process: (ownUsage.user + ownUsage.system) / 1000 };
  const keys = await redis.keys(`${prefix}*`);
  if (keys.length) await redis.del(keys);
  return { seen, applied, calls, seconds, cpu: used };
}

export async function receiptThroughput(): Promise<BenchSection[]> {
  const stack = await startTestStack({ services: ['redis', 'devnet'], devnetArgs: ['--block-interval-ms', '3600000', '--seed', '8'] });
  try {
    const redis = await connectRedis(stack.env.REDIS_URL!);
    const chain = createChainClient({ url: stack.env.THEBLOCK_RPC_URL!, timeoutMs: 30_000 });
    await chain.dev.mine({ blocks: 10_000 }); // ~40,000 receipts
    const head = (await chain.light.latestHeader()).height;
    const total = (await chain.receipt.audit({ from_height: 1, to_height: head, limit: 1 })).total;
    const sections: BenchSection[] = [];
    const redisPid = redisServerPid();
    const procs = [
      ...stack.processes.filter((p) => p.name === 'devnet').map((p) => ({ name: 'devnet', pid: p.child.pid! })),
      ...(redisPid ? [{ name: 'redis', pid: redisPid }] : []),
    ];

    // warm-up (JIT, script load, pooled connections): not counted
    await drain(redis, chain, 'all', { batchSize: 1000, idleMaxMs: 60_000, pollIntervalMs: 1000 }, procs);
    await drain(redis, chain, 'ours', { batchSize: 1000 }, procs);
    const perThousand = (d: { seen: number; cpu: Record<string, number> }) =>
      Object.fromEntries(Object.entries(d.cpu).map(([k, v]) => [k, (v * 1000) / d.seen]));
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

    for (const mode of ['ours', 'all'] as const) {
      const pipedRates: number[] = [];
      const singleRates: number[] = [];
      const rawRates: number[] = [];
      let piped: Awaited<ReturnType<typeof drain>> | undefined;
      const pipedCpu: Array<Record<string, number>> = [];
      const singleCpu: Array<Record<string, number>> = [];
      for (let round = 0; round < 3; round++) {
        // as the poller calls it (RECEIPT_POLL_IDLE_MS, RECEIPT_POLL_INTERVAL_MS defaults): batches
        // follow one another inside a call, the next read while the current one is applied
        piped = await drain(redis, chain, mode, { batchSize: 1000, idleMaxMs: 60_000, pollIntervalMs: 1000 }, procs);
        pipedRates.push(piped.seen / piped.seconds);
        pipedCpu.push(perThousand(piped));
        // one batch per call (idleMaxMs 0, the path of runs from before the in-activity poll): nothing overlaps
        const single = await drain(redis, chain, mode, { batchSize: 1000 }, procs);
        singleRates.push(single.seen / single.seconds);
        singleCpu.push(perThousand(single));

        // Baseline: the same records written raw (one MULTI of LPUSHes per 1,000), no fetch, no logic
        const rawKey = `bench:${mode}:${Date.now()}:raw`;
        const page = await chain.receipt.audit({ from_height: 1, to_height: head, limit: 1000 });
        // amounts are bigint units since the money change: written as integer strings, as the store writes them
        const records = page.receipts.map((r) => JSON.stringify(r, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v)));
        const r0 = performance.now();
        for (let written = 0; written < piped!.seen; written += records.length) {
          await redis.multi().lPush(rawKey, records).hSet(`${rawKey}:cp`, 'h', String(written)).exec();
        }
        rawRates.push(piped!.seen / ((performance.now() - r0) / 1000));
        await redis.del([rawKey, `${rawKey}:cp`]);
      }
      const perS = median(pipedRates);
      const singlePerS = median(singleRates);
      const rawPerS = median(rawRates);
      // CPU ms per 1,000 receipts seen, per process (medians of the rounds); with 2 cores and one
      // JavaScript thread doing fetch + parse + apply, receipts/s cannot exceed either ceiling
      const cpuOf = (rounds: Array<Record<string, number>>, name: string) => median(rounds.map((r) => r[name] ?? 0));
      const names = Object.keys(pipedCpu[0]!);
      const pipedTotal = median(pipedCpu.map((r) => Object.values(r).reduce((a, b) => a + b, 0)));
      const ceiling = Math.min(1_000_000 / cpuOf(pipedCpu, 'this_process'), (2 * 1_000_000) / pipedTotal);

      sections.push({
        title: `Receipts through fetch + apply, batches of 1,000 (${mode === 'ours' ? 'our share of receipts applied' : 'every receipt applied'})`,
        figures: {
          receipts_on_chain: total,
          receipts_seen: piped!.seen,
          receipts_applied: piped!.applied,
          receipts_per_s: Math.round(perS),
          activity_calls: piped!.calls,
          one_batch_per_call_receipts_per_s: Math.round(singlePerS),
          raw_redis_writes_per_s: Math.round(rawPerS),
          ratio_vs_raw_redis: round(perS / rawPerS, 3),
          ratio_vs_one_batch_per_call: round(perS / singlePerS, 3),
          ...Object.fromEntries(names.map((n) => [`cpu_ms_per_1000_${n}`, round(cpuOf(pipedCpu, n), 2)])),
          cpu_ms_per_1000_total: round(pipedTotal, 2),
          ...Object.fromEntries(names.map((n) => [`one_batch_per_call_cpu_ms_per_1000_${n}`, round(cpuOf(singleCpu, n), 2)])),
          cpu_ceiling_receipts_per_s: Math.round(ceiling),
          ratio_ceiling_vs_one_batch_per_call: round(ceiling / singlePerS, 2),
        },
        notes: [
          'pollReceipts in-process, called as the poller calls it (idleMaxMs 60 s, poll interval 1 s): receipt.audit pages over HTTP (compiled validator), two in flight while a batch is applied → filter ours → domain applyReceipts → one Lua script per batch (CAS checkpoint + state + history + series), in checkpoint order.',
          'one_batch_per_call: the same with idleMaxMs 0 (one batch per call, nothing read ahead), same run.',
          'Medians of 3 alternating rounds (pipelined, one batch per call, raw), after a warm-up.',
          'CPU: cpu_ms_per_1000_<process> = CPU (user + system) per 1,000 receipts seen during the pipelined drains; this_process is the one JavaScript thread that fetches, parses and applies (as the worker does). cpu_ceiling_receipts_per_s = the lower of 1 core ÷ this_process and 2 cores ÷ total: the most this machine allows with that much work per receipt. Goal 5 asks for 2× one_batch_per_call; ratio_ceiling_vs_one_batch_per_call shows whether that fits under the ceiling at all (below 2: only less work per receipt — in the node serialising pages and in this process parsing them — could get there).',
          mode === 'ours'
            ? 'Profile (issue 14, 2-core machine shared at load 10–15): before, one 1,000-receipt batch took ~16.6 ms one step after another — receipt.audit 7.6 (the node serialising ~250 KB, HTTP, JSON.parse ~1, compiled validation + amounts 0.3–0.8), latest_header 1.2, three state reads 4.6, the Lua apply 1.4, six small Redis round trips 1.1. Now the apply side is ~4 round trips and overlaps the reads; CPU per batch: this process 6.7 ms, the node 6.5, Redis 1.3 — reading and parsing the page (the node and this process) bounds it.'
            : 'Profile (same): before ~19.6 ms per batch — the apply 7.3 (this process ~3.4 ms CPU: receipt JSON and 2,000 script arguments; Redis 1.2–1.8 ms for the script), receipt.audit 7.1, state reads 2.1, header 1.3, round trips 0.9. CPU per batch now: this process 10.2 ms, the node 6.8, Redis 2.5. One script argument for all receipts (split in Lua) was tried and was slower on both sides.',
          'Baseline: LPUSH of the same 1,000 JSON records + a checkpoint HSET in one MULTI per batch.',
          mode === 'all'
            ? "Worst case: the bench rewrites every receipt's consumer to our account, so each one is accounted and written to history."
            : `Our account is one provider among 13 in background receipts.`,
        ],
      });
    }
    redis.destroy();
    return sections;
  } finally {
    await stack.stop();
  }
}

export const run = receiptThroughput;
