/** The accounting store against real Redis: atomic, idempotent batches; history; series; reservations. */
import { randomUUID } from 'node:crypto';
import { applyReceipts, initialAccounting, type AccountingReceipt, type Market } from '@blockops/domain';
import { connectRedis, type RedisClient } from '@blockops/events';
import { createAccountingStore, createOperationsStore } from '../src';

let redis: RedisClient;
const stores: Array<{ reset(): Promise<void> }> = [];

beforeAll(async () => {
  redis = await connectRedis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
});
afterAll(async () => {
  for (const s of stores) await s.reset();
  redis.destroy();
});

function store(opts: { startingBalance?: number; seriesMaxLen?: number } = {}) {
  const s = createAccountingStore({ redis, prefix: `test:${randomUUID().slice(0, 8)}:acct`, startingBalance: opts.startingBalance ?? 1000, seriesMaxLen: opts.seriesMaxLen });
  stores.push(s);
  return s;
}

const markets: Market[] = ['compute', 'storage', 'energy', 'ad'];
const receipts = (from: number, n: number): AccountingReceipt[] =>
  Array.from({ length: n }, (_, i) => ({
    id: `r-${from}-${i}`,
    market: markets[i % 4]!,
    blockHeight: from + Math.floor(i / 3),
    timestamp: 1_700_000_000 + i,
    direction: i % 5 === 0 ? 'earn' : 'spend',
    amount: 1.1 + (i % 7),
    units: 10 + i,
    subsidy: i % 11 === 0 ? 0.3 : 0,
  }));

test('a batch advances the checkpoint and the state equals the pure recomputation', async () => {
  const s = store();
  const a = receipts(1, 30);
  const b = receipts(11, 30).map((r) => ({ ...r, id: `b-${r.id}` }));
  expect((await s.applyBatch({ fromCheckpoint: 0, toHeight: 10, receipts: a })).applied).toBe(true);
  const second = await s.applyBatch({ fromCheckpoint: 10, toHeight: 20, receipts: b });
  expect(second).toMatchObject({ applied: true, checkpoint: 20, count: 30 });
  const { checkpoint, state } = await s.snapshot();
  expect(checkpoint).toBe(20);
  expect(state).toEqual(applyReceipts(initialAccounting(1000), [...a, ...b]));
  expect((await s.summary()).positions.compute.avgCostPerUnit).toBeGreaterThan(0);
});

test('the same batch twice, or a stale one, changes nothing', async () => {
  const s = store();
  const batch = { fromCheckpoint: 0, toHeight: 5, receipts: receipts(1, 12) };
  await s.applyBatch(batch);
  const before = await s.snapshot();
  expect((await s.applyBatch(batch)).applied).toBe(false);
  expect((await s.applyBatch({ fromCheckpoint: 3, toHeight: 9, receipts: receipts(4, 3) })).applied).toBe(false);
  expect(await s.snapshot()).toEqual(before);
  expect((await s.history({ limit: 100, offset: 0 })).total).toBe(12);
});

test('two concurrent attempts at one batch: exactly one applies', async () => {
  const s = store();
  const batch = { fromCheckpoint: 0, toHeight: 4, receipts: receipts(1, 9) };
  const results = await Promise.all(Array.from({ length: 5 }, () => s.applyBatch(batch)));
  expect(results.filter((r) => r.applied)).toHaveLength(1);
  expect((await s.snapshot()).state.receiptsProcessed).toBe(9);
});

test('an empty batch advances the checkpoint without a series point', async () => {
  const s = store();
  expect(await s.applyBatch({ fromCheckpoint: 0, toHeight: 7, receipts: [] })).toMatchObject({ applied: true, checkpoint: 7, count: 0 });
  expect(await s.checkpoint()).toBe(7);
  expect(await s.series()).toEqual([]);
  await expect(s.applyBatch({ fromCheckpoint: 7, toHeight: 6, receipts: [] })).rejects.toThrow(/toHeight/);
});

test('history pages newest first with a market filter; the series is capped', async () => {
  const s = store({ seriesMaxLen: 3 });
  for (let h = 0; h < 5; h++) await s.applyBatch({ fromCheckpoint: h, toHeight: h + 1, receipts: receipts(h + 1, 4).map((r) => ({ ...r, id: `${h}-${r.id}` })) });
  const page = await s.history({ limit: 3, offset: 0 });
  expect(page.total).toBe(20);
  expect(page.items[0]!.id.startsWith('4-')).toBe(true);
  const energy = await s.history({ limit: 100, offset: 0, market: 'energy' });
  expect(energy.total).toBe(5);
  expect(energy.items.every((r) => r.market === 'energy')).toBe(true);
  const series = await s.series();
  expect(series.map((p) => p.height)).toEqual([3, 4, 5]);
  await expect(s.history({ limit: 5000, offset: 0 })).rejects.toThrow(/limit must be an integer from 1 to 1000/);
});

test('reservations: short balance names need and available; idempotent by id; concurrent reserves never over-reserve', async () => {
  const s = store({ startingBalance: 100 });
  expect(await s.reserve('big', 150)).toEqual({ ok: false, need: 150, available: 100 });
  expect(await s.reserve('a', 30)).toEqual({ ok: true, available: 70 });
  expect(await s.reserve('a', 30)).toEqual({ ok: true, available: 70 });
  const many = await Promise.all(Array.from({ length: 20 }, (_, i) => s.reserve(`c${i}`, 10)));
  expect(many.filter((r) => r.ok)).toHaveLength(7);
  expect(await s.available()).toBe(0);
  await s.release('a');
  await s.release('a');
  expect(await s.available()).toBe(30);
  await expect(s.reserve('x', -1)).rejects.toThrow(/amount/);
});

test('operations index: a record moves between status lists in one step', async () => {
  const prefix = `test:${randomUUID().slice(0, 8)}:acct`;
  const ops = createOperationsStore({ redis, prefix });
  stores.push(createAccountingStore({ redis, prefix, startingBalance: 0 }));
  const rec = { operationId: 'o1', workflowId: 'op-o1', market: 'compute', estimatedCost: 5, status: 'SUBMITTED' as const, submittedAt: 1, updatedAt: 1 };
  await ops.put(rec);
  expect((await ops.list('SUBMITTED', { limit: 10, offset: 0 })).items).toEqual([rec]);
  await ops.put({ ...rec, status: 'CONFIRMED', blockHeight: 9, actualCost: 4.8, updatedAt: 2 });
  expect((await ops.list('SUBMITTED', { limit: 10, offset: 0 })).total).toBe(0);
  expect((await ops.list('CONFIRMED', { limit: 10, offset: 0 })).items[0]).toMatchObject({ operationId: 'o1', actualCost: 4.8 });
  expect(await ops.counts()).toMatchObject({ SUBMITTED: 0, CONFIRMED: 1 });
});
