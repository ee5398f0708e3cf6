/**
 * A worker process killed (SIGKILL) in the middle of a receipt batch, then a new one started: the
 * batch is retried by Temporal, and P&L equals a recomputation from the full receipt log — no
 * receipt counted twice, none skipped. Real processes: Temporal dev server, devnet, Redis, workers.
 */
import path from 'node:path';
import { createChainClient } from '@blockops/chain';
import { createAccountingStore } from '@blockops/accounts';
import { connectRedis, type RedisClient } from '@blockops/events';
import { freePort, httpOk, poll, startProcess, startTestStack, type ManagedProcess } from '@blockops/stack';
import { Client, Connection } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { RECEIPT_POLLER_ID } from '@blockops/domain';
import { recomputeFromLog } from './support/recompute';

const root = path.resolve(__dirname, '../../..');
const ACCOUNT = '0xblockops';
let stack: Awaited<ReturnType<typeof startTestStack>>;
let redis: RedisClient;
const workers: ManagedProcess[] = [];

beforeAll(async () => {
  stack = await startTestStack({
    services: ['temporal', 'redis', 'devnet'],
    env: { TB_ACCOUNT: ACCOUNT, TB_STARTING_BALANCE: '100000' },
    devnetArgs: ['--block-interval-ms', '3600000', '--seed', '21'],
  });
  redis = await connectRedis(stack.env.REDIS_URL!);
}, 120_000);

afterAll(async () => {
  for (const w of workers) await w.stop(1000);
  const keys = await redis?.keys(`${stack.names.accounts}*`);
  if (keys?.length) await redis.del(keys);
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
      TB_ACCOUNT: ACCOUNT,
      RECEIPT_POLL_INTERVAL_MS: '100',
      RECEIPT_BATCH_SIZE: '50',
      // the killed worker's attempt is retried after this
      RECEIPT_BATCH_TIMEOUT_MS: '3000',
      LOG_LEVEL: 'warn',
    },
    ready: () => httpOk(`http://127.0.0.1:${port}/health`),
    timeoutMs: 90_000,
    output: { file: path.join(stack.dataDir, 'logs', `worker-${n}.log`) },
  });
  workers.push(w);
  return w;
}

test('a worker killed mid-batch and restarted leaves P&L equal to a recomputation from the full receipt log', async () => {
  const chain = createChainClient({ url: stack.env.THEBLOCK_RPC_URL! });
  const store = createAccountingStore({ redis, prefix: stack.names.accounts, startingBalance: 100_000_000_000n });
  await chain.dev.mine({ blocks: 400 });
  const head = (await chain.light.latestHeader()).height;
  // every batch takes a while, so a kill lands inside one
  await chain.dev.setFault({ method: 'receipt.audit', latency_ms: 150 });
  const connection = await Connection.connect({ address: stack.env.TEMPORAL_ADDRESS! });
  try {
    const poller = new Client({ connection }).workflow.getHandle(RECEIPT_POLLER_ID);

    const first = await startWorker(1);
    await poll(() => store.checkpoint(), {
      until: (cp) => cp >= head / 4,
      description: 'the poller to apply a quarter of the chain',
      timeoutMs: 60_000,
    });
    // kill while a batch attempt is in the first worker's hands (its fetch takes ≥ 150 ms)
    await poll(
      async () =>
        (await poller.describe()).raw.pendingActivities?.some(
          (a) => a.state === temporal.api.enums.v1.PendingActivityState.PENDING_ACTIVITY_STATE_STARTED,
        ),
      { description: 'a batch attempt to be running', intervalMs: 10 },
    );
    first.child.kill('SIGKILL');
    await first.exited;
    const atKill = await store.checkpoint();
    expect(atKill).toBeLessThan(head);

    await startWorker(2);
    await poll(() => store.checkpoint(), {
      until: (cp) => cp >= head,
      description: `the poller to catch up with the head (${head})`,
      timeoutMs: 120_000,
    });
    await chain.dev.clearFaults();

    const { state: expected, count } = await recomputeFromLog(chain, ACCOUNT, head);
    const { state } = await store.snapshot();
    expect(count).toBeGreaterThan(0);
    expect(state.receiptsProcessed).toBe(count);
    expect(state.balance).toBe(expected.balance); // exact, not close
    expect(state.positions).toEqual(expected.positions);

    // the kill did land inside a batch: Temporal timed that attempt out and retried it
    const history = await poller.fetchHistory();
    const retried = (history.events ?? []).some((e) => (e.activityTaskStartedEventAttributes?.attempt ?? 1) > 1);
    expect(retried).toBe(true);
  } finally {
    await connection.close();
  }
});
