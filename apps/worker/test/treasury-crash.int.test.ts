/**
 * A 10,000-item batch (1,000 chains, 10 deep, fan-in) while its worker process is SIGKILLed three
 * times and restarted: every item EXECUTED exactly once, counted at the node — one payment per
 * id, the treasury debited exactly the batch's sum. Real processes: Temporal dev server, devnet,
 * Redis, worker processes (apps/worker/src/main.ts).
 */
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import { createChainClient, type TreasuryPayment } from '@blockops/chain';
import { connectRedis, readRange, type RedisClient } from '@blockops/events';
import { createTreasuryStore, acceptBatch } from '@blockops/treasury';
import { freePort, httpOk, poll, startProcess, startTestStack, type ManagedProcess } from '@blockops/stack';
import { formatUnits } from '@blockops/domain';
import { chainBatch, sumAmounts } from './support/batches';

const root = path.resolve(__dirname, '../../..');
const id = randomUUID().slice(0, 8);
const PREFIX = `test:${id}:treasury`;
const EXECUTORS = `crash${id}`;
let stack: Awaited<ReturnType<typeof startTestStack>>;
let redis: RedisClient;
const workers: ManagedProcess[] = [];

beforeAll(async () => {
  stack = await startTestStack({
    services: ['temporal', 'redis', 'devnet'],
    devnetArgs: ['--block-interval-ms', '3600000', '--seed', '17', '--treasury-balance', '100000000'],
  });
  redis = await connectRedis(stack.env.REDIS_URL!);
}, 120_000);

afterAll(async () => {
  for (const w of workers) await w.stop(1000);
  for await (const keys of redis.scanIterator({ MATCH: `${PREFIX}*`, COUNT: 1000 })) if (keys.length) await redis.del(keys);
  redis?.destroy();
  await stack?.stop();
});

async function startWorker(n: number): Promise<ManagedProcess> {
  const port = await freePort();
  const w = await startProcess({
    name: `worker-${n}`,
    command: process.execPath,
    args: ['--import', 'tsx', path.join(root, 'apps/worker/src/main.ts')],
    env: {
      ...process.env,
      ...stack.env,
      WORKER_METRICS_PORT: String(port),
      RECEIPT_POLLER_AUTOSTART: 'false',
      TREASURY_PREFIX: PREFIX,
      TREASURY_EXECUTOR_PREFIX: EXECUTORS,
      TREASURY_EXECUTORS: '1024',
      TREASURY_CHUNK_SIZE: '250',
      TREASURY_MAX_IN_FLIGHT_CHUNKS: '4',
      // a killed attempt is retried after 3 s
      TREASURY_CHUNK_TIMEOUT_MS: '3000',
      TREASURY_IDLE_POLL_MS: '200',
      THEBLOCK_RPC_TIMEOUT_MS: '3000',
      LOG_LEVEL: 'warn',
    },
    ready: () => httpOk(`http://127.0.0.1:${port}/health`),
    timeoutMs: 120_000,
    output: { file: path.join(stack.dataDir, 'logs', `worker-${n}.log`) },
  });
  workers.push(w);
  return w;
}

test('SIGKILL the worker three times during a 10,000-item batch: every item executed exactly once, the treasury debited exactly the sum', async () => {
  const chain = createChainClient({ url: stack.env.THEBLOCK_RPC_URL!, timeoutMs: 30_000 });
  const store = createTreasuryStore({
    redis,
    prefix: PREFIX,
    executors: { prefix: EXECUTORS, count: 1024 },
    throttleDefaults: { maxInFlightChunks: 4, chunkSize: 250 },
  });
  const items = chainBatch({ tag: `k${id}`, chains: 1000, depth: 10, fanIn: true });
  const batchId = `crash-${id}`;
  const accepted = await acceptBatch(store, { batchId, items }, { newBatchId: () => batchId });
  expect(accepted).toMatchObject({ kind: 'accepted', items: 10_000, ready: 1000 });
  const before = formatUnits((await chain.treasury.balance()).balance);

  const connection = await Connection.connect({ address: stack.env.TEMPORAL_ADDRESS! });
  const client = new Client({ connection });
  try {
    // no workflow is started here: the first worker finds the stored batch without one and starts it
    // (what happens when the web dies between storing a batch and starting its workflow)
    let worker = await startWorker(1);
    const handle = client.workflow.getHandle(`disburse-${batchId}`);
    expect((await handle.describe()).status.name).toBe('RUNNING');
    const executed = async () => (await store.progress(batchId)).counts.EXECUTED;
    for (const [k, share] of [0.2, 0.45, 0.7].entries()) {
      await poll(executed, {
        description: `the batch to reach ${share * 100}%`,
        until: (n) => n >= 10_000 * share,
        timeoutMs: 300_000,
        intervalMs: 10,
      });
      worker.child.kill('SIGKILL');
      await worker.exited;
      const atKill = await executed();
      expect(atKill).toBeLessThan(10_000);
      worker = await startWorker(k + 2);
    }
    const result = (await handle.result()) as { counts: Record<string, number> };
    expect(result.counts).toEqual({ QUEUED: 0, EXECUTED: 10_000, CANCELLED: 0, FAILED: 0 });

    // counted at the node: one payment per id, nothing else paid, the exact sum debited
    const log = await chain.dev.treasuryPayments({ disbursement_ids: items.map((i) => i.id), limit: 10_000 });
    expect(log.total).toBe(10_000);
    const perId = new Map<string, number>();
    for (const p of log.payments as TreasuryPayment[]) perId.set(p.disbursement_id, (perId.get(p.disbursement_id) ?? 0) + 1);
    expect(perId.size).toBe(10_000);
    expect([...perId.values()].every((c) => c === 1)).toBe(true);
    const sum = sumAmounts(items.map((i) => i.amount));
    expect(formatUnits(log.total_paid)).toBe(sum);
    const executors = await chain.dev.treasuryPayments({ executor: `${EXECUTORS}-0`, limit: 10_000 });
    expect(executors.total).toBeGreaterThan(0);
    const after = formatUnits((await chain.treasury.balance()).balance);
    expect(sumAmounts([after, sum])).toBe(before);
    expect(await store.batchSummary(batchId)).toMatchObject({ status: 'COMPLETED', executedAmount: sum });

    // the live view was told of every item EXECUTED, kills notwithstanding: a kill between a round's
    // record and its events is made good by the retry, which publishes a replayed round's resolved items
    const told = new Set<string>();
    for (let from = '0-0'; ;) {
      const { events, lastId } = await readRange(redis, stack.env.EVENTS_STREAM!, from, '+', 1000);
      if (!lastId) break;
      from = lastId;
      for (const e of events)
        if (e.type === 'disbursement_status_changed' && e.batch_id === batchId)
          for (const i of e.items) if (i.status === 'EXECUTED') told.add(i.id);
    }
    expect(told.size).toBe(10_000);

    // the kills landed inside chunks: Temporal retried attempts of chunk activities
    let retried = 0;
    for await (const e of client.workflow.list({ query: `WorkflowId = 'disburse-${batchId}'` })) {
      const history = await client.workflow.getHandle(`disburse-${batchId}`, e.runId).fetchHistory();
      retried += (history.events ?? []).filter((ev) => (ev.activityTaskStartedEventAttributes?.attempt ?? 1) > 1).length;
    }
    expect(retried).toBeGreaterThan(0);
  } finally {
    await connection.close();
  }
}, 900_000);
