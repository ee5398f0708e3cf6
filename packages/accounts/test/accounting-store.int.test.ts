/** The accounting store against real Redis: atomic, idempotent batches; history; series; reservations. */
import { randomUUID } from 'node:crypto';
import {
  MARKETS,
  applyReceipts,
  avgCostPerUnit,
  initialAccounting,
  marketPnl,
  parseAmount,
  pnlSummary,
  type AccountingReceipt,
  type Units,
} from '@blockops/domain';
import { connectRedis, type RedisClient } from '@blockops/events';
import { ChainMismatchError, createAccountingStore, createOperationsStore, type AccountingStore, type OperationRecord } from '../src';
import { luaScript } from '../src/lua';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const filePrefix = `test:accounts:${randomUUID().slice(0, 8)}`;
let redis: RedisClient;
let n = 0;
/** A decimal amount as units. */
const t = (s: string): Units => parseAmount(s, { allowNegative: true });

beforeAll(async () => {
  redis = await connectRedis(REDIS_URL);
});
afterAll(async () => {
  await createAccountingStore({ redis, prefix: filePrefix, startingBalance: 0n }).reset();
  await redis.close();
});

function store(opts: { startingBalance?: Units; seriesMaxLen?: number; historyMaxLen?: number } = {}, client = redis): AccountingStore {
  return createAccountingStore({
    redis: client,
    prefix: `${filePrefix}:${++n}`,
    startingBalance: opts.startingBalance ?? t('1000'),
    seriesMaxLen: opts.seriesMaxLen,
    historyMaxLen: opts.historyMaxLen,
  });
}

/** `count` receipts spread over blocks from+1..to, every market and direction, awkward decimals (1.433333, 2.099999, …). */
const receipts = (from: number, to: number, count: number, tag = 'r'): AccountingReceipt[] =>
  Array.from({ length: count }, (_, i) => ({
    id: `${tag}-${from}-${i}`,
    market: MARKETS[i % 4]!,
    blockHeight: from + 1 + Math.floor((i * (to - from)) / count),
    timestamp: 1_700_000_000 + i,
    direction: i % 5 === 0 ? 'earn' : 'spend',
    amount: t('1.1') + BigInt(i % 7) * 333_333n,
    units: 10 + i,
    subsidy: i % 11 === 0 ? t('0.3') : undefined,
  }));

test('a batch advances the checkpoint and the state equals the pure recomputation', async () => {
  const s = store();
  expect(await s.checkpoint()).toBe(0);
  expect(await s.snapshot()).toEqual({ checkpoint: 0, state: initialAccounting(t('1000')) });
  const a = receipts(0, 10, 30);
  const b = receipts(10, 20, 30);
  const first = await s.applyBatch({ fromCheckpoint: 0, toHeight: 10, receipts: a });
  expect(first).toMatchObject({ applied: true, checkpoint: 10, count: 30 });
  expect(first.summary).toEqual(pnlSummary(applyReceipts(initialAccounting(t('1000')), a)));
  // the states the batch moved between, as the poller's risk check takes them
  expect(first.state).toEqual(applyReceipts(initialAccounting(t('1000')), a));
  expect(first.balanceBefore).toBe(t('1000'));
  expect(await s.applyBatch({ fromCheckpoint: 10, toHeight: 20, receipts: b })).toMatchObject({ applied: true, checkpoint: 20, count: 30 });

  const expected = applyReceipts(initialAccounting(t('1000')), [...a, ...b]);
  const { checkpoint, state } = await s.snapshot();
  expect(checkpoint).toBe(20);
  expect(state).toEqual(expected); // exact: units survive the round trip through Redis as integer strings
  const summary = await s.summary();
  expect(summary).toMatchObject({ ...pnlSummary(expected), checkpoint: 20 });
  for (const m of MARKETS) {
    expect(summary.positions[m]).toEqual({
      ...expected.positions[m],
      pnl: marketPnl(expected.positions[m]),
      avgCostPerUnit: avgCostPerUnit(expected.positions[m]),
    });
  }
});

test('the same batch twice changes nothing the second time', async () => {
  const s = store();
  const batch = { fromCheckpoint: 0, toHeight: 5, receipts: receipts(0, 5, 12) };
  expect((await s.applyBatch(batch)).applied).toBe(true);
  const before = {
    snap: await s.snapshot(),
    summary: await s.summary(),
    series: await s.series(),
    history: await s.history({ limit: 100, offset: 0 }),
  };
  const again = await s.applyBatch(batch);
  expect(again).toEqual({
    applied: false,
    checkpoint: 5,
    count: 0,
    summary: pnlSummary(before.snap.state),
    state: before.snap.state,
    balanceBefore: before.snap.state.balance,
    lateConfirmed: [],
  });
  expect({
    snap: await s.snapshot(),
    summary: await s.summary(),
    series: await s.series(),
    history: await s.history({ limit: 100, offset: 0 }),
  }).toEqual(before);
});

test('a stale batch, behind or ahead of the checkpoint, changes nothing', async () => {
  const s = store();
  await s.applyBatch({ fromCheckpoint: 0, toHeight: 5, receipts: receipts(0, 5, 6) });
  const before = await s.snapshot();
  expect(await s.applyBatch({ fromCheckpoint: 3, toHeight: 9, receipts: receipts(3, 9, 3) })).toMatchObject({
    applied: false,
    checkpoint: 5,
    count: 0,
  });
  expect(await s.applyBatch({ fromCheckpoint: 7, toHeight: 9, receipts: receipts(7, 9, 3) })).toMatchObject({
    applied: false,
    checkpoint: 5,
    count: 0,
  });
  expect(await s.snapshot()).toEqual(before);
  expect((await s.history({ limit: 100, offset: 0 })).total).toBe(6);
});

test('concurrent attempts at one checkpoint, from two connections: exactly one applies', async () => {
  const other = redis.duplicate();
  await other.connect();
  try {
    const prefixN = n + 1;
    const s1 = store();
    const s2 = createAccountingStore({ redis: other, prefix: `${filePrefix}:${prefixN}`, startingBalance: t('1000') });
    const a = receipts(0, 4, 9, 'a');
    const b = receipts(0, 4, 7, 'b');
    const results = await Promise.all([
      s1.applyBatch({ fromCheckpoint: 0, toHeight: 4, receipts: a }),
      s2.applyBatch({ fromCheckpoint: 0, toHeight: 4, receipts: b }),
      s1.applyBatch({ fromCheckpoint: 0, toHeight: 4, receipts: a }),
      s2.applyBatch({ fromCheckpoint: 0, toHeight: 4, receipts: b }),
    ]);
    const winners = results.filter((r) => r.applied);
    expect(winners).toHaveLength(1);
    const won = winners[0]!.count === 9 ? a : b;
    expect((await s1.snapshot()).state).toEqual(applyReceipts(initialAccounting(t('1000')), won));
    expect((await s1.history({ limit: 100, offset: 0 })).total).toBe(won.length);
    expect(await s1.series()).toHaveLength(1);
    for (const r of results.filter((x) => !x.applied)) expect(r.checkpoint).toBe(4);
  } finally {
    await other.close();
  }
});

test('an empty batch advances the checkpoint without a series point', async () => {
  const s = store();
  expect(await s.applyBatch({ fromCheckpoint: 0, toHeight: 7, receipts: [] })).toMatchObject({
    applied: true,
    checkpoint: 7,
    count: 0,
    summary: pnlSummary(initialAccounting(t('1000'))),
  });
  expect(await s.checkpoint()).toBe(7);
  expect(await s.series()).toEqual([]);
  expect((await s.applyBatch({ fromCheckpoint: 7, toHeight: 9, receipts: receipts(7, 9, 2) })).applied).toBe(true);
  expect((await s.series()).map((p) => p.height)).toEqual([9]);
});

test('duplicate receipt ids within a batch count once', async () => {
  const s = store();
  const rs = receipts(0, 3, 5);
  const res = await s.applyBatch({ fromCheckpoint: 0, toHeight: 3, receipts: [...rs, rs[0]!, rs[3]!] });
  expect(res).toMatchObject({ applied: true, count: 5 });
  expect((await s.snapshot()).state).toEqual(applyReceipts(initialAccounting(t('1000')), rs));
  expect((await s.history({ limit: 10, offset: 0 })).total).toBe(5);
});

test('history pages newest first, filters by market and counts the list read', async () => {
  const s = store();
  const all: AccountingReceipt[] = [];
  for (let h = 0; h < 5; h++) {
    const rs = receipts(h * 2, h * 2 + 2, 8);
    all.push(...rs);
    await s.applyBatch({ fromCheckpoint: h * 2, toHeight: h * 2 + 2, receipts: rs });
  }
  const newestFirst = [...all].reverse();
  const pages: AccountingReceipt[] = [];
  for (let offset = 0; offset < 40; offset += 7) {
    const page = await s.history({ limit: 7, offset });
    expect(page).toMatchObject({ total: 40, limit: 7, offset });
    pages.push(...page.items);
  }
  expect(pages).toEqual(newestFirst);
  expect((await s.history({ limit: 10, offset: 40 })).items).toEqual([]);

  const energy = await s.history({ limit: 3, offset: 2, market: 'energy' });
  expect(energy.total).toBe(10);
  expect(energy.items).toEqual(newestFirst.filter((r) => r.market === 'energy').slice(2, 5));
});

test('history lists are trimmed to historyMaxLen', async () => {
  const s = store({ historyMaxLen: 6 });
  await s.applyBatch({ fromCheckpoint: 0, toHeight: 2, receipts: receipts(0, 2, 5) });
  const rs = receipts(2, 4, 5);
  await s.applyBatch({ fromCheckpoint: 2, toHeight: 4, receipts: rs });
  const page = await s.history({ limit: 100, offset: 0 });
  expect(page.total).toBe(6);
  expect(page.items.slice(0, 5)).toEqual([...rs].reverse());
  expect((await s.snapshot()).state.receiptsProcessed).toBe(10); // trimming the list never touches the state
});

test('the series grows one point per non-empty batch, oldest first, capped at seriesMaxLen', async () => {
  const s = store({ seriesMaxLen: 3 });
  const t0 = Date.now();
  let state = initialAccounting(t('1000'));
  for (let h = 0; h < 5; h++) {
    const rs = receipts(h, h + 1, 4);
    state = applyReceipts(state, rs);
    await s.applyBatch({ fromCheckpoint: h, toHeight: h + 1, receipts: rs });
    expect(await s.series()).toHaveLength(Math.min(3, h + 1));
  }
  await s.applyBatch({ fromCheckpoint: 5, toHeight: 6, receipts: [] });
  const series = await s.series();
  expect(series.map((p) => p.height)).toEqual([3, 4, 5]);
  const last = series[2]!;
  const sum = pnlSummary(state);
  expect(last).toEqual({ t: last.t, height: 5, total: sum.total, byMarket: sum.byMarket, balance: state.balance });
  expect(last.t).toBeGreaterThanOrEqual(t0);
  expect((await s.series({ limit: 2 })).map((p) => p.height)).toEqual([4, 5]);
});

test('reservations: short balance names need and available; idempotent by id; release restores', async () => {
  const s = store({ startingBalance: t('100') });
  expect(await s.available()).toBe(t('100'));
  expect(await s.reserve('big', t('150'))).toEqual({ ok: false, need: t('150'), available: t('100') });
  expect(await s.reserve('a', t('30.000001'))).toEqual({ ok: true, available: t('69.999999') });
  expect(await s.reserve('a', t('30.000001'))).toEqual({ ok: true, available: t('69.999999') });
  expect(await s.reserve('a', t('50'))).toEqual({ ok: true, available: t('69.999999') }); // the first amount stands
  expect(await s.reserve('b', t('70'))).toEqual({ ok: false, need: t('70'), available: t('69.999999') });
  expect(await s.reservations()).toEqual({ a: t('30.000001') });
  expect(await s.reserved()).toBe(t('30.000001'));
  await s.release('a');
  await s.release('a');
  await s.release('never');
  expect(await s.reservations()).toEqual({});
  expect(await s.reserved()).toBe(0n);
  expect(await s.available()).toBe(t('100'));

  // available follows the applied balance
  const rs = receipts(0, 1, 3).map((r) => ({ ...r, direction: 'spend' as const, subsidy: undefined }));
  await s.applyBatch({ fromCheckpoint: 0, toHeight: 1, receipts: rs });
  const balance = applyReceipts(initialAccounting(t('100')), rs).balance;
  expect(await s.reserve('c', t('10'))).toEqual({ ok: true, available: balance - t('10') });
  expect(await s.available()).toBe(balance - t('10'));
});

test('concurrent reserves never over-reserve: 20 × 10 against 100 → exactly 10', async () => {
  const s = store({ startingBalance: t('100') });
  const other = redis.duplicate();
  await other.connect();
  try {
    const s2 = createAccountingStore({ redis: other, prefix: `${filePrefix}:${n}`, startingBalance: t('100') });
    const many = await Promise.all(Array.from({ length: 20 }, (_, i) => (i % 2 ? s : s2).reserve(`c${i}`, t('10'))));
    expect(many.filter((r) => r.ok)).toHaveLength(10);
    expect(many.filter((r) => !r.ok).every((r) => !r.ok && r.need === t('10') && r.available === 0n)).toBe(true);
    expect(await s.available()).toBe(0n);
    expect(Object.keys(await s.reservations())).toHaveLength(10);
  } finally {
    await other.close();
  }
});

test('reservations are exact above 2^53 units, where a double cannot tell one unit from the next', async () => {
  const huge = 5n * 10n ** 18n + 3n; // 5·10^12 tokens and 3 units
  const s = store({ startingBalance: huge });
  for (let i = 0; i < 5; i++) expect(await s.reserve(`big${i}`, 10n ** 18n)).toMatchObject({ ok: true });
  expect(await s.available()).toBe(3n);
  expect(await s.reserve('four', 4n)).toEqual({ ok: false, need: 4n, available: 3n });
  expect(await s.reserve('three', 3n)).toEqual({ ok: true, available: 0n });
  expect(await s.reserve('one', 1n)).toEqual({ ok: false, need: 1n, available: 0n });
  expect(await s.reserved()).toBe(huge);
  for (const id of Object.keys(await s.reservations())) await s.release(id);
  expect(await s.reserved()).toBe(0n);
  expect(await s.available()).toBe(huge);
});

test('a reserved total beyond int64 is refused by Redis, never wrapped, and changes nothing', async () => {
  const s = store({ startingBalance: 10n ** 20n });
  for (let i = 0; i < 9; i++) await s.reserve(`r${i}`, 10n ** 18n);
  await expect(s.reserve('r9', 10n ** 18n)).rejects.toThrow(/overflow/);
  expect(await s.reserved()).toBe(9n * 10n ** 18n);
  expect(Object.keys(await s.reservations())).toHaveLength(9);
});

test('bad arguments throw a RangeError naming the field, and write nothing', async () => {
  const s = store();
  await expect(s.applyBatch({ fromCheckpoint: 7, toHeight: 6, receipts: [] })).rejects.toThrow(RangeError);
  await expect(s.applyBatch({ fromCheckpoint: 7, toHeight: 6, receipts: [] })).rejects.toThrow(/toHeight/);
  await expect(s.applyBatch({ fromCheckpoint: -1, toHeight: 6, receipts: [] })).rejects.toThrow(/fromCheckpoint/);
  await expect(s.applyBatch({ fromCheckpoint: 0, toHeight: 1.5, receipts: [] })).rejects.toThrow(/toHeight/);
  const good = receipts(0, 3, 4);
  await expect(
    s.applyBatch({ fromCheckpoint: 0, toHeight: 3, receipts: [...good, { ...good[0]!, id: 'late', blockHeight: 4 }] }),
  ).rejects.toThrow(/receipts\[4\]\.blockHeight/);
  await expect(s.applyBatch({ fromCheckpoint: 0, toHeight: 3, receipts: [{ ...good[0]!, market: 'gold' as never }] })).rejects.toThrow(
    /receipts\[0\]\.market/,
  );
  await expect(
    s.applyBatch({ fromCheckpoint: 0, toHeight: 3, receipts: [...good, { ...good[1]!, id: 'neg', amount: -1n }] }),
  ).rejects.toThrow(/receipts\[4\]\.amount must be from 0/);
  await expect(
    s.applyBatch({ fromCheckpoint: 0, toHeight: 3, receipts: [...good, { ...good[1]!, id: 'float', amount: 1.5 as never }] }),
  ).rejects.toThrow(/receipts\[4\]\.amount must be a bigint/);
  await expect(
    s.applyBatch({ fromCheckpoint: 0, toHeight: 3, receipts: [...good, { ...good[1]!, id: 'nan', subsidy: NaN as never }] }),
  ).rejects.toThrow(/receipts\[4\]\.subsidy/);
  await expect(s.applyBatch({ fromCheckpoint: 0, toHeight: 3, receipts: [{ ...good[1]!, direction: 'refund' as never }] })).rejects.toThrow(
    /receipts\[0\]\.direction/,
  );
  // validation does not depend on the store's state: a stale bad batch throws too
  await expect(s.applyBatch({ fromCheckpoint: 9, toHeight: 10, receipts: [{ ...good[0]!, blockHeight: 3 }] })).rejects.toThrow(
    /receipts\[0\]\.blockHeight/,
  );
  expect(await s.snapshot()).toEqual({ checkpoint: 0, state: initialAccounting(t('1000')) });
  expect((await s.history({ limit: 10, offset: 0 })).total).toBe(0);

  await expect(s.history({ limit: 5000, offset: 0 })).rejects.toThrow(/limit must be an integer from 1 to 1000 \(got 5000\)/);
  await expect(s.history({ limit: 0, offset: 0 })).rejects.toThrow(/limit.*got 0/);
  await expect(s.history({ limit: 10, offset: -1 })).rejects.toThrow(/offset/);
  await expect(s.series({ limit: 10_001 })).rejects.toThrow(/limit.*10001/);
  for (const bad of [0n, -1n, 10n ** 18n + 1n, 1.5 as never]) await expect(s.reserve('x', bad)).rejects.toThrow(/amount must be a bigint/);
  expect(await s.reservations()).toEqual({});
});

test('a script the server does not hold yet runs through the EVAL fallback, then by SHA', async () => {
  const script = luaScript(`-- ${randomUUID()}\nreturn ARGV[1]`);
  expect(await script(redis, [], ['x'])).toBe('x');
  expect(await script(redis, [], ['y'])).toBe('y');
});

test('reset deletes every key of the prefix and nothing else', async () => {
  const s = store();
  const neighbour = store();
  await s.applyBatch({ fromCheckpoint: 0, toHeight: 2, receipts: receipts(0, 2, 3) });
  await s.reserve('r', 1n);
  await neighbour.applyBatch({ fromCheckpoint: 0, toHeight: 1, receipts: [] });
  await s.reset();
  expect(await s.snapshot()).toEqual({ checkpoint: 0, state: initialAccounting(t('1000')) });
  expect((await s.history({ limit: 10, offset: 0 })).total).toBe(0);
  expect(await s.series()).toEqual([]);
  expect(await s.reservations()).toEqual({});
  expect(await neighbour.checkpoint()).toBe(1);
});

test('operations index: a record moves between status lists in one step', async () => {
  const ops = createOperationsStore({ redis, prefix: `${filePrefix}:${++n}` });
  const rec: OperationRecord = {
    operationId: 'o1',
    workflowId: 'op-o1',
    market: 'compute',
    estimatedCost: t('5'),
    status: 'SUBMITTED',
    submittedAt: 1,
    updatedAt: 1,
  };
  await ops.put(rec);
  expect((await ops.list('SUBMITTED', { limit: 10, offset: 0 })).items).toEqual([rec]);
  await ops.put({ ...rec, status: 'CONFIRMED', blockHeight: 9, actualCost: t('4.8'), updatedAt: 2 });
  expect((await ops.list('SUBMITTED', { limit: 10, offset: 0 })).total).toBe(0);
  expect((await ops.list('CONFIRMED', { limit: 10, offset: 0 })).items[0]).toMatchObject({ operationId: 'o1', actualCost: t('4.8') });
  expect(await ops.counts()).toMatchObject({ SUBMITTED: 0, CONFIRMED: 1 });
});

test('operations index: several statuses list merged, newest first, paged across them', async () => {
  const ops = createOperationsStore({ redis, prefix: `${filePrefix}:${++n}` });
  const closed = ['EXPIRED', 'REJECTED', 'FAILED'] as const;
  for (let i = 0; i < 9; i++) {
    const status = closed[i % 3]!;
    await ops.put({
      operationId: `c${i}`,
      workflowId: `op-c${i}`,
      market: 'compute',
      estimatedCost: t('1'),
      status,
      submittedAt: i,
      updatedAt: 100 + i,
    });
  }
  await ops.put({
    operationId: 'p',
    workflowId: 'op-p',
    market: 'compute',
    estimatedCost: t('1'),
    status: 'SUBMITTED',
    submittedAt: 0,
    updatedAt: 999,
  });
  const all = await ops.list(closed, { limit: 100, offset: 0 });
  expect(all.total).toBe(9);
  expect(all.items.map((o) => o.operationId)).toEqual(['c8', 'c7', 'c6', 'c5', 'c4', 'c3', 'c2', 'c1', 'c0']);
  const page = await ops.list(closed, { limit: 3, offset: 4 });
  expect(page.items.map((o) => o.operationId)).toEqual(['c4', 'c3', 'c2']);
  expect(page.total).toBe(9);
  expect((await ops.list(['EXPIRED'], { limit: 10, offset: 0 })).items.map((o) => o.status)).toEqual(['EXPIRED', 'EXPIRED', 'EXPIRED']);
});

describe('operations and their charges', () => {
  const record = (id: string, status: 'SUBMITTED' | 'EXPIRED' | 'FAILED' | 'REJECTED' | 'CONFIRMED'): OperationRecord => ({
    operationId: id,
    workflowId: `op-${id}`,
    market: 'compute',
    estimatedCost: t('10'),
    units: 3,
    status,
    txHash: `0x${id}`,
    submittedAt: 1,
    updatedAt: 2,
  });
  const spend = (id: string, height: number, amount: string, _operationId: string): AccountingReceipt => ({
    id,
    market: 'compute',
    blockHeight: height,
    timestamp: 1_700_000_000,
    direction: 'spend',
    amount: t(amount),
    units: 3,
  });
  function pair() {
    const prefix = `${filePrefix}:${++n}`;
    return {
      accounts: createAccountingStore({ redis, prefix, startingBalance: t('1000') }),
      ops: createOperationsStore({ redis, prefix }),
    };
  }

  test('a receipt for an operation that had ended EXPIRED confirms it late, atomically with the booking', async () => {
    const { accounts, ops } = pair();
    await ops.put(record('late1', 'EXPIRED'));
    await ops.put(record('live1', 'SUBMITTED'));
    const r = await accounts.applyBatch({
      fromCheckpoint: 0,
      toHeight: 5,
      receipts: [spend('rc-1', 4, '9.5', 'late1'), spend('rc-2', 5, '11.25', 'live1')],
      charges: [
        { operationId: 'late1', receiptId: 'rc-1', blockHeight: 4, actualCost: t('9.5') },
        { operationId: 'live1', receiptId: 'rc-2', blockHeight: 5, actualCost: t('11.25') },
      ],
    });
    expect(r.applied).toBe(true);
    expect(r.lateConfirmed).toEqual([
      expect.objectContaining({
        operationId: 'late1',
        status: 'CONFIRMED',
        lateFrom: 'EXPIRED',
        blockHeight: 4,
        actualCost: t('9.5'),
        receiptId: 'rc-1',
      }),
    ]);
    // record, status lists, balance and the announcement queue agree
    expect(await ops.get('late1')).toMatchObject({
      status: 'CONFIRMED',
      lateFrom: 'EXPIRED',
      actualCost: t('9.5'),
      units: 3,
      txHash: '0xlate1',
    });
    expect((await ops.list('EXPIRED', { limit: 10, offset: 0 })).total).toBe(0);
    expect((await ops.list('CONFIRMED', { limit: 10, offset: 0 })).items.map((o) => o.operationId)).toEqual(['late1']);
    expect((await accounts.snapshot()).state.balance).toBe(t('1000') - t('9.5') - t('11.25')); // exact
    // a pending operation keeps its status (its workflow confirms it), but its charge is on record
    expect(await ops.get('live1')).toMatchObject({ status: 'SUBMITTED' });
    expect(await ops.charge('live1')).toEqual({ operationId: 'live1', receiptId: 'rc-2', blockHeight: 5, actualCost: t('11.25') });
    // … and its workflow's confirmation records which receipt booked it
    const confirmed = await ops.settle('live1', (before) => ({
      ...before!,
      status: 'CONFIRMED',
      blockHeight: 5,
      actualCost: t('11.25'),
      updatedAt: 3,
    }));
    expect(confirmed).toMatchObject({ status: 'CONFIRMED', blockHeight: 5, actualCost: t('11.25'), receiptId: 'rc-2' });
    expect(confirmed.lateFrom).toBeUndefined();
    expect((await accounts.unannounced()).map((o) => o.operationId)).toEqual(['late1']);
    await accounts.acknowledgeAnnounced(['late1']);
    expect(await accounts.unannounced()).toEqual([]);
  });

  test('closing an operation EXPIRED over a charge already booked records it CONFIRMED with the charge', async () => {
    const { accounts, ops } = pair();
    await ops.put(record('c1', 'SUBMITTED'));
    await accounts.applyBatch({
      fromCheckpoint: 0,
      toHeight: 3,
      receipts: [spend('rc-9', 3, '7.77', 'c1')],
      charges: [{ operationId: 'c1', receiptId: 'rc-9', blockHeight: 3, actualCost: t('7.77') }],
    });
    const settled = await ops.settle('c1', (before) => ({ ...before!, status: 'EXPIRED', reason: 'no receipt in time', updatedAt: 5 }));
    expect(settled).toMatchObject({ status: 'CONFIRMED', blockHeight: 3, actualCost: t('7.77'), receiptId: 'rc-9' });
    expect(settled.reason).toBeUndefined();
    expect(await ops.get('c1')).toEqual(settled);
    expect((await ops.list('EXPIRED', { limit: 10, offset: 0 })).total).toBe(0);
    // without a charge an expiry stays an expiry
    await ops.put(record('c2', 'SUBMITTED'));
    expect(await ops.settle('c2', (before) => ({ ...before!, status: 'EXPIRED', updatedAt: 6 }))).toMatchObject({ status: 'EXPIRED' });
  });

  test('a close racing a receipt: whichever lands first, the record ends CONFIRMED with the charge', async () => {
    for (let i = 0; i < 20; i++) {
      const { accounts, ops } = pair();
      const id = `race${i}`;
      await ops.put(record(id, 'SUBMITTED'));
      await Promise.all([
        accounts.applyBatch({
          fromCheckpoint: 0,
          toHeight: 2,
          receipts: [spend(`rr-${i}`, 2, '4.5', id)],
          charges: [{ operationId: id, receiptId: `rr-${i}`, blockHeight: 2, actualCost: t('4.5') }],
        }),
        ops.settle(id, (before) => ({ ...before!, status: 'EXPIRED', updatedAt: 9 })),
      ]);
      expect(await ops.get(id)).toMatchObject({ status: 'CONFIRMED', actualCost: t('4.5'), blockHeight: 2 });
      expect((await accounts.snapshot()).state.balance).toBe(t('995.5'));
    }
  });

  test('charges must belong to the batch, and a bad one writes nothing', async () => {
    const { accounts } = pair();
    await expect(
      accounts.applyBatch({
        fromCheckpoint: 0,
        toHeight: 2,
        receipts: [spend('a', 1, '1', 'x')],
        charges: [{ operationId: 'x', receiptId: 'not-in-batch', blockHeight: 1, actualCost: t('1') }],
      }),
    ).rejects.toThrow(/charges\[0\]\.receiptId/);
    expect(await accounts.checkpoint()).toBe(0);
  });
});

describe('chain identity', () => {
  const chainA = { chainId: 'devnet-1-aaaa', genesisHash: '0xaaa' };
  const chainB = { chainId: 'devnet-1-bbbb', genesisHash: '0xbbb' };

  test('the store records its chain on first use and refuses another, naming both and the reset', async () => {
    const s = store();
    expect(await s.bindChain(chainA)).toEqual({ outcome: 'bound' });
    expect(await s.bindChain(chainA)).toEqual({ outcome: 'same' });
    const err = await s.bindChain(chainB, { nodeUrl: 'http://node:9933' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ChainMismatchError);
    expect((err as Error).message).toContain('devnet-1-aaaa');
    expect((err as Error).message).toContain('devnet-1-bbbb');
    expect((err as Error).message).toContain('http://node:9933');
    expect((err as Error).message).toContain('npm run accounts:reset');
    expect(await s.chainIdentity()).toEqual(chainA);
  });

  test("a batch read from another chain is refused with nothing written; a store without a chain takes the batch's", async () => {
    const s = store();
    await s.bindChain(chainA);
    await expect(
      s.applyBatch({ fromCheckpoint: 0, toHeight: 3, receipts: receipts(0, 3, 4), genesisHash: '0xbbb' }),
    ).rejects.toBeInstanceOf(ChainMismatchError);
    expect(await s.checkpoint()).toBe(0);
    expect((await s.applyBatch({ fromCheckpoint: 0, toHeight: 3, receipts: receipts(0, 3, 4), genesisHash: '0xaaa' })).applied).toBe(true);

    const fresh = store();
    await fresh.applyBatch({ fromCheckpoint: 0, toHeight: 1, receipts: [], genesisHash: '0xccc' });
    expect((await fresh.position()).genesisHash).toBe('0xccc');
  });

  test('state from before chains were recorded is adopted by the first chain, with its checkpoint reported', async () => {
    const s = store();
    await s.applyBatch({ fromCheckpoint: 0, toHeight: 7, receipts: [] });
    expect(await s.bindChain(chainA)).toEqual({ outcome: 'adopted', checkpoint: 7 });
    expect(await s.bindChain(chainA)).toEqual({ outcome: 'same' });
  });
});
