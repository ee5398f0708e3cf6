/**
 * P&L figures, each beside a baseline from the same run:
 * - cost per receipt of the pure accounting (domain applyReceipts), 1,000,000 receipts in batches
 *   of 1,000, beside a bare loop over the same receipts;
 * - receipts/s through the accounting store (applyBatch: snapshot read, domain apply, one Lua
 *   script with the checkpoint CAS, state, history lists and series point) in batches of 1,000,
 *   beside raw Redis writes of the same records (one MULTI of LPUSH + LTRIM per batch).
 */
import { performance } from 'node:perf_hooks';
import { createAccountingStore } from '@blockops/accounts';
import { MARKETS, applyReceipts, initialAccounting, type AccountingReceipt } from '@blockops/domain';
import { connectRedis, type RedisClient } from '@blockops/events';
import { startTestStack } from '@blockops/stack';
import { checkBatch, prepareBatch } from '../packages/accounts/src/apply-batch';
import type { BenchSection } from './run';
import { percentile, round } from './stats';

const BATCH = 1000;

/** One batch of receipts covering blocks from+1..from+10, shaped like the poller's. */
function batchOf(from: number): AccountingReceipt[] {
  return Array.from({ length: BATCH }, (_, i) => ({
    id: `rcpt-${from}-${i}-${(from * 7919 + i).toString(16)}`,
    market: MARKETS[(from + i) % 4]!,
    blockHeight: from + 1 + Math.floor(i / 100),
    timestamp: 1_700_000_000 + from + i,
    direction: i % 3 ? 'spend' : 'earn',
    amount: ((i * 37) % 997) / 7 + 0.01,
    units: (i % 50) + 1,
    subsidy: i % 10 ? undefined : 0.125,
  }));
}

function pnlCost(): BenchSection {
  const pool = Array.from({ length: 10 }, (_, k) => batchOf(k * 10)); // a few distinct batches, not one hot one
  const N = 1000; // batches → 1,000,000 receipts
  let state = initialAccounting(100_000);
  for (let i = 0; i < 50; i++) state = applyReceipts(state, pool[i % pool.length]!); // warm-up
  const t0 = performance.now();
  for (let i = 0; i < N; i++) state = applyReceipts(state, pool[i % pool.length]!);
  const ms = performance.now() - t0;
  let sum = 0;
  const b0 = performance.now();
  for (let i = 0; i < N; i++)
    for (const r of pool[i % pool.length]!) sum += (r.direction === 'earn' ? r.amount : -r.amount) + (r.subsidy ?? 0);
  const bareMs = performance.now() - b0;
  const receipts = N * BATCH;
  return {
    title: 'P&L cost per receipt (domain applyReceipts, 1,000,000 receipts in batches of 1,000)',
    figures: {
      receipts,
      ms_per_receipt: Number((ms / receipts).toFixed(6)),
      bare_loop_ms_per_receipt: Number((bareMs / receipts).toFixed(6)),
      ratio_vs_bare_loop: round(ms / bareMs, 1),
      // printed so neither loop is dead code
      checksum_balance: round(state.balance + sum - sum, 2),
    },
    notes: ['Goal < 0.01 ms per receipt. Bare loop = summing signed amounts and subsidies over the same receipts, no state.'],
  };
}

async function storeThroughput(redis: RedisClient, prefix: string): Promise<BenchSection> {
  const store = createAccountingStore({ redis, prefix: `${prefix}:store`, startingBalance: 100_000 });
  const rawKey = `${prefix}:raw`;
  const historyMaxLen = 100_000; // the store's default, so both sides keep lists of the same length
  let height = 0;
  const storeMs: number[] = [];
  const rawMs: number[] = [];
  const prepareMs: number[] = [];

  const storeBatch = async (record: boolean) => {
    const receipts = batchOf(height);
    const t = performance.now();
    const res = await store.applyBatch({ fromCheckpoint: height, toHeight: height + 10, receipts });
    const ms = performance.now() - t;
    if (!res.applied || res.count !== BATCH) throw new Error(`batch at ${height} not applied`);
    height += 10;
    if (record) storeMs.push(ms);
  };
  const rawBatch = async (record: boolean, from: number) => {
    const receipts = batchOf(from);
    const t = performance.now();
    await redis
      .multi()
      .lPush(
        rawKey,
        receipts.map((r) => JSON.stringify(r)),
      )
      .lTrim(rawKey, 0, historyMaxLen - 1)
      .exec();
    if (record) rawMs.push(performance.now() - t);
  };

  for (let i = 0; i < 20; i++) {
    await storeBatch(false);
    await rawBatch(false, i * 10);
  }
  // interleaved rounds, so drift in the machine's load hits both sides alike
  const ROUNDS = 10;
  const PER_ROUND = 30;
  for (let round = 0; round < ROUNDS; round++) {
    for (let i = 0; i < PER_ROUND; i++) await storeBatch(true);
    for (let i = 0; i < PER_ROUND; i++) await rawBatch(true, (round * PER_ROUND + i) * 10);
  }
  // the Node half of applyBatch alone (validate, domain apply, JSON), for the split of the cost
  const { state } = await store.snapshot();
  for (let i = 0; i < 100; i++) {
    const receipts = batchOf(height + i * 10);
    const t = performance.now();
    prepareBatch(state, checkBatch({ fromCheckpoint: height + i * 10, toHeight: height + i * 10 + 10, receipts }), {
      historyMaxLen,
      seriesMaxLen: 10_000,
      now: Date.now(),
    });
    prepareMs.push(performance.now() - t);
  }
  const history = await store.history({ limit: 1, offset: 0 });
  await store.reset();
  await redis.del(rawKey);

  const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
  const receipts = storeMs.length * BATCH;
  const storeRps = receipts / (sum(storeMs) / 1000);
  const rawRps = (rawMs.length * BATCH) / (sum(rawMs) / 1000);
  return {
    title: 'Accounting store applyBatch into Redis, batches of 1,000, vs raw Redis writes of the same records',
    figures: {
      receipts_each: receipts,
      store_receipts_per_s: Math.round(storeRps),
      store_batch_p50_ms: round(percentile(storeMs, 50)),
      store_batch_p99_ms: round(percentile(storeMs, 99)),
      node_prepare_batch_p50_ms: round(percentile(prepareMs, 50)),
      raw_redis_receipts_per_s: Math.round(rawRps),
      raw_redis_batch_p50_ms: round(percentile(rawMs, 50)),
      raw_redis_batch_p99_ms: round(percentile(rawMs, 99)),
      ratio_vs_raw_redis: round(storeRps / rawRps, 3),
      history_kept: history.total,
    },
    notes: [
      'applyBatch = HMGET snapshot → validate + domain applyReceipts + JSON (node_prepare_batch) → one EVALSHA: checkpoint CAS, state hash, LPUSH+LTRIM of history and the per-market list, one series point.',
      'Baseline: JSON.stringify of the same 1,000 receipts + one MULTI { LPUSH 1,000; LTRIM } per batch, same connection, interleaved rounds.',
      'Upstream goal: ≥ 20,000 receipts/s through fetch + apply (this section is the apply half).',
    ],
  };
}

export async function run(): Promise<BenchSection[]> {
  const sections = [pnlCost()];
  const stack = await startTestStack({ services: ['redis'] });
  try {
    const redis = await connectRedis(stack.env.REDIS_URL!);
    try {
      sections.push(await storeThroughput(redis, `bench:pnl:${Date.now()}`));
    } finally {
      await redis.close();
    }
    return sections;
  } finally {
    await stack.stop();
  }
}
