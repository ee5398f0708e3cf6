/**
 * What the store keeps in Redis (integer unit strings, never a float), and a store written by the
 * previous format (floats): migrated exactly on start, or refused naming the key and what to do.
 */
import { randomUUID } from 'node:crypto';
import { MARKETS, parseAmount, type AccountingReceipt, type Units } from '@blockops/domain';
import { connectRedis, type RedisClient } from '@blockops/events';
import { StoreFormatError, createAccountingStore, createOperationsStore, ensureStoreFormat } from '../src';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const filePrefix = `test:accounts-format:${randomUUID().slice(0, 8)}`;
let redis: RedisClient;
let n = 0;
const t = (s: string): Units => parseAmount(s, { allowNegative: true });
const nextPrefix = () => `${filePrefix}:${++n}`;

beforeAll(async () => {
  redis = await connectRedis(REDIS_URL);
});
afterAll(async () => {
  for await (const keys of redis.scanIterator({ MATCH: `${filePrefix}:*`, COUNT: 1000 })) if (keys.length) await redis.del(keys);
  await redis.close();
});

const INTEGER = /^-?\d+$/;
const AMOUNT_FIELDS = new Set([
  'startingBalance',
  'balance',
  'totalSpent',
  'totalEarned',
  'subsidies',
  'amount',
  'subsidy',
  'total',
  'estimatedCost',
  'actualCost',
]);
/** Every amount field anywhere in a JSON value, with its path. */
function amountsIn(v: unknown, path = ''): Array<[string, unknown]> {
  if (Array.isArray(v)) return v.flatMap((x, i) => amountsIn(x, `${path}[${i}]`));
  if (v === null || typeof v !== 'object') return [];
  return Object.entries(v).flatMap(([k, x]) =>
    AMOUNT_FIELDS.has(k) || path.endsWith('byMarket') ? [[`${path}.${k}`, x] as [string, unknown]] : amountsIn(x, `${path}.${k}`),
  );
}

test('Redis holds every amount as an integer string of units: no float anywhere', async () => {
  const prefix = nextPrefix();
  expect(await ensureStoreFormat({ redis, prefix })).toEqual({ status: 'fresh' });
  const store = createAccountingStore({ redis, prefix, startingBalance: t('100000.5') });
  const ops = createOperationsStore({ redis, prefix });
  const receipts: AccountingReceipt[] = MARKETS.map((market, i) => ({
    id: `r${i}`,
    market,
    blockHeight: 1 + i,
    timestamp: 1,
    direction: i % 2 ? 'earn' : 'spend',
    amount: t('0.1') * BigInt(i + 1),
    units: 3,
    subsidy: i === 0 ? t('0.2') : undefined,
  }));
  await store.applyBatch({ fromCheckpoint: 0, toHeight: 5, receipts });
  await store.reserve('op-a', t('12.345678'));
  await ops.put({
    operationId: 'a',
    workflowId: 'op-a',
    market: 'compute',
    estimatedCost: t('12.345678'),
    status: 'SUBMITTED',
    submittedAt: 1,
    updatedAt: 1,
  });
  await ops.put({
    operationId: 'b',
    workflowId: 'op-b',
    market: 'ad',
    estimatedCost: t('1'),
    actualCost: t('0.99'),
    status: 'CONFIRMED',
    submittedAt: 1,
    updatedAt: 2,
  });
  // a receipt for an operation that had ended EXPIRED: its charge, late record and announcement are amounts too
  await ops.put({
    operationId: 'c',
    workflowId: 'op-c',
    market: 'energy',
    estimatedCost: t('2'),
    status: 'EXPIRED',
    submittedAt: 1,
    updatedAt: 3,
  });
  const late = await store.applyBatch({
    fromCheckpoint: 5,
    toHeight: 6,
    receipts: [{ id: 'rc', market: 'energy', blockHeight: 6, timestamp: 1, direction: 'spend', amount: t('2.01') }],
    charges: [{ operationId: 'c', receiptId: 'rc', blockHeight: 6, actualCost: t('2.01') }],
  });
  expect(late.lateConfirmed).toEqual([expect.objectContaining({ operationId: 'c', lateFrom: 'EXPIRED', actualCost: t('2.01') })]);

  const state = await redis.hGetAll(`${prefix}:state`);
  expect(state).toMatchObject({ format: '2', checkpoint: '6', balance: expect.stringMatching(INTEGER), reserved: '12345678' });
  const seen: Array<[string, unknown]> = [
    ['state.balance', state.balance],
    ['state.reserved', state.reserved],
    ...amountsIn(JSON.parse(state.state!), 'state'),
    ...Object.entries(await redis.hGetAll(`${prefix}:reservations`)),
    ...(await redis.lRange(`${prefix}:history`, 0, -1)).flatMap((j) => amountsIn(JSON.parse(j), 'history')),
    ...(await redis.lRange(`${prefix}:series`, 0, -1)).flatMap((j) => amountsIn(JSON.parse(j), 'series')),
    ...Object.values(await redis.hGetAll(`${prefix}:ops`)).flatMap((j) => amountsIn(JSON.parse(j), 'ops')),
    ...Object.values(await redis.hGetAll(`${prefix}:ops:charges`)).flatMap((j) => amountsIn(JSON.parse(j), 'charges')),
    ...Object.values(await redis.hGetAll(`${prefix}:ops:announce`)).flatMap((j) => amountsIn(JSON.parse(j), 'announce')),
  ];
  expect(Object.keys(await redis.hGetAll(`${prefix}:ops:charges`))).toEqual(['c']);
  expect(Object.keys(await redis.hGetAll(`${prefix}:ops:announce`))).toEqual(['c']);
  expect(seen.length).toBeGreaterThan(30);
  for (const [where, v] of seen) expect([where, typeof v === 'string' && INTEGER.test(v)]).toEqual([where, true]);
  expect(JSON.parse(state.state!).balance).toBe(
    (t('100000.5') - t('0.1') + t('0.2') + t('0.2') - t('0.3') + t('0.4') - t('2.01')).toString(),
  );
  expect(await ensureStoreFormat({ redis, prefix })).toEqual({ status: 'current' });
});

/** A store as the previous (float) blockops wrote it. */
async function writeFormat1(prefix: string, balance: number) {
  const position = (spent: number, earned: number, subsidies: number) => ({
    totalSpent: spent,
    totalEarned: earned,
    unitsConsumed: 10,
    subsidies,
    receipts: 2,
  });
  const state = {
    startingBalance: 1000,
    balance,
    positions: { compute: position(12.5, 0, 0.25), storage: position(0, 3.75, 0), energy: position(0, 0, 0), ad: position(0, 0, 0) },
    receiptsProcessed: 4,
    lastHeight: 9,
  };
  await redis.hSet(`${prefix}:state`, { checkpoint: '9', balance: String(balance), state: JSON.stringify(state), reserved: '7.5' });
  await redis.hSet(`${prefix}:reservations`, { 'op-x': '7.5' });
  const receipts = [
    { id: 'r1', market: 'compute', blockHeight: 3, timestamp: 1, direction: 'spend', amount: 12.5, units: 10, subsidy: 0.25 },
    { id: 'r2', market: 'storage', blockHeight: 9, timestamp: 2, direction: 'earn', amount: 3.75 },
  ];
  await redis.lPush(
    `${prefix}:history`,
    receipts.map((r) => JSON.stringify(r)),
  );
  await redis.lPush(`${prefix}:history:compute`, JSON.stringify(receipts[0]));
  await redis.lPush(`${prefix}:history:storage`, JSON.stringify(receipts[1]));
  await redis.rPush(
    `${prefix}:series`,
    JSON.stringify({ t: 5, height: 9, total: balance - 1000, byMarket: { compute: -12.25, storage: 3.75, energy: 0, ad: 0 }, balance }),
  );
  await redis.hSet(`${prefix}:ops`, {
    x: JSON.stringify({
      operationId: 'x',
      workflowId: 'op-x',
      market: 'compute',
      estimatedCost: 7.5,
      status: 'SUBMITTED',
      submittedAt: 1,
      updatedAt: 1,
    }),
    y: JSON.stringify({
      operationId: 'y',
      workflowId: 'op-y',
      market: 'compute',
      estimatedCost: 13,
      actualCost: 12.5,
      blockHeight: 3,
      status: 'CONFIRMED',
      submittedAt: 1,
      updatedAt: 2,
    }),
  });
  await redis.hSet(`${prefix}:ops:charges`, { y: JSON.stringify({ operationId: 'y', receiptId: 'r1', blockHeight: 3, actualCost: 12.5 }) });
  await redis.hSet(`${prefix}:ops:announce`, {
    y: JSON.stringify({
      operationId: 'y',
      workflowId: 'op-y',
      market: 'compute',
      estimatedCost: 13,
      actualCost: 12.5,
      blockHeight: 3,
      receiptId: 'r1',
      lateFrom: 'EXPIRED',
      status: 'CONFIRMED',
      submittedAt: 1,
      updatedAt: 2,
    }),
  });
}

test('a previous-format store whose floats are exact amounts is migrated exactly on start', async () => {
  const prefix = nextPrefix();
  await writeFormat1(prefix, 991.5);
  const store = createAccountingStore({ redis, prefix, startingBalance: t('1000') });
  await expect(store.snapshot()).rejects.toThrow(StoreFormatError); // never read as if it were current

  expect(await ensureStoreFormat({ redis, prefix })).toEqual({
    status: 'migrated',
    receipts: 2,
    points: 1,
    reservations: 1,
    operations: 2,
  });
  const { checkpoint, state } = await store.snapshot();
  expect(checkpoint).toBe(9);
  expect(state).toEqual({
    startingBalance: t('1000'),
    balance: t('991.5'),
    positions: {
      compute: { totalSpent: t('12.5'), totalEarned: 0n, unitsConsumed: 10, subsidies: t('0.25'), receipts: 2 },
      storage: { totalSpent: 0n, totalEarned: t('3.75'), unitsConsumed: 10, subsidies: 0n, receipts: 2 },
      energy: { totalSpent: 0n, totalEarned: 0n, unitsConsumed: 10, subsidies: 0n, receipts: 2 },
      ad: { totalSpent: 0n, totalEarned: 0n, unitsConsumed: 10, subsidies: 0n, receipts: 2 },
    },
    receiptsProcessed: 4,
    lastHeight: 9,
  });
  expect(await store.reservations()).toEqual({ 'op-x': t('7.5') });
  expect(await store.reserved()).toBe(t('7.5'));
  expect(await store.available()).toBe(t('984'));
  expect((await store.history({ limit: 10, offset: 0 })).items.map((r) => [r.id, r.amount, r.subsidy])).toEqual([
    ['r2', t('3.75'), undefined],
    ['r1', t('12.5'), t('0.25')],
  ]);
  expect((await store.history({ limit: 10, offset: 0, market: 'storage' })).items).toHaveLength(1);
  expect(await store.series()).toEqual([
    { t: 5, height: 9, total: t('-8.5'), byMarket: { compute: t('-12.25'), storage: t('3.75'), energy: 0n, ad: 0n }, balance: t('991.5') },
  ]);
  const ops = createOperationsStore({ redis, prefix });
  expect(await ops.get('y')).toMatchObject({ estimatedCost: t('13'), actualCost: t('12.5'), status: 'CONFIRMED' });
  expect(await ops.get('x')).toMatchObject({ estimatedCost: t('7.5') });
  expect(await ops.charge('y')).toEqual({ operationId: 'y', receiptId: 'r1', blockHeight: 3, actualCost: t('12.5') });
  expect(await store.unannounced()).toEqual([expect.objectContaining({ operationId: 'y', lateFrom: 'EXPIRED', actualCost: t('12.5') })]);
  // and it goes on from there: release, reserve, apply
  await store.release('op-x');
  expect(await store.available()).toBe(t('991.5'));
  expect(await store.applyBatch({ fromCheckpoint: 9, toHeight: 10, receipts: [] })).toMatchObject({ applied: true });
  expect(await ensureStoreFormat({ redis, prefix })).toEqual({ status: 'current' });
});

test('a previous-format store holding float residue is refused, naming the key and what to do, and left untouched', async () => {
  const prefix = nextPrefix();
  await writeFormat1(prefix, 7016.059999999998);
  const before = await redis.hGetAll(`${prefix}:state`);
  const err = await ensureStoreFormat({ redis, prefix, redisUrl: REDIS_URL }).then(
    () => undefined,
    (e: unknown) => e as Error,
  );
  expect(err).toBeInstanceOf(StoreFormatError);
  expect(err!.message).toContain(`the accounting store at ${prefix}:state was written by an older blockops with float amounts`);
  expect(err!.message).toContain('and state.balance: amount has more than 6 decimals (got 7016.059999999998): it cannot be read exactly');
  expect(err!.message).toContain(`redis-cli -u ${REDIS_URL} --scan --pattern '${prefix}:*' | xargs -r redis-cli -u ${REDIS_URL} del`);
  expect(await redis.hGetAll(`${prefix}:state`)).toEqual(before);
  expect(await redis.lRange(`${prefix}:history`, 0, -1)).toHaveLength(2);
  await expect(createAccountingStore({ redis, prefix, startingBalance: 0n }).snapshot()).rejects.toThrow(StoreFormatError);
});

test('a float in a list is refused naming that list', async () => {
  const prefix = nextPrefix();
  await writeFormat1(prefix, 991.5);
  await redis.rPush(`${prefix}:series`, JSON.stringify({ t: 6, height: 10, total: 0.1 + 0.2, byMarket: {}, balance: 991.5 }));
  await expect(ensureStoreFormat({ redis, prefix })).rejects.toThrow(`the accounting store at ${prefix}:series was written`);
  expect(await redis.hGet(`${prefix}:state`, 'format')).toBeNull();
});

test('a format this version does not know is refused', async () => {
  const prefix = nextPrefix();
  await redis.hSet(`${prefix}:state`, { format: '3', checkpoint: '1' });
  await expect(ensureStoreFormat({ redis, prefix })).rejects.toThrow(/has format "3", unknown to this blockops/);
});

test('processes starting together: one migrates, the others find it current', async () => {
  const prefix = nextPrefix();
  await writeFormat1(prefix, 991.5);
  const results = await Promise.all(Array.from({ length: 4 }, () => ensureStoreFormat({ redis, prefix })));
  expect(results.filter((r) => r.status === 'migrated')).toHaveLength(1);
  expect(results.filter((r) => r.status === 'current')).toHaveLength(3);
  expect((await createAccountingStore({ redis, prefix, startingBalance: 0n }).snapshot()).state.balance).toBe(t('991.5'));
});
