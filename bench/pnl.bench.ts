/**
 * P&L figures, each beside a baseline from the same run:
 * - cost per receipt of the exact accounting (domain applyReceipts on bigint micro-token units),
 *   1,000,000 receipts in batches of 1,000, beside the float accounting it replaced (kept below as
 *   a baseline only) and a bare loop over the same receipts — issue 9's goal: integer ≤ 1.2× float;
 * - receipts/s through the accounting store (applyBatch: snapshot read, domain apply, one Lua
 *   script with the checkpoint CAS, state, history lists and series point) in batches of 1,000,
 *   beside raw Redis writes of the same records (one MULTI of LPUSH + LTRIM per batch).
 */
import { performance } from 'node:perf_hooks';
import { createAccountingStore } from '@blockops/accounts';
import { MARKETS, applyReceipts, formatUnits, initialAccounting, type AccountingReceipt, type Market } from '@blockops/domain';
import { connectRedis, type RedisClient } from '@blockops/events';
import { startTestStack } from '@blockops/stack';
import { checkBatch, prepareBatch } from '../packages/accounts/src/apply-batch';
import { encodeReceipt } from '../packages/accounts/src/codec';
import type { BenchSection } from './run';
import { percentile, round } from './stats';

const BATCH = 1000;

/** One batch of receipts covering blocks from+1..from+10, shaped like the poller's; amounts in micro-token units. */
function batchOf(from: number): AccountingReceipt[] {
  return Array.from({ length: BATCH }, (_, i) => ({
    id: `rcpt-${from}-${i}-${(from * 7919 + i).toString(16)}`,
    market: MARKETS[(from + i) % 4]!,
    blockHeight: from + 1 + Math.floor(i / 100),
    timestamp: 1_700_000_000 + from + i,
    direction: i % 3 ? 'spend' : 'earn',
    amount: BigInt(Math.round((((i * 37) % 997) / 7) * 100)) * 10_000n + 10_000n, // 0.01–142.44, cents
    units: (i % 50) + 1,
    subsidy: i % 10 ? undefined : 125_000n,
  }));
}

// ---- baseline only: the float accounting blockops had before exact money (issue 9), as it was ----
interface FloatReceipt extends Omit<AccountingReceipt, 'amount' | 'subsidy'> {
  amount: number;
  subsidy?: number;
}
interface FloatPosition {
  totalSpent: number;
  totalEarned: number;
  unitsConsumed: number;
  subsidies: number;
  receipts: number;
}
interface FloatState {
  startingBalance: number;
  balance: number;
  positions: Record<Market, FloatPosition>;
  receiptsProcessed: number;
  lastHeight: number;
}
const floatInitial = (startingBalance: number): FloatState => ({
  startingBalance,
  balance: startingBalance,
  positions: Object.fromEntries(
    MARKETS.map((m) => [m, { totalSpent: 0, totalEarned: 0, unitsConsumed: 0, subsidies: 0, receipts: 0 }]),
  ) as Record<Market, FloatPosition>,
  receiptsProcessed: 0,
  lastHeight: 0,
});
function floatApplyReceipt(state: FloatState, r: FloatReceipt): FloatState {
  if (!(r.amount >= 0) || !Number.isFinite(r.amount)) throw new RangeError(`receipt ${r.id}: amount must be a finite number ≥ 0`);
  const p = { ...state.positions[r.market] };
  const subsidy = r.subsidy ?? 0;
  if (r.direction === 'spend') {
    p.totalSpent += r.amount;
    p.unitsConsumed += r.units ?? 0;
  } else {
    p.totalEarned += r.amount;
  }
  p.subsidies += subsidy;
  p.receipts += 1;
  const delta = (r.direction === 'earn' ? r.amount : -r.amount) + subsidy;
  return {
    ...state,
    balance: state.balance + delta,
    positions: { ...state.positions, [r.market]: p },
    receiptsProcessed: state.receiptsProcessed + 1,
    lastHeight: Math.max(state.lastHeight, r.blockHeight),
  };
}
const floatApplyReceipts = (state: FloatState, receipts: FloatReceipt[]) => receipts.reduce(floatApplyReceipt, state);
/** The float accounting again, shaped like the exact one (state copied once per batch): isolates what bigint itself costs. */
function floatApplyBatchCopy(state: FloatState, receipts: FloatReceipt[]): FloatState {
  const positions = {} as Record<Market, FloatPosition>;
  for (const m of MARKETS) positions[m] = { ...state.positions[m] };
  let lastHeight = state.lastHeight;
  for (const r of receipts) {
    if (!(r.amount >= 0) || !Number.isFinite(r.amount)) throw new RangeError(`receipt ${r.id}: amount must be a finite number ≥ 0`);
    const p = positions[r.market];
    if (r.direction === 'spend') {
      p.totalSpent += r.amount;
      p.unitsConsumed += r.units ?? 0;
    } else {
      p.totalEarned += r.amount;
    }
    if (r.subsidy !== undefined) p.subsidies += r.subsidy;
    p.receipts += 1;
    if (r.blockHeight > lastHeight) lastHeight = r.blockHeight;
  }
  const pnl = (p: FloatPosition) => p.totalEarned + p.subsidies - p.totalSpent;
  let balance = state.balance;
  for (const m of MARKETS) balance += pnl(positions[m]) - pnl(state.positions[m]);
  return { ...state, balance, positions, receiptsProcessed: state.receiptsProcessed + receipts.length, lastHeight };
}

function pnlCost(): BenchSection {
  const pool = Array.from({ length: 10 }, (_, k) => batchOf(k * 10)); // a few distinct batches, not one hot one
  const floatPool: FloatReceipt[][] = pool.map((b) =>
    b.map((r) => ({
      ...r,
      amount: Number(formatUnits(r.amount)),
      subsidy: r.subsidy === undefined ? undefined : Number(formatUnits(r.subsidy)),
    })),
  );
  const N = 1000; // batches per variant → 1,000,000 receipts each
  const ROUNDS = 10; // interleaved, so drift in the machine's load hits every variant alike
  let exact = initialAccounting(100_000_000_000n);
  let old = floatInitial(100_000);
  let shaped = floatInitial(100_000);
  let sum = 0;
  const ms = { integer: 0, float: 0, floatShaped: 0, bare: 0 };
  const time = (k: keyof typeof ms, fn: () => void) => {
    const t = performance.now();
    fn();
    ms[k] += performance.now() - t;
  };
  for (let i = 0; i < 100; i++) {
    // warm-up (JIT) of every variant
    exact = applyReceipts(exact, pool[i % 10]!);
    old = floatApplyReceipts(old, floatPool[i % 10]!);
    shaped = floatApplyBatchCopy(shaped, floatPool[i % 10]!);
  }
  exact = initialAccounting(100_000_000_000n);
  old = floatInitial(100_000);
  shaped = floatInitial(100_000);
  const per = N / ROUNDS;
  for (let round = 0; round < ROUNDS; round++) {
    const first = round * per;
    time('integer', () => {
      for (let i = first; i < first + per; i++) exact = applyReceipts(exact, pool[i % 10]!);
    });
    time('float', () => {
      for (let i = first; i < first + per; i++) old = floatApplyReceipts(old, floatPool[i % 10]!);
    });
    time('floatShaped', () => {
      for (let i = first; i < first + per; i++) shaped = floatApplyBatchCopy(shaped, floatPool[i % 10]!);
    });
    time('bare', () => {
      for (let i = first; i < first + per; i++)
        for (const r of floatPool[i % 10]!) sum += (r.direction === 'earn' ? r.amount : -r.amount) + (r.subsidy ?? 0);
    });
  }
  const receipts = N * BATCH;
  const perReceipt = (x: number) => Number((x / receipts).toFixed(6));
  return {
    title: 'P&L cost per receipt: exact (bigint units) vs the float accounting it replaced, 1,000,000 receipts in batches of 1,000',
    figures: {
      receipts,
      integer_ms_per_receipt: perReceipt(ms.integer),
      float_ms_per_receipt: perReceipt(ms.float),
      ratio_integer_vs_float: round(ms.integer / ms.float, 2),
      float_same_shape_ms_per_receipt: perReceipt(ms.floatShaped),
      ratio_integer_vs_float_same_shape: round(ms.integer / ms.floatShaped, 2),
      bare_loop_ms_per_receipt: perReceipt(ms.bare),
      // printed so no loop is dead code; the exact balance is exact, the float ones drift
      checksum_balance_exact: formatUnits(exact.balance),
      checksum_balance_float: old.balance,
      checksum_balance_float_same_shape: shaped.balance + sum - sum,
    },
    notes: [
      'Goal (issue 9): integer ≤ 1.2× float. integer = domain applyReceipts on bigint micro-token units (state copied once per batch, updated in place). float = the accounting before exact money (float amounts, a new state object per receipt), kept in this bench as the baseline only.',
      'float_same_shape = float amounts with the exact version’s structure: the difference to integer is what bigint arithmetic itself costs. Bare loop = summing signed float amounts and subsidies over the same receipts, no state.',
      'Variants interleaved in 10 rounds of 100 batches each, after a warm-up of 100 batches each.',
    ],
  };
}

async function storeThroughput(redis: RedisClient, prefix: string): Promise<BenchSection> {
  const store = createAccountingStore({ redis, prefix: `${prefix}:store`, startingBalance: 100_000_000_000n });
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
        receipts.map(encodeReceipt), // the records as the store writes them (amounts as integer unit strings)
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
      'Baseline: the same 1,000 receipts serialised as the store does (encodeReceipt) + one MULTI { LPUSH 1,000; LTRIM } per batch, same connection, interleaved rounds.',
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
