/**
 * A chunk's attempt that recorded a round and died before publishing it: its retry republishes the
 * round's resolved items and the dependents that record cancelled with them (root cause named), so
 * the console's DAG does not keep them QUEUED. The real store on Redis, the activity in Temporal's
 * mock activity context (attempt 2); the node is never asked (nothing is left to send).
 */
import { randomUUID } from 'node:crypto';
import { MockActivityEnvironment } from '@temporalio/testing';
import { connectRedis, type NewEvent, type RedisClient } from '@blockops/events';
import { acceptBatch, createTreasuryStore } from '@blockops/treasury';
import { createTreasuryActivities, type TreasuryDeps } from '../src/activities/treasury';
import { createWorkerMetrics } from '../src/metrics';

let redis: RedisClient;
const prefix = `test:${randomUUID().slice(0, 8)}:treasury`;

beforeAll(async () => {
  redis = await connectRedis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
});

afterAll(async () => {
  for await (const keys of redis.scanIterator({ MATCH: `${prefix}*`, COUNT: 1000 })) if (keys.length) await redis.del(keys);
  redis.destroy();
});

test('a replay after a lost record republishes the round’s items and the dependents it cancelled, with their root cause', async () => {
  const treasury = createTreasuryStore({
    redis,
    prefix,
    executors: { prefix: 'rx', count: 8 },
    throttleDefaults: { maxInFlightChunks: 2, chunkSize: 10 },
  });
  const batchId = `rp-${randomUUID().slice(0, 8)}`;
  const item = (id: string, memo?: string) => ({
    id: `${batchId}-${id}`,
    destination: '0xabcd01',
    amount: '1.25',
    ...(memo ? { memo } : {}),
  });
  const accepted = await acceptBatch(
    treasury,
    { batchId, items: [item('a'), item('b', `depends_on=${batchId}-a`), item('c', `depends_on=${batchId}-b`), item('d')] },
    { newBatchId: () => batchId },
  );
  expect(accepted.kind).toBe('accepted');

  // attempt 1: claimed a and d, sent them, recorded the node's answers — and died before publishing
  const claim = await treasury.claimChunk(batchId, '0.0', 10);
  expect(claim.items.map((i) => i.id).sort()).toEqual([`${batchId}-a`, `${batchId}-d`]);
  await treasury.recordResults(batchId, '0.0', [
    { id: `${batchId}-a`, kind: 'C', reason: 'invalid destination: refused' },
    { id: `${batchId}-d`, kind: 'E', txHash: '0xd0', units: claim.items.find((i) => i.id.endsWith('-d'))!.units },
  ]);

  const published: NewEvent[] = [];
  const activities = createTreasuryActivities({
    chain: {
      treasury: {
        submitDisbursements: () => {
          throw new Error('nothing is left to send');
        },
      },
    },
    treasury,
    publish: async (e: NewEvent) => void published.push(e),
    metrics: createWorkerMetrics(),
    emergency: {},
  } as unknown as TreasuryDeps);
  const env = new MockActivityEnvironment({
    attempt: 2,
    workflowExecution: { workflowId: accepted.kind === 'accepted' ? accepted.workflowId : '', runId: 'run-1' },
  });
  const summary: Awaited<ReturnType<typeof activities.executeChunk>> = await env.run(activities.executeChunk, {
    batchId,
    chunk: 0,
    size: 10,
    budgetMs: 1000,
    correlationId: 'c-1',
  });
  expect(summary.counts).toEqual({ QUEUED: 0, EXECUTED: 1, CANCELLED: 3, FAILED: 0 });

  const announced = published.flatMap((e) => ('items' in e ? (e.items as { id: string; status: string; root_cause?: string }[]) : []));
  const byId = new Map(announced.map((i) => [i.id.slice(batchId.length + 1), i]));
  expect([...byId.keys()].sort()).toEqual(['a', 'b', 'c', 'd']);
  expect(byId.get('a')).toMatchObject({ status: 'CANCELLED' });
  expect(byId.get('d')).toMatchObject({ status: 'EXECUTED', tx_hash: '0xd0' });
  expect(byId.get('b')).toMatchObject({ status: 'CANCELLED', root_cause: `${batchId}-a` });
  expect(byId.get('c')).toMatchObject({ status: 'CANCELLED', root_cause: `${batchId}-a` });
});
