/** The treasury store against real Redis: intake all or nothing, chunk claims, atomic transitions, cross-batch dependencies. */
import { randomUUID } from 'node:crypto';
import { validateBatch, type ValidatedDisbursement } from '@blockops/domain';
import { connectRedis, type RedisClient } from '@blockops/events';
import { acceptBatch, createTreasuryStore, STORE_LAYOUT, type TreasuryStore } from '../src';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const filePrefix = `test:treasury:${randomUUID().slice(0, 8)}`;
let redis: RedisClient;
let n = 0;

beforeAll(async () => {
  redis = await connectRedis(REDIS_URL);
});
afterAll(async () => {
  for await (const keys of redis.scanIterator({ MATCH: `${filePrefix}:*`, COUNT: 1000 })) if (keys.length) await redis.del(keys);
  redis.destroy();
});

function store(executors = 8): TreasuryStore {
  return createTreasuryStore({
    redis,
    prefix: `${filePrefix}:${++n}`,
    executors: { prefix: `ex${n}`, count: executors },
    throttleDefaults: { maxInFlightChunks: 4, chunkSize: 100 },
  });
}

/** The options of a store, for a second one on the same keys (another process). */
const options = (s: TreasuryStore) => ({
  prefix: s.keys.prefix,
  executors: s.executors,
  throttleDefaults: { maxInFlightChunks: 4, chunkSize: 100 },
});

async function keyCount(s: TreasuryStore) {
  let count = 0;
  for await (const keys of redis.scanIterator({ MATCH: `${s.keys.prefix}:*`, COUNT: 1000 })) count += keys.length;
  return count;
}

type Raw = { id: string; amount?: string; memo?: string; destination?: string };
/** Validates like the API (against what the store already holds), then stores. */
async function submit(s: TreasuryStore, batchId: string, raw: Raw[]) {
  const body = { batchId, items: raw.map((r) => ({ destination: '0xabcd01', amount: '1.1', ...r })) };
  const ids = raw.flatMap((r) => [r.id, ...(r.memo?.replace('depends_on=', '').split(',') ?? [])]);
  const used = await s.lookupUsed(ids, batchId);
  const v = validateBatch(body, { idUsed: (id) => used.usedIds.has(id), batchUsed: () => used.batchUsed });
  if (!v.ok) throw new Error(JSON.stringify(v.issues));
  return s.intake({
    batchId,
    workflowId: `disburse-${batchId}`,
    items: v.items as ValidatedDisbursement[],
    totalUnits: v.totalUnits,
    levels: v.levels,
  });
}

test('intake stores the DAG: roots ready, counts, amounts exact; a reused batch id or item id writes nothing', async () => {
  const s = store();
  const r = await submit(s, 'b1', [{ id: 'a', amount: '0.1' }, { id: 'b', memo: 'depends_on=a', amount: '0.2' }, { id: 'c' }]);
  expect(r).toEqual({ ok: true, ready: 2, cancelled: [] });
  expect(await s.batchSummary('b1')).toMatchObject({
    status: 'RUNNING',
    total: 3,
    counts: { QUEUED: 3, EXECUTED: 0, CANCELLED: 0, FAILED: 0 },
    totalAmount: '1.4',
    executedAmount: '0',
    levels: 2,
  });
  const before = await keyCount(s);
  expect(await s.intake({ batchId: 'b1', workflowId: 'x', items: [], totalUnits: 0n, levels: 0 })).toEqual({
    ok: false,
    conflict: 'batch',
  });
  const v = validateBatch(
    {
      items: [
        { id: 'a', destination: '0xabcd01', amount: '1', memo: `long memo ${'x'.repeat(1100)}` }, // staged: longer than the chain memo
        { id: 'z', destination: '0xabcd01', amount: '1' },
      ],
    },
    {
      idUsed: () => false,
      batchUsed: () => false,
    },
  );
  if (!v.ok) throw new Error('valid');
  expect(await s.intake({ batchId: 'b2', workflowId: 'x', items: v.items, totalUnits: v.totalUnits, levels: 1 })).toEqual({
    ok: false,
    conflict: 'ids',
    ids: ['a'],
  });
  expect(await keyCount(s)).toBe(before); // the staged memo was removed too
  expect(await s.batchSummary('b2')).toBeUndefined();
  expect((await s.lookupUsed(['a', 'z'], 'b1')).usedIds).toEqual(new Set(['a']));
});

test('a chunk is claimed once: the same items, executors and nonces on every retry; one item per executor', async () => {
  const s = store(3);
  await submit(s, 'b', [{ id: 'x1' }, { id: 'x2' }, { id: 'x3' }, { id: 'x4' }, { id: 'x5' }]);
  const first = await s.claimChunk('b', '0.0', 10);
  expect(first.items).toHaveLength(3); // the pool has 3 executors: no executor gets a second item in flight
  expect(new Set(first.items.map((i) => i.executor)).size).toBe(3);
  expect(first.items.every((i) => i.nonce === 1 && i.status === 'QUEUED' && i.units === 1_100_000n)).toBe(true);
  expect(await s.claimChunk('b', '0.0', 10)).toEqual({ ...first, fresh: false });
  expect((await s.claimChunk('b', '1.0', 10)).items).toHaveLength(0); // every executor busy
  // a transient answer keeps the item, its executor and nonce
  const [a, b, c] = first.items;
  await s.recordResults('b', '0.0', [
    { id: a!.id, kind: 'E', txHash: '0xt1' },
    { id: b!.id, kind: 'T', error: 'unavailable' },
    { id: c!.id, kind: 'E', txHash: '0xt3' },
  ]);
  const again = await s.claimChunk('b', '0.0', 10);
  expect(again.items.map((i) => [i.id, i.status, i.executor, i.nonce, i.attempts])).toEqual([
    [a!.id, 'EXECUTED', a!.executor, 1, 1],
    [b!.id, 'QUEUED', b!.executor, 1, 1],
    [c!.id, 'EXECUTED', c!.executor, 1, 1],
  ]);
  // two executors were freed: the next chunk gets the next nonce of each
  const next = await s.claimChunk('b', '1.0', 10);
  expect(next.items.map((i) => i.executor).sort()).toEqual([a!.executor, c!.executor].sort());
  expect(next.items.every((i) => i.nonce === 2)).toBe(true);
  expect(await s.item(b!.id)).toMatchObject({ status: 'QUEUED', attempts: 1, lastError: 'unavailable' });
});

test('memos and reasons of any characters are stored whole (newlines, spaces, multibyte; a record packs its answers in one argument)', async () => {
  const s = store();
  const memos = {
    m1: 'line one\nline two  with  spaces \u00e9\u00e8 \ud83d\udcb8 \u6f22\u5b57',
    m2: '\n\nstarts with newlines and ends with one\n',
    m3: 'depends_on=m1\n',
  };
  const r = await submit(
    s,
    'pk',
    Object.entries(memos).map(([id, memo]) => ({ id, memo })),
  );
  expect(r).toMatchObject({ ok: true, ready: 2 });
  for (const [id, memo] of Object.entries(memos)) expect((await s.item(id))?.memo).toBe(memo);
  const c = await s.claimChunk('pk', '0.0', 10);
  expect(Object.fromEntries(c.items.map((i) => [i.id, i.chainMemo]))).toEqual({ m1: memos.m1, m2: memos.m2 });
  // a reason or error is kept on one line (the answers travel as lines of one argument)
  await s.recordResults('pk', '0.0', [
    { id: 'm1', kind: 'C', reason: 'refused:\nbad destination \ud83d\udcb8 (twice\r\n)' },
    { id: 'm2', kind: 'T', error: 'timeout\nafter 5 s' },
  ]);
  expect(await s.item('m1')).toMatchObject({ status: 'CANCELLED', reason: 'refused: bad destination \ud83d\udcb8 (twice )' });
  expect(await s.item('m2')).toMatchObject({ status: 'QUEUED', lastError: 'timeout after 5 s' });
  expect(await s.item('m3')).toMatchObject({ status: 'CANCELLED', rootCause: 'm1' });
});

test('a tx hash with a newline is recorded whole on one line: counts, executor, dependents and units all follow', async () => {
  const s = store(2);
  await submit(s, 'nl', [
    { id: 'n1', amount: '0.5' },
    { id: 'n2', memo: 'depends_on=n1' },
  ]);
  const c = await s.claimChunk('nl', '0.0', 10);
  const rec = await s.recordResults('nl', '0.0', [{ id: 'n1', kind: 'E', txHash: '0xab\ncd', units: 500_000n }]);
  expect(rec.changed).toEqual([{ id: 'n1', batchId: 'nl', status: 'EXECUTED', txHash: '0xab cd', nonce: c.items[0]!.nonce }]);
  expect(rec).toMatchObject({ readyLeft: 1, counts: { QUEUED: 1, EXECUTED: 1 } });
  expect(await s.batchSummary('nl')).toMatchObject({ executedAmount: '0.5' });
  expect(await redis.sCard(s.keys.freeExecutors)).toBe(2);
});

test('once a retry replays a chunk, a late command of its dead attempt claims nothing new (no round left without an owner)', async () => {
  const s = store();
  await submit(s, 'late', [{ id: 'l1' }, { id: 'l2' }, { id: 'l3' }, { id: 'l4' }]);
  const first = await s.claimChunk('late', '3.0', 2);
  expect(first.items.map((i) => i.id)).toEqual(['l1', 'l2']);
  // attempt 2 (the first timed out) replays round 0: the same items; round 1 was never claimed
  expect(await s.claimChunk('late', '3.0', 2, { replayOnly: true })).toEqual({ ...first, fresh: false });
  expect((await s.claimChunk('late', '3.1', 2, { replayOnly: true })).items).toEqual([]);
  expect(await redis.exists(s.keys.chunkReplayed('late', 3))).toBe(1);
  // attempt 1's record arrives late and asks for its next round, then claims one itself: refused both times
  const rec = await s.recordResults('late', '3.0', [{ id: 'l1', kind: 'E', txHash: '0x1' }], { claim: '3.1', size: 2 });
  expect(rec.changed.map((c) => c.id)).toEqual(['l1']);
  expect(rec.next?.items ?? []).toEqual([]);
  expect((await s.claimChunk('late', '3.2', 2)).items).toEqual([]);
  // the ready items stay for the next chunk the workflow starts
  expect(rec.readyLeft).toBe(2);
  expect((await s.claimChunk('late', '4.0', 2)).items.map((i) => i.id)).toEqual(['l3', 'l4']);
  // the fence goes with the batch's chunk records
  await s.recordResults('late', '3.0', [{ id: 'l2', kind: 'E', txHash: '0x2' }]);
  await s.recordResults('late', '4.0', [
    { id: 'l3', kind: 'E', txHash: '0x3' },
    { id: 'l4', kind: 'E', txHash: '0x4' },
  ]);
  // whether an attempt ended with its events published: read once by the next attempt
  expect(await s.takeChunkEnded('late', 3)).toBe(false);
  await s.markChunkEnded('late', 3);
  expect(await s.takeChunkEnded('late', 3)).toBe(true);
  expect(await s.takeChunkEnded('late', 3)).toBe(false);
  await s.markChunkEnded('late', 4);
  expect(await s.finish('late')).toEqual({ completed: true, queued: 0 });
  expect(await redis.exists([s.keys.chunkReplayed('late', 3), s.keys.chunkEnded('late', 4)])).toBe(0);
});

test('results are recorded once; a dependent becomes ready only when every dependency executed', async () => {
  const s = store();
  await submit(s, 'b', [
    { id: 'p', amount: '0.1' },
    { id: 'q', amount: '0.2' },
    { id: 'r', memo: 'depends_on=p,q', amount: '0.3' },
  ]);
  const c0 = await s.claimChunk('b', '0.0', 10);
  expect(c0.items.map((i) => i.id)).toEqual(['p', 'q']);
  const once = await s.recordResults('b', '0.0', [{ id: 'p', kind: 'E', txHash: '0xp' }]);
  expect(once.readyLeft).toBe(0);
  expect(once.changed).toEqual([{ id: 'p', batchId: 'b', status: 'EXECUTED', txHash: '0xp', nonce: c0.items[0]!.nonce }]);
  const dup = await s.recordResults('b', '0.0', [{ id: 'p', kind: 'E', txHash: '0xp' }]);
  expect(dup.changed).toEqual([]);
  // what a replay publishes again: resolved items as their record reported them (QUEUED ones left out)
  expect(await s.resolvedOf('b', ['p', 'q'])).toEqual(once.changed);
  expect(dup.counts).toEqual({ QUEUED: 2, EXECUTED: 1, CANCELLED: 0, FAILED: 0 });
  // a record from another chunk number (a stale attempt) changes nothing
  expect((await s.recordResults('b', '7.0', [{ id: 'q', kind: 'C', reason: 'x' }])).changed).toEqual([]);
  const done = await s.recordResults('b', '0.0', [{ id: 'q', kind: 'E', txHash: '0xq' }]);
  expect(done.readyLeft).toBe(1);
  const c1 = await s.claimChunk('b', '1.0', 10);
  expect(c1.items.map((i) => i.id)).toEqual(['r']);
  await s.recordResults('b', '1.0', [{ id: 'r', kind: 'E', txHash: '0xr' }]);
  expect(await s.batchSummary('b')).toMatchObject({ executedAmount: '0.6', counts: { QUEUED: 0, EXECUTED: 3 } });
  expect(await s.finish('b')).toEqual({ completed: true, queued: 0 });
  expect(await s.batchSummary('b')).toMatchObject({ status: 'COMPLETED', completedAt: expect.any(String) });
});

test('a round’s record claims the chunk’s next round in the same step, as a claim would (and a retry gets the same)', async () => {
  const s = store();
  await submit(s, 'b', [{ id: 'a' }, { id: 'b1', memo: 'depends_on=a' }, { id: 'c', memo: 'depends_on=b1' }, { id: 'd' }]);
  const c0 = await s.claimChunk('b', '0.0', 10);
  expect(c0.items.map((i) => i.id)).toEqual(['a', 'd']);
  const r = await s.recordResults('b', '0.0', [{ id: 'a', kind: 'E', txHash: '0xa' }], { claim: '0.1', size: 10 });
  expect(r.next).toMatchObject({ fresh: true, readyLeft: 0, items: [{ id: 'b1', status: 'QUEUED', attempts: 0 }] });
  const b1 = r.next!.items[0]!;
  expect(b1.executor).not.toBe(c0.items[1]!.executor); // d still holds its executor
  expect(b1.nonce).toBe(b1.executor === c0.items[0]!.executor ? 2 : 1); // a's executor was freed: its next nonce
  expect(r.next!.items[0]!.units).toBe(1_100_000n);
  expect(await s.claimChunk('b', '0.1', 10)).toEqual({ ...r.next, fresh: false });
  // a duplicated record changes nothing and claims nothing new: the round exists
  const dup = await s.recordResults('b', '0.0', [{ id: 'a', kind: 'E', txHash: '0xa' }], { claim: '0.1', size: 10 });
  expect(dup.changed).toEqual([]);
  expect(dup.next).toEqual({ ...r.next, fresh: false });
  const last = await s.recordResults('b', '0.1', [{ id: 'b1', kind: 'E', txHash: '0xb', units: 1_100_000n }]); // added as one sum
  expect(last.next).toBeUndefined();
  expect(last.readyLeft).toBe(1); // c, for whoever claims next
  expect((await s.item('a'))!.dependents).toEqual(['b1']);
  expect(await s.batchSummary('b')).toMatchObject({ executedAmount: '2.2' });
  // units that are not the store's never reach the sum: each executed item's own units are added
  const c = (await s.claimChunk('b', '1.0', 10)).items[0]!;
  expect(c.id).toBe('c');
  await s.recordResults('b', '1.0', [{ id: 'c', kind: 'E', txHash: '0xc', units: 999n }]);
  expect(await s.batchSummary('b')).toMatchObject({ executedAmount: '3.3' });
});

/**
 * Rewrites stored items as earlier versions kept them: a hash per item with its state (no ':it'
 * entry, ':st' entry or ':ib' name) and — the layout before that — no 'dn' field, the batch's own
 * dependents in the item's ':dn' set; remaining counts in the item hash.
 */
async function asEarlierLayout(s: TreasuryStore, batchId: string, ids: string[], extra: Record<string, Record<string, string>> = {}) {
  for (const id of ids) {
    const entry = (await redis.hGet(s.keys.items(batchId), id))!;
    const [idx, dest, units, level, deps, dn] = entry.split(' ');
    const state = await redis.hGet(s.keys.states(batchId), id);
    const rem = await redis.hGet(s.keys.remaining(batchId), id);
    const xdn = await redis.hGet(s.keys.laterDependents(batchId), id);
    const fields = {
      batch: batchId,
      idx,
      dest,
      units,
      level,
      deps,
      status: 'QUEUED',
      att: '0',
      cmemo: entry.split(' ').slice(6).join(' '),
      ...(rem !== null ? { rem } : {}),
      ...(xdn !== null ? { xdn } : {}),
      ...extra[id],
    };
    await redis.hSet(s.keys.item(id), fields as Record<string, string>);
    for (const d of dn ? dn.split(',') : []) await redis.sAdd(s.keys.dependents(id), `${batchId} ${d}`);
    expect(state).toBeNull();
    for (const k of [s.keys.items(batchId), s.keys.itemBatch, s.keys.remaining(batchId), s.keys.laterDependents(batchId)])
      await redis.hDel(k, id);
  }
}

test('items an earlier version stored (a hash per item, dependents in a set) move into their batch at start, then run as any', async () => {
  const s = store();
  await submit(s, 'old', [{ id: 'o1' }, { id: 'o2', memo: 'depends_on=o1' }, { id: 'o3', memo: 'depends_on=o2' }]);
  await submit(s, 'old2', [{ id: 'p1' }, { id: 'p2', memo: 'depends_on=p1' }, { id: 'p3' }]);
  await submit(s, 'later', [{ id: 'l1', memo: 'depends_on=o3' }]);
  await asEarlierLayout(s, 'old', ['o1', 'o2', 'o3']);
  // one executed, one still being retried after a transient error, one cancelled with its root cause
  await asEarlierLayout(s, 'old2', ['p1', 'p2', 'p3'], {
    p1: { status: 'EXECUTED', exec: 'ex-old', nonce: '4', chunk: '0.0', claimedAt: '1000', att: '1', at: '1500', tx: '0xp1' },
    p2: { status: 'CANCELLED', reason: 'dependency p0 did not execute: refused', root: 'p0', at: '1600', rem: '-1' },
    p3: { status: 'QUEUED', exec: 'ex-old2', nonce: '7', chunk: '0.0', claimedAt: '1000', att: '2', err: 'timeout' },
  });
  // an item not yet written whose later-batch dependent was noted in a hash of its own ('xdn' only)
  await submit(s, 'old3', [{ id: 'u1' }]);
  await submit(s, 'later3', [{ id: 'v1', memo: 'depends_on=u1' }]);
  await redis.hDel(s.keys.laterDependents('old3'), 'u1');
  await redis.hSet(s.keys.item('u1'), 'xdn', '1');
  await redis.del(s.keys.running); // an earlier version had no such index
  // two processes starting at once: one moves, the other waits for it
  const [a, b] = await Promise.all([s.upgradeLayout(), createTreasuryStore({ ...options(s), redis }).upgradeLayout()]);
  expect([a, b]).toContainEqual({ batches: 3, items: 7 });
  expect([a, b]).toContainEqual({ batches: 0, items: 0 });
  expect(await redis.exists(['o1', 'o2', 'o3', 'p1', 'p2', 'p3', 'u1'].map((id) => s.keys.item(id)))).toBe(0);
  // the index of running batches, which came with this layout, holds every batch not completed
  expect((await s.runningBatchIds()).sort()).toEqual(['later', 'later3', 'old', 'old2', 'old3']);
  expect(await s.upgradeLayout()).toEqual({ batches: 0, items: 0 });
  await s.claimChunk('old3', '0.0', 10);
  expect((await s.recordResults('old3', '0.0', [{ id: 'u1', kind: 'E', txHash: '0xu1' }])).others).toEqual([
    { batchId: 'later3', counts: { QUEUED: 1, EXECUTED: 0, CANCELLED: 0, FAILED: 0 } },
  ]);
  expect((await s.claimChunk('later3', '0.0', 10)).items.map((i) => i.id)).toEqual(['v1']);
  expect(await s.item('o2')).toMatchObject({ batchId: 'old', status: 'QUEUED', dependsOn: ['o1'], dependents: ['o3'], level: 1 });
  // o3's dependent in a later batch stays in its set
  expect(await s.item('o3')).toMatchObject({ dependents: ['l1'] });
  expect(await s.item('p1')).toMatchObject({ status: 'EXECUTED', executor: 'ex-old', nonce: 4, txHash: '0xp1', attempts: 1 });
  expect(await s.item('p2')).toMatchObject({ status: 'CANCELLED', rootCause: 'p0', reason: 'dependency p0 did not execute: refused' });
  expect(await s.item('p3')).toMatchObject({ status: 'QUEUED', executor: 'ex-old2', nonce: 7, attempts: 2, lastError: 'timeout' });
  // a claim made before the upgrade answers as it was; its record lands
  const again = await s.recordResults('old2', '0.0', [{ id: 'p3', kind: 'E', txHash: '0xp3' }]);
  expect(again.changed).toEqual([{ id: 'p3', batchId: 'old2', status: 'EXECUTED', txHash: '0xp3', nonce: 7 }]);
  // the moved chain runs: claimed, released level by level, and the later batch's dependent with it
  expect((await s.claimChunk('old', '0.0', 10)).items).toMatchObject([{ id: 'o1', destination: '0xabcd01', units: 1_100_000n }]);
  expect((await s.recordResults('old', '0.0', [{ id: 'o1', kind: 'E', txHash: '0x1' }])).readyLeft).toBe(1);
  await s.claimChunk('old', '1.0', 10);
  expect((await s.recordResults('old', '1.0', [{ id: 'o2', kind: 'E', txHash: '0x2' }])).readyLeft).toBe(1);
  await s.claimChunk('old', '2.0', 10);
  const last = await s.recordResults('old', '2.0', [{ id: 'o3', kind: 'C', reason: 'refused' }]);
  expect(last.changed.map((c) => [c.id, c.status, c.rootCause])).toEqual([
    ['o3', 'CANCELLED', undefined],
    ['l1', 'CANCELLED', 'o3'],
  ]);
  expect(await s.finish('old')).toEqual({ completed: true, queued: 0 });
});

test('the upgrade: a store marked by an earlier layout gets the running index, loses its per-status sets; a process that lost the lock writes nothing', async () => {
  const s = store();
  await submit(s, 'm1', [{ id: 'm1a' }, { id: 'm1b', memo: 'depends_on=m1a' }]);
  await submit(s, 'm2', [{ id: 'm2a' }]);
  // marked by the layout before the index (per-batch state already), the index missing
  await redis.set(s.keys.layout, '2');
  await redis.del(s.keys.running);
  expect(await s.runningBatchIds()).toEqual([]);
  expect(await s.upgradeLayout()).toEqual({ batches: 0, items: 0 });
  expect((await s.runningBatchIds()).sort()).toEqual(['m1', 'm2']);
  expect(await redis.get(s.keys.layout)).toBe(STORE_LAYOUT);

  // items of the layout before that, and a process whose lock another takes while it works
  await redis.del(s.keys.layout);
  await asEarlierLayout(s, 'm1', ['m1a', 'm1b']);
  const lock = `${s.keys.layout}:lock`;
  await expect(s.upgradeLayout({ beforeBatch: async () => void (await redis.set(lock, 'another process')) })).rejects.toThrow(
    'the upgrade lock expired or another process took it',
  );
  expect(await redis.exists([s.keys.item('m1a'), s.keys.item('m1b')])).toBe(2); // nothing moved
  expect(await redis.get(lock)).toBe('another process'); // not released by the one that lost it
  expect(await redis.get(s.keys.layout)).toBeNull();
  // the other process finishes: whoever waited sees the mark and moves nothing
  const waiting = s.upgradeLayout({ pollMs: 20 });
  await redis.set(s.keys.layout, STORE_LAYOUT);
  expect(await waiting).toEqual({ batches: 0, items: 0 });
  await redis.del([lock, s.keys.layout]);
  expect(await s.upgradeLayout()).toEqual({ batches: 1, items: 2 });
  expect(await s.item('m1b')).toMatchObject({ status: 'QUEUED', dependsOn: ['m1a'] });
  expect(await redis.exists(lock)).toBe(0);

  // a store at layout 3 kept a sorted set per status: they go, items and state untouched
  const sets = (b: string) => ['QUEUED', 'EXECUTED', 'CANCELLED', 'FAILED'].map((st) => `${s.keys.batch(b)}:s:${st}`);
  await redis.zAdd(sets('m1')[0]!, [
    { score: 0, value: 'm1a' },
    { score: 1, value: 'm1b' },
  ]);
  await redis.zAdd(sets('m2')[1]!, { score: 0, value: 'm2a' });
  await redis.set(s.keys.layout, '3');
  expect(await s.upgradeLayout()).toEqual({ batches: 0, items: 0 });
  expect(await redis.exists([...sets('m1'), ...sets('m2')])).toBe(0);
  expect(await redis.get(s.keys.layout)).toBe(STORE_LAYOUT);
  expect(await s.item('m1b')).toMatchObject({ status: 'QUEUED', dependsOn: ['m1a'] });
  // and a batch completing drops any an earlier version's worker left since
  await redis.zAdd(sets('m2')[0]!, { score: 0, value: 'm2a' });
  await s.claimChunk('m2', '0.0', 1);
  await s.recordResults('m2', '0.0', [{ id: 'm2a', kind: 'E', txHash: '0xm2a' }]);
  expect(await s.finish('m2')).toEqual({ completed: true, queued: 0 });
  expect(await redis.exists(sets('m2'))).toBe(0);
});

test('intake writes no key per item, nor does any transition: item state lives in its batch’s hashes, read from them', async () => {
  const s = store();
  await submit(s, 'lz', [
    { id: 'z1', memo: 'first' },
    { id: 'z2', memo: 'depends_on=z1' },
    { id: 'z3', memo: 'depends_on=z2' },
  ]);
  const before = await keyCount(s);
  expect(await s.item('z2')).toMatchObject({
    batchId: 'lz',
    status: 'QUEUED',
    dependsOn: ['z1'],
    dependents: ['z3'],
    attempts: 0,
    level: 1,
  });
  expect((await s.listItems('lz')).items.map((i) => [i.id, i.status, i.memo])).toEqual([
    ['z1', 'QUEUED', 'first'],
    ['z2', 'QUEUED', 'depends_on=z1'],
    ['z3', 'QUEUED', 'depends_on=z2'],
  ]);
  const c = await s.claimChunk('lz', '0.0', 10);
  expect(c.items).toMatchObject([{ id: 'z1', status: 'QUEUED', chainMemo: 'first', units: 1_100_000n, attempts: 0 }]);
  expect(await redis.hGet(s.keys.states('lz'), 'z1')).toBe(
    `QUEUED ${c.items[0]!.executor} ${c.items[0]!.nonce} 0.0 ${c.items[0]!.claimedAt} 0 `,
  );
  await s.recordResults('lz', '0.0', [{ id: 'z1', kind: 'F', reason: 'storage' }]);
  expect(await redis.exists(['z1', 'z2', 'z3'].map((id) => s.keys.item(id)))).toBe(0);
  expect(await s.item('z3')).toMatchObject({ status: 'CANCELLED', rootCause: 'z1' });
  expect((await s.graph('lz'))!.status).toEqual(['FAILED', 'CANCELLED', 'CANCELLED']);
  // once the batch completes, its ready list, remaining counts and claims go; the items stay readable
  expect(await s.finish('lz')).toEqual({ completed: true, queued: 0 });
  expect(await redis.exists([s.keys.ready('lz'), s.keys.remaining('lz'), `${s.keys.batch('lz')}:c:0.0`])).toBe(0);
  expect(await s.item('z2')).toMatchObject({ status: 'CANCELLED', memo: 'depends_on=z1' });
  expect(await s.item('z1')).toMatchObject({ status: 'FAILED', reason: 'storage', attempts: 1 });
  expect(await keyCount(s)).toBeLessThanOrEqual(before + 4); // ':st', ':why' and the batch's own keys, no key per item
});

test('a record’s executed items carry their own answers’ tx hashes and nonces, whatever else the answers hold', async () => {
  const s = store();
  await submit(s, 'tx', [{ id: 'ta' }, { id: 'tb' }, { id: 'tc' }, { id: 'td' }]);
  const claim = await s.claimChunk('tx', '0.0', 10);
  const nonceOf = new Map(claim.items.map((i) => [i.id, i.nonce]));
  const r = await s.recordResults('tx', '0.0', [
    { id: 'ta', kind: 'T', error: 'node busy' },
    { id: 'tb', kind: 'E', txHash: '0xb' },
    { id: 'stranger', kind: 'E', txHash: '0xs' }, // not of this claim: changes nothing
    { id: 'ta', kind: 'E', txHash: '0xa' }, // after its transient error, in the same record
    { id: 'tc', kind: 'C', reason: 'invalid destination' },
    { id: 'td', kind: 'E', txHash: '0xd1' },
    { id: 'td', kind: 'E', txHash: '0xd2' }, // answered twice: the first one executed it
  ]);
  expect(r.changed).toEqual([
    { id: 'tb', batchId: 'tx', status: 'EXECUTED', txHash: '0xb', nonce: nonceOf.get('tb') },
    { id: 'ta', batchId: 'tx', status: 'EXECUTED', txHash: '0xa', nonce: nonceOf.get('ta') },
    { id: 'td', batchId: 'tx', status: 'EXECUTED', txHash: '0xd1', nonce: nonceOf.get('td') },
    { id: 'tc', batchId: 'tx', status: 'CANCELLED', nonce: nonceOf.get('tc'), reason: 'invalid destination' },
  ]);
  // as the store holds them
  for (const [id, tx] of [
    ['ta', '0xa'],
    ['tb', '0xb'],
    ['td', '0xd1'],
  ] as const)
    expect(await s.item(id)).toMatchObject({ status: 'EXECUTED', txHash: tx, nonce: nonceOf.get(id) });
  expect(r.counts).toEqual({ QUEUED: 0, EXECUTED: 3, CANCELLED: 1, FAILED: 0 });
});

test('a cancelled item cancels its dependents transitively with itself as root cause; a failed one too', async () => {
  const s = store();
  await submit(s, 'b', [
    { id: 'root' },
    { id: 'd1', memo: 'depends_on=root' },
    { id: 'd2', memo: 'depends_on=d1' },
    { id: 'd3', memo: 'depends_on=d2,other' },
    { id: 'other' },
    { id: 'f' },
    { id: 'fd', memo: 'depends_on=f' },
  ]);
  await s.claimChunk('b', '0.0', 10);
  const r = await s.recordResults('b', '0.0', [
    { id: 'root', kind: 'C', reason: 'invalid destination: 0xabcd01' },
    { id: 'other', kind: 'E', txHash: '0xo' },
    { id: 'f', kind: 'F', reason: 'storage failure' },
  ]);
  // the items executed first (answer order), then each cancel or failure followed by its cascade
  expect(r.changed.map((c) => [c.id, c.status, c.rootCause])).toEqual([
    ['other', 'EXECUTED', undefined],
    ['root', 'CANCELLED', undefined],
    ['d1', 'CANCELLED', 'root'],
    ['d2', 'CANCELLED', 'root'],
    ['d3', 'CANCELLED', 'root'],
    ['f', 'FAILED', undefined],
    ['fd', 'CANCELLED', 'f'],
  ]);
  expect(r.changed.find((c) => c.id === 'd3')!.reason).toBe('dependency root did not execute: invalid destination: 0xabcd01');
  expect(r.counts).toEqual({ QUEUED: 0, EXECUTED: 1, CANCELLED: 5, FAILED: 1 });
  expect(await s.item('d3')).toMatchObject({ status: 'CANCELLED', rootCause: 'root', dependsOn: ['d2', 'other'] });
  // listed by status in batch order (a scan of the batch's state entries), with their root causes
  const cancelled = await s.listItems('b', { status: 'CANCELLED' });
  expect(cancelled.total).toBe(5);
  expect(cancelled.items.map((i) => [i.id, i.rootCause])).toEqual([
    ['root', undefined],
    ['d1', 'root'],
    ['d2', 'root'],
    ['d3', 'root'],
    ['fd', 'f'],
  ]);
  expect((await s.listItems('b', { status: 'FAILED' })).items.map((i) => i.id)).toEqual(['f']);
  expect((await s.cancelledItems('b')).map((c) => c.id)).toEqual(['root', 'd1', 'd2', 'd3', 'fd']);
  expect(await s.stats()).toMatchObject({ queued: 0, busyExecutors: 0 });
});

test('dependencies across batches: a later batch waits for an earlier queued item, and is cancelled at intake by a dead one', async () => {
  const s = store();
  await submit(s, 'early', [{ id: 'e1' }, { id: 'e2' }]);
  const late = await submit(s, 'late', [{ id: 'l1', memo: 'depends_on=e1' }, { id: 'l2' }]);
  expect(late).toMatchObject({ ok: true, ready: 1 });
  await s.claimChunk('early', '0.0', 10);
  const r = await s.recordResults('early', '0.0', [
    { id: 'e1', kind: 'E', txHash: '0x1' },
    { id: 'e2', kind: 'C', reason: 'insufficient treasury balance' },
  ]);
  expect(r.others).toEqual([{ batchId: 'late', counts: { QUEUED: 2, EXECUTED: 0, CANCELLED: 0, FAILED: 0 } }]);
  expect((await s.progress('late')).readyLeft).toBe(2);
  const dead = await submit(s, 'later', [
    { id: 'm1', memo: 'depends_on=e2' },
    { id: 'm2', memo: 'depends_on=m1' },
  ]);
  expect(dead).toMatchObject({
    ok: true,
    ready: 0,
    cancelled: [
      { id: 'm1', status: 'CANCELLED', rootCause: 'e2', reason: 'dependency e2 was cancelled earlier: insufficient treasury balance' },
      { id: 'm2', status: 'CANCELLED', rootCause: 'e2' },
    ],
  });
  expect(await s.finish('later')).toEqual({ completed: true, queued: 0 });
});

test('an item cancelled at intake by a dead dependency never becomes ready, whatever its other dependencies do', async () => {
  const s = store();
  await submit(s, 'd0', [{ id: 'dead' }]);
  await s.claimChunk('d0', '0.0', 10);
  await s.recordResults('d0', '0.0', [{ id: 'dead', kind: 'C', reason: 'invalid destination' }]);
  // y depends on the dead item and on z of its own batch
  const r = await submit(s, 'd1', [{ id: 'z' }, { id: 'y', memo: 'depends_on=dead,z' }]);
  expect(r).toMatchObject({ ok: true, ready: 1, cancelled: [{ id: 'y', status: 'CANCELLED', rootCause: 'dead' }] });
  const c = await s.claimChunk('d1', '0.0', 10);
  expect(c.items.map((i) => i.id)).toEqual(['z']);
  // z executes: y must not be released (it was, and was claimed and paid, before)
  const rec = await s.recordResults('d1', '0.0', [{ id: 'z', kind: 'E', txHash: '0xz' }], { claim: '0.1', size: 10 });
  expect(rec.next?.items ?? []).toEqual([]);
  expect(rec.readyLeft).toBe(0);
  expect(rec.counts).toEqual({ QUEUED: 0, EXECUTED: 1, CANCELLED: 1, FAILED: 0 });
  expect((await s.claimChunk('d1', '1.0', 10)).items).toEqual([]);
  expect(await s.item('y')).toMatchObject({ status: 'CANCELLED', rootCause: 'dead' });
  expect(await s.finish('d1')).toEqual({ completed: true, queued: 0 });
});

test('a claim takes only QUEUED items: anything else on a ready list is dropped and its executor kept free', async () => {
  const s = store(2);
  await submit(s, 'q', [{ id: 'q1' }, { id: 'q2' }, { id: 'q3', memo: 'depends_on=q1' }]);
  await s.claimChunk('q', '0.0', 1);
  await s.recordResults('q', '0.0', [{ id: 'q1', kind: 'F', reason: 'storage' }]); // q3 is cancelled
  // a ready list that (wrongly) holds a cancelled item, a legacy-layout one too
  await redis.rPush(s.keys.ready('q'), ['q3', 'q1']);
  const c = await s.claimChunk('q', '0.1', 10);
  expect(c.items.map((i) => [i.id, i.status])).toEqual([['q2', 'QUEUED']]);
  expect(await redis.sCard(s.keys.freeExecutors)).toBe(1); // q2 holds one of the two
  expect(await s.item('q3')).toMatchObject({ status: 'CANCELLED' });
  // nothing claimable: no round is recorded, so the same round can claim later
  expect((await s.claimChunk('q', '0.2', 10)).fresh).toBe(false);
  // an entry that does not read (a damaged store) is never sent, and costs no executor
  await submit(s, 'q-bad', [{ id: 'qb1' }]);
  await redis.hSet(s.keys.items('q-bad'), 'qb1', 'unreadable');
  const bad = await s.claimChunk('q-bad', '0.0', 10);
  expect([bad.items, bad.fresh]).toEqual([[], false]);
  expect(await redis.sCard(s.keys.freeExecutors)).toBe(1);
});

test('reads: items by status in batch order, the compact graph, batches newest first, the throttle', async () => {
  const s = store();
  await submit(s, 'g1', [{ id: 'n0' }, { id: 'n1', memo: 'depends_on=n0' }, { id: 'n2', memo: '{"depends_on":["n0","n1"]}' }]);
  await submit(s, 'g2', [{ id: 'o0', memo: 'depends_on=n2' }]);
  expect(await s.graph('g1')).toEqual({
    batchId: 'g1',
    ids: ['n0', 'n1', 'n2'],
    status: ['QUEUED', 'QUEUED', 'QUEUED'],
    edges: [
      [0, 1],
      [0, 2],
      [1, 2],
    ],
  });
  expect(await s.graph('g2')).toMatchObject({ ids: ['o0'], edges: [] }); // edges only inside the batch
  expect((await s.item('n2'))!.dependents).toEqual(['o0']);
  expect((await s.item('n0'))!.dependents).toEqual(['n1', 'n2']);
  expect((await s.item('n1'))!.memo).toBe('depends_on=n0'); // short: the chain memo is the whole memo
  await submit(s, 'g3', [{ id: 'lm', memo: 'L'.repeat(2000) }]);
  expect((await s.item('lm'))!.memo).toBe('L'.repeat(2000)); // long: kept whole beside the 1,024-byte chain memo
  expect((await s.listItems('g3')).items[0]!.memo).toBe('L'.repeat(1024));
  await s.claimChunk('g1', '0.0', 10);
  await s.recordResults('g1', '0.0', [{ id: 'n0', kind: 'E', txHash: '0xn0' }]);
  const queued = await s.listItems('g1', { status: 'QUEUED', limit: 1, offset: 1 });
  expect(queued).toMatchObject({ total: 2, items: [{ id: 'n2', status: 'QUEUED', dependsOn: ['n0', 'n1'], level: 2 }] });
  expect((await s.listItems('g1')).items.map((i) => i.id)).toEqual(['n0', 'n1', 'n2']);
  expect((await s.listItems('g1', { status: 'EXECUTED' })).items[0]).toMatchObject({
    txHash: '0xn0',
    executedAt: expect.any(String),
    attempts: 1,
  });
  expect((await s.listBatches()).batches.map((b) => b.batchId)).toEqual(['g3', 'g2', 'g1']);
  expect(await s.runningBatchIds()).toEqual(['g1', 'g2', 'g3']);
  expect(await s.throttle()).toEqual({ maxInFlightChunks: 4, chunkSize: 100, actor: 'config' });
  expect(await s.setThrottle({ chunkSize: 7, reason: 'node is slow' }, 'operator:ann')).toMatchObject({
    maxInFlightChunks: 4,
    chunkSize: 7,
    actor: 'operator:ann',
    reason: 'node is slow',
    updatedAt: expect.any(String),
  });
  await expect(s.listItems('g1', { limit: 10_001 })).rejects.toThrow('limit must be an integer from 1 to 10000');
});

test('reads of an id holding ":" never reach the store’s own keys: a batch’s entries or an item’s dependents set read as unknown', async () => {
  const s = store();
  await submit(s, 'r1', [{ id: 'x' }]);
  await submit(s, 'r2', [{ id: 'y', memo: 'depends_on=x' }]); // x gets its later-batch dependents set, '<prefix>:i:x:dn'
  expect(await redis.exists([`${s.keys.batch('r1')}:it`, s.keys.dependents('x')])).toBe(2);
  expect(await s.item('x:dn')).toBeUndefined();
  expect(await s.batchSummary('r1:it')).toBeUndefined();
  expect(await s.batchSummary('r1:order')).toBeUndefined();
  expect(await s.graph('r1:it')).toBeUndefined();
  expect(await s.listItems('r1:order')).toEqual({ items: [], total: 0 });
  // the batch and item themselves still read
  expect(await s.item('x')).toMatchObject({ id: 'x', dependents: ['y'] });
  expect(await s.batchSummary('r1')).toMatchObject({ batchId: 'r1', total: 1 });
});

test('nonce counters rise to the node’s last nonces, never fall', async () => {
  const s = store(2);
  expect(await s.raiseNonces({ [`ex${n}-0`]: 41, [`ex${n}-1`]: 0, stranger: 99 })).toBe(1);
  await submit(s, 'nb', [{ id: 'k1' }, { id: 'k2' }]);
  const c = await s.claimChunk('nb', '0.0', 2);
  expect(c.items.map((i) => i.nonce).sort((a, b) => a - b)).toEqual([1, 42]);
  expect(await s.raiseNonces({ [`ex${n}-0`]: 5 })).toBe(0);
  expect((await s.stats()).maxNonce).toBe(42);
});

test('acceptBatch syncs the nonces alongside the intake: the batch as stored for the workflow input; a failed or slow sync leaves it to the workflow', async () => {
  const s = store(2);
  await s.setThrottle({ maxInFlightChunks: 3, chunkSize: 7 }, 'test');
  await submit(s, 'early', [{ id: 'gone' }]);
  await s.claimChunk('early', '0.0', 1);
  await s.recordResults('early', '0.0', [{ id: 'gone', kind: 'C', reason: 'invalid destination' }]);
  const asked: string[] = [];
  const items = [
    { id: 'p1', destination: '0xabcd01', amount: '1.5' },
    { id: 'p2', destination: '0xabcd01', amount: '2', memo: 'depends_on=p1' },
    { id: 'p3', destination: '0xabcd01', amount: '3' },
    { id: 'p4', destination: '0xabcd01', amount: '4', memo: 'depends_on=gone' },
  ];
  const ok = await acceptBatch(
    s,
    { batchId: 'pb', items },
    {
      newBatchId: () => 'x',
      nodeNonces: async (prefix) => (asked.push(prefix), { [`ex${n}-0`]: 40, [`ex${n}-1`]: 3, stranger: 99 }),
    },
  );
  if (ok.kind !== 'accepted') throw new Error(JSON.stringify(ok));
  expect(asked).toEqual([`ex${n}-`]);
  // as stored: p4 cancelled at intake (its dependency was cancelled), p1 and p3 ready
  expect(ok.prepared).toEqual({
    counts: { QUEUED: 3, EXECUTED: 0, CANCELLED: 1, FAILED: 0 },
    readyLeft: 2,
    throttle: { maxInFlightChunks: 3, chunkSize: 7 },
  });
  expect((await s.progress('pb')).counts).toEqual(ok.prepared!.counts);
  // the counters were raised before the answer: the first claims go on from the node's nonces
  const nonces = (await s.claimChunk('pb', '0.0', 2)).items.map((i) => i.nonce).sort((a, b) => a - b);
  expect(nonces).toEqual([4, 41]);

  // a node that fails, or does not answer in time: the batch is stored all the same, without `prepared`
  const failed = await acceptBatch(
    s,
    { batchId: 'pf', items: [{ id: 'f1', destination: '0xabcd01', amount: '1' }] },
    {
      newBatchId: () => 'x',
      nodeNonces: () => Promise.reject(new Error('node down')),
    },
  );
  expect(failed).toMatchObject({ kind: 'accepted', batchId: 'pf' });
  expect(failed.kind === 'accepted' && failed.prepared).toBeUndefined();
  const t0 = Date.now();
  const slow = await acceptBatch(
    s,
    { batchId: 'ps', items: [{ id: 's1', destination: '0xabcd01', amount: '1' }] },
    {
      newBatchId: () => 'x',
      nodeNonces: () => new Promise(() => undefined),
    },
  );
  expect(slow).toMatchObject({ kind: 'accepted', batchId: 'ps' });
  expect(slow.kind === 'accepted' && slow.prepared).toBeUndefined();
  expect(Date.now() - t0).toBeLessThan(5000); // answered after its short wait, not the node's timeout
  expect((await s.progress('ps')).counts.QUEUED).toBe(1);
});

test('acceptBatch answers reused ids as the full check words them, though a batch of its own is not looked up first', async () => {
  const s = store();
  const item = (id: string, extra: Record<string, string> = {}) => ({ id, destination: '0xabcd01', amount: '1', ...extra });
  const first = await acceptBatch(s, { batchId: 'r1', items: [item('u1'), item('u2')] }, { newBatchId: () => 'x' });
  expect(first).toMatchObject({ kind: 'accepted', batchId: 'r1' });
  // reused batch id and item ids, nothing else wrong: 409 naming all of them; nothing stored
  const both = await acceptBatch(s, { batchId: 'r1', items: [item('u1'), item('u2'), item('u3')] }, { newBatchId: () => 'x' });
  expect(both).toEqual({
    kind: 'conflict',
    batchId: 'r1',
    ids: ['u1', 'u2'],
    message: 'batchId "r1" was already used; 2 item ids were already used (u1, u2): ids are never reused, submit with new ones',
  });
  const ids = await acceptBatch(s, { batchId: 'r2', items: [item('u3'), item('u2')] }, { newBatchId: () => 'x' });
  expect(ids).toMatchObject({ kind: 'conflict', ids: ['u2'] });
  expect((await s.progress('r2')).exists).toBe(false);
  expect(await s.item('u3')).toBeUndefined();
  // a reused id beside another problem: 400 with every problem, the reused id among them
  const bad = await acceptBatch(s, { batchId: 'r3', items: [item('u1'), item('v1', { amount: '-1' })] }, { newBatchId: () => 'x' });
  expect(bad.kind).toBe('invalid');
  expect(bad.kind === 'invalid' && bad.issues.map((i) => i.id)).toEqual(['v1', 'u1']);
  // a dependency outside the batch is looked up first: known → accepted, unknown → 400 naming it
  expect(await acceptBatch(s, { batchId: 'r4', items: [item('w1', { memo: 'depends_on=u1' })] }, { newBatchId: () => 'x' })).toMatchObject({
    kind: 'accepted',
  });
  const unknown = await acceptBatch(s, { batchId: 'r5', items: [item('w2', { memo: 'depends_on=nope' })] }, { newBatchId: () => 'x' });
  expect(unknown.kind === 'invalid' && unknown.issues).toEqual([
    expect.objectContaining({ id: 'w2', message: expect.stringContaining('"nope"') }),
  ]);
});

test('running batches: all of them, or only those stored within a window of creation times', async () => {
  const s = store();
  const before = Date.now();
  await submit(s, 'w1', [{ id: 'w1a' }]);
  await submit(s, 'w2', [{ id: 'w2a' }]);
  const after = Date.now();
  expect(await s.runningBatchIds()).toEqual(['w1', 'w2']);
  expect(await s.runningBatchIds({ from: before, to: after })).toEqual(['w1', 'w2']);
  expect(await s.runningBatchIds({ from: after + 1 })).toEqual([]);
  expect(await s.runningBatchIds({ to: before - 1 })).toEqual([]);
  // a completed batch is not running, whatever the window
  const c = await s.claimChunk('w1', '0.0', 10);
  await s.recordResults(
    'w1',
    '0.0',
    c.items.map((i) => ({ id: i.id, kind: 'E' as const, txHash: '0xa' })),
  );
  expect((await s.finish('w1')).completed).toBe(true);
  expect(await s.runningBatchIds({ from: before })).toEqual(['w2']);
  // read from their own index: a completed batch leaves it
  expect(await redis.zRange(s.keys.running, 0, -1)).toEqual(['w2']);
  // a batch whose workflow ran is not one without a workflow; marking an unknown batch stores nothing
  await s.markWorkflowStarted('w2');
  await s.markWorkflowStarted('never-stored');
  expect(await s.runningBatchIds({ from: before }, { withoutWorkflow: true })).toEqual([]);
  expect(await s.runningBatchIds({ from: before })).toEqual(['w2']);
  expect(await redis.exists(s.keys.batch('never-stored'))).toBe(0);
});

test('a nonce sync of thousands of executors raises exactly those behind the node (read in slices of 1,000)', async () => {
  const s = store(2500);
  const node = Object.fromEntries(Array.from({ length: 2500 }, (_, i) => [`ex${n}-${i}`, i % 3 === 0 ? i + 7 : 0]));
  expect(await s.raiseNonces(node)).toBe(834);
  // a second sync finds nothing behind; a lower node nonce never lowers ours
  expect(await s.raiseNonces({ ...node, [`ex${n}-2499`]: 1 })).toBe(0);
  const nonces = await redis.hmGet(s.keys.executorNonces, [`ex${n}-0`, `ex${n}-999`, `ex${n}-1000`, `ex${n}-1001`, `ex${n}-2499`]);
  expect(nonces).toEqual(['7', '1006', null, null, '2506']);
});
