/**
 * Issue 4 figures, each beside a baseline from the same run:
 * - receipts/s through fetch + apply (the poller's activity, one worker's worth) beside raw Redis
 *   writes of the same records;
 * - POST /api/operations latency beside POST /api/runs of a no-op workflow on the same Temporal
 *   server, and operations confirmed/s end to end (HTTP → workflow → devnet → receipt → poller →
 *   signal → CONFIRMED).
 */
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import { createChainClient, type ChainClient } from '@blockops/chain';
import { createAccountingStore } from '@blockops/accounts';
import { MARKETS } from '@blockops/domain';
import { connectRedis } from '@blockops/events';
import { startTestStack } from '@blockops/stack';
import { Client, Connection } from '@temporalio/client';
import { createWorkerMetrics } from '../apps/worker/src/metrics';
import { createEmergencyStore } from '@blockops/emergency';
import { createReceiptActivities } from '../apps/worker/src/activities/receipts';
import type { BenchSection } from './run';
import { percentile, round } from './stats';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const ACCOUNT = '0xblockops';

async function receiptThroughput(): Promise<BenchSection[]> {
  const stack = await startTestStack({ services: ['redis', 'devnet'], devnetArgs: ['--block-interval-ms', '3600000', '--seed', '8'] });
  try {
    const redis = await connectRedis(stack.env.REDIS_URL!);
    const chain = createChainClient({ url: stack.env.THEBLOCK_RPC_URL!, timeoutMs: 30_000 });
    await chain.dev.mine({ blocks: 10_000 }); // ~40,000 receipts
    const head = (await chain.light.latestHeader()).height;
    const total = (await chain.receipt.audit({ from_height: 1, to_height: head, limit: 1 })).total;
    const sections: BenchSection[] = [];

    for (const mode of ['ours', 'all'] as const) {
      const prefix = `bench:${mode}:${Date.now()}`;
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
      const t0 = performance.now();
      for (;;) {
        const r = await activities.pollReceipts({ batchSize: 1000 });
        seen += r.seen;
        applied += r.count;
        if (r.caughtUp) break;
      }
      const seconds = (performance.now() - t0) / 1000;
      const keys = await redis.keys(`${prefix}*`);
      if (keys.length) await redis.del(keys);

      // Baseline: the same records written raw (one MULTI of LPUSHes per 1,000), no fetch, no logic
      const rawKey = `${prefix}:raw`;
      const page = await chain.receipt.audit({ from_height: 1, to_height: head, limit: 1000 });
      const records = page.receipts.map((r) => JSON.stringify(r));
      const r0 = performance.now();
      for (let written = 0; written < seen; written += records.length) {
        await redis.multi().lPush(rawKey, records).hSet(`${rawKey}:cp`, 'h', String(written)).exec();
      }
      const rawSeconds = (performance.now() - r0) / 1000;
      await redis.del([rawKey, `${rawKey}:cp`]);

      sections.push({
        title: `Receipts through fetch + apply, batches of 1,000 (${mode === 'ours' ? 'our share of receipts applied' : 'every receipt applied'})`,
        figures: {
          receipts_on_chain: total,
          receipts_seen: seen,
          receipts_applied: applied,
          receipts_per_s: Math.round(seen / seconds),
          raw_redis_writes_per_s: Math.round(seen / rawSeconds),
          ratio_vs_raw_redis: round(seen / seconds / (seen / rawSeconds), 3),
        },
        notes: [
          'One pollReceipts activity call per batch, in-process: receipt.audit over HTTP (zod-validated) → filter ours → domain applyReceipts → one Lua script (CAS checkpoint + state + history + series).',
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

async function operationsEndToEnd(): Promise<BenchSection[]> {
  const stack = await startTestStack({
    env: { RECEIPT_POLL_INTERVAL_MS: '200', OPERATION_POLL_INTERVAL_MS: '2000', TB_STARTING_BALANCE: '100000000' },
    devnetArgs: ['--block-interval-ms', '100', '--confirm-blocks', '2', '--seed', '9'],
  });
  try {
    const web = stack.urls.web!;
    const post = async (path: string, body: unknown) => {
      const t = performance.now();
      const res = await fetch(`${web}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      const json = (await res.json()) as Record<string, unknown>;
      return { ms: performance.now() - t, status: res.status, json };
    };
    // warm-up
    for (let i = 0; i < 3; i++) {
      await post('/api/runs', { workflowType: 'noop' });
      await post('/api/operations', { market: 'compute', estimatedCost: '1' });
    }
    const N = 40;
    const noop: number[] = [];
    const ops: number[] = [];
    for (let i = 0; i < N; i++) {
      noop.push((await post('/api/runs', { workflowType: 'noop' })).ms);
      const r = await post('/api/operations', {
        market: MARKETS[i % MARKETS.length],
        estimatedCost: String(1 + (i % 5)),
      });
      if (r.status !== 202) throw new Error(`operation not accepted: ${r.status} ${JSON.stringify(r.json)}`);
      ops.push(r.ms);
    }

    // throughput at each concurrency: M operations submitted c at a time; confirmed/s from the first
    // submit to the last confirmation, beside no-op workflows run to completion c at a time
    const connection = await Connection.connect({ address: stack.env.TEMPORAL_ADDRESS! });
    const client = new Client({ connection });
    const M = 160;
    let expected = 3 + N; // every operation of this run, warm-up included
    const throughput: BenchSection[] = [];
    for (const concurrency of [8, 32]) {
      const t0 = performance.now();
      let next = 0;
      await Promise.all(
        Array.from({ length: concurrency }, async () => {
          while (next < M) {
            const i = next++;
            const r = await post('/api/operations', { market: 'compute', estimatedCost: String(1 + (i % 3)) });
            if (r.status !== 202) throw new Error(`operation not accepted: ${r.status}`);
          }
        }),
      );
      const submittedS = (performance.now() - t0) / 1000;
      expected += M;
      let confirmed = 0;
      for (let i = 0; i < 1200 && confirmed < expected; i++) {
        confirmed = ((await (await fetch(`${web}/api/operations/confirmed?limit=1`)).json()) as { total: number }).total;
        if (confirmed < expected) await sleep(50);
      }
      const allS = (performance.now() - t0) / 1000;

      let nextNoop = 0;
      const n0 = performance.now();
      await Promise.all(
        Array.from({ length: concurrency }, async () => {
          while (nextNoop < M) {
            const i = nextNoop++;
            await client.workflow.execute('noop', {
              taskQueue: stack.names.taskQueue,
              workflowId: `bench-noop-${Date.now()}-${concurrency}-${i}`,
            });
          }
        }),
      );
      const noopPerS = M / ((performance.now() - n0) / 1000);
      throughput.push({
        title: `Operations end to end: submitted → confirmed by receipt, concurrency ${concurrency}`,
        figures: {
          operations: M,
          concurrency,
          submitted_per_s: round(M / submittedS, 1),
          confirmed_of_all_submitted: `${confirmed} of ${expected}`,
          confirmed_per_s: round(M / allS, 1),
          noop_workflows_completed_per_s: round(noopPerS, 1),
          ratio_confirmed_vs_noop: round(M / allS / noopPerS, 2),
          goal_ratio: 0.5,
          machine_load_avg_1m: round(os.loadavg()[0]!, 1),
        },
        notes: [
          'Devnet blocks every 100 ms, receipts 2 blocks after submit; the poller polls every 200 ms when caught up.',
          `Subject: ${M} POST /api/operations, ${concurrency} at a time, timed from the first submit until /api/operations/confirmed counts them all.`,
          `Baseline: client.workflow.execute(noop), ${concurrency} at a time, same Temporal dev server (SQLite) and worker, right after; everything shares 2 cores.`,
        ],
      });
    }
    await connection.close();
    return [
      {
        title: 'POST /api/operations (Update-with-Start: gate, reservation, submit) vs POST /api/runs noop, same server',
        figures: {
          requests_each: N,
          operations_p50_ms: round(percentile(ops, 50)),
          operations_p99_ms: round(percentile(ops, 99)),
          noop_start_p50_ms: round(percentile(noop, 50)),
          noop_start_p99_ms: round(percentile(noop, 99)),
          ratio_p50_vs_noop_start: round(percentile(ops, 50) / percentile(noop, 50), 2),
        },
        notes: [
          'Sequential requests over loopback; the operation answer waits for admission: the emergency check, gate, reservation and the devnet submit, all local activities of the first workflow task (no server round trip between them).',
        ],
      },
      ...throughput,
    ];
  } finally {
    await stack.stop();
  }
}

export async function run(): Promise<BenchSection[]> {
  return [...(await receiptThroughput()), ...(await operationsEndToEnd())];
}
