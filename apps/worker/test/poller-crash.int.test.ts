/**
 * Worker processes killed (SIGKILL) at the worst moments of the receipt poller, then replaced:
 * mid-batch; between "batch applied to the store" and "activity acknowledged"; and across
 * continue-as-new. Each time P&L equals an independent oracle (a plain loop over the node's
 * receipt log and its ledger balance, sharing no code with accounting): no receipt counted twice,
 * none skipped, spends of operations and earnings alike; and every operation still confirms.
 * Real processes: Temporal dev server, devnet, Redis, worker processes.
 */
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { createChainClient, type ChainClient } from '@blockops/chain';
import { createAccountingStore, createOperationsStore, type AccountingStore, type OperationsStore } from '@blockops/accounts';
import { formatUnits, parseAmount } from '@blockops/domain';
import { connectRedis, type RedisClient } from '@blockops/events';
import { freePort, httpOk, poll, startProcess, startTestStack, type ManagedProcess } from '@blockops/stack';
import { Client, Connection, WithStartWorkflowOperation } from '@temporalio/client';
import type { Workflow } from '@temporalio/common';
import type { SubmitAnswer } from '@blockops/workflows/public';
import { CORRELATION_ID_KEY, EMERGENCY_CONTROLLER_ID } from '@blockops/workflows/public';
import { expectAccountingMatches, ledgerOracle } from './support/oracle';

const root = path.resolve(__dirname, '../../..');
const ACCOUNT = '0xblockops';
/** decimal, as the node and the env take it; the store takes it in units */
const STARTING_BALANCE = '100000';
const POLLER = 'receipt-poller';
let stack: Awaited<ReturnType<typeof startTestStack>>;
let redis: RedisClient;
let chain: ChainClient;
let connection: Connection;
let client: Client;
const workers: ManagedProcess[] = [];
const prefixes: string[] = [];

beforeAll(async () => {
  stack = await startTestStack({
    services: ['temporal', 'redis', 'devnet'],
    env: { TB_ACCOUNT: ACCOUNT, TB_STARTING_BALANCE: STARTING_BALANCE },
    devnetArgs: ['--block-interval-ms', '3600000', '--seed', '21'],
  });
  redis = await connectRedis(stack.env.REDIS_URL!);
  chain = createChainClient({ url: stack.env.THEBLOCK_RPC_URL! });
  connection = await Connection.connect({ address: stack.env.TEMPORAL_ADDRESS! });
  client = new Client({ connection });
}, 120_000);

afterAll(async () => {
  for (const w of workers) await w.stop(1000);
  for (const p of prefixes) {
    const keys = await redis?.keys(`${p}*`);
    if (keys?.length) await redis.del(keys);
  }
  await connection?.close();
  redis?.destroy();
  await stack?.stop();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
async function until(what: string, check: () => Promise<boolean>, timeoutMs = 120_000, everyMs = 50) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(everyMs);
  }
}

/** One test's world on the shared servers: its own task queue, accounting prefix and event stream. */
function scenario() {
  const id = randomUUID().slice(0, 8);
  const prefix = `test:${id}:acct`;
  prefixes.push(prefix, `test:${id}:emergency`);
  const mine: ManagedProcess[] = [];
  const taskQueue = `crash-${id}`;
  const store: AccountingStore = createAccountingStore({ redis, prefix, startingBalance: parseAmount(STARTING_BALANCE) });
  const operations: OperationsStore = createOperationsStore({ redis, prefix });
  let n = 0;

  async function startWorker(env: Record<string, string> = {}): Promise<ManagedProcess> {
    const port = await freePort();
    const name = `worker-${id}-${++n}`;
    const w = await startProcess({
      name,
      command: process.execPath,
      args: ['--import', 'tsx', path.join(root, 'apps/worker/src/main.ts')],
      env: {
        ...process.env,
        ...stack.env,
        TEMPORAL_TASK_QUEUE: taskQueue,
        ACCOUNTS_PREFIX: prefix,
        // the scenarios share a chain but not their accounting: each has its own emergency state,
        // and no risk limit halts a test about crashes (the shared chain's P&L swings between them)
        EMERGENCY_PREFIX: `test:${id}:emergency`,
        RISK_DAILY_LOSS_LIMIT: '0',
        RISK_MAX_POSITION: '0',
        RISK_MAX_DRAWDOWN_PCT: '0',
        EVENTS_STREAM: `test:${id}:events`,
        WORKER_METRICS_PORT: String(port),
        TB_ACCOUNT: ACCOUNT,
        TB_STARTING_BALANCE: STARTING_BALANCE,
        RECEIPT_POLL_INTERVAL_MS: '100',
        RECEIPT_BATCH_SIZE: '50',
        // a killed worker's attempt stops heartbeating: retried after this
        RECEIPT_BATCH_TIMEOUT_MS: '3000',
        RECEIPT_POLL_IDLE_MS: '2000',
        LOG_LEVEL: 'warn',
        ...env,
      },
      ready: () => httpOk(`http://127.0.0.1:${port}/health`),
      timeoutMs: 90_000,
      output: { file: path.join(stack.dataDir, 'logs', `${name}.log`) },
    });
    workers.push(w);
    mine.push(w);
    return w;
  }

  /** Operations through their workflows (a worker must serve the task queue); 202 each. */
  async function submitOperations(count: number): Promise<string[]> {
    const ids = Array.from({ length: count }, (_, i) => `crash-${id}-${i}`);
    await Promise.all(
      ids.map(async (operationId, i) => {
        const start = new WithStartWorkflowOperation('operation', {
          workflowId: `op-${operationId}`,
          taskQueue,
          args: [
            {
              operationId,
              market: (['compute', 'storage', 'energy', 'ad'] as const)[i % 4],
              estimatedCost: formatUnits(10_000_000n + BigInt(i) * 1_370_000n), // exact decimal strings: 10, 11.37, …
              units: 5,
              confirmTimeoutMs: 300_000,
              // the fallback poll confirms an operation whose signal died with a worker
              pollIntervalMs: 500,
            },
          ],
          workflowIdConflictPolicy: 'USE_EXISTING',
        });
        const answer = await client.workflow.executeUpdateWithStart<Workflow, SubmitAnswer, []>('submit', {
          startWorkflowOperation: start,
        });
        expect(answer.code).toBe(202);
      }),
    );
    return ids;
  }

  async function allConfirmed(ids: string[]) {
    const records = await Promise.all(ids.map((o) => operations.get(o)));
    return records.every((r) => r?.status === 'CONFIRMED');
  }

  /** The poller's checkpoint reached the head, and P&L equals the oracle's, exactly. */
  async function expectCaughtUpAndExact() {
    const head = (await chain.light.latestHeader()).height;
    await until(`accounting to reach the head ${head}`, async () => (await store.checkpoint()) >= head);
    const { state, checkpoint } = await store.snapshot();
    expect(checkpoint).toBe(head);
    const oracle = await ledgerOracle({ url: stack.env.THEBLOCK_RPC_URL! }, ACCOUNT, head, STARTING_BALANCE);
    expect(oracle.spends).toBeGreaterThan(0); // operations were paid for …
    expect(oracle.earnings).toBeGreaterThan(0); // … and our provider account earned
    expectAccountingMatches(state, oracle);
    return { state, oracle };
  }

  /** pollReceipts attempts recorded in the poller's current run. */
  async function pollAttempts(): Promise<number[]> {
    const history = await client.workflow.getHandle(POLLER).fetchHistory();
    return (history.events ?? []).flatMap((e) =>
      e.activityTaskStartedEventAttributes ? [e.activityTaskStartedEventAttributes.attempt ?? 1] : [],
    );
  }

  /** A pollReceipts attempt > 1 completed: the attempt the kill interrupted was retried (its Started event is written when it ends). */
  async function retriedAttemptCompleted() {
    const attempts = await poll(() => pollAttempts(), {
      until: (a) => a.some((n) => n > 1),
      description: 'a retried poll attempt in the poller history',
      timeoutMs: 60_000,
    });
    expect(attempts.some((n) => n > 1)).toBe(true);
  }

  /** The scenario's singletons (fixed ids, on its task queue) and workers end with it. */
  async function endPoller() {
    for (const id of [POLLER, EMERGENCY_CONTROLLER_ID])
      await client.workflow
        .getHandle(id)
        .terminate('test over')
        .catch(() => undefined);
    for (const w of mine) await w.stop(1000);
  }

  return {
    id,
    prefix,
    taskQueue,
    store,
    operations,
    startWorker,
    submitOperations,
    allConfirmed,
    expectCaughtUpAndExact,
    retriedAttemptCompleted,
    endPoller,
  };
}

test('a worker killed mid-batch: the batch is retried elsewhere, P&L equals the oracle', async () => {
  const s = scenario();
  try {
    await chain.dev.mine({ blocks: 300 });
    const first = await s.startWorker();
    const ops = await s.submitOperations(6);
    await chain.dev.mine({ blocks: 300 }); // the operations' receipts land 2 blocks after submission
    await until('the poller to start applying', async () => (await s.store.checkpoint()) >= 50);
    // every fetch is now held a second at the node: wait for one to be in flight, then kill
    await chain.dev.setFault({ method: 'receipt.audit', latency_ms: 1000 });
    try {
      await until(
        'a receipt fetch in flight',
        async () => ((await chain.dev.status()).faults['receipt.audit']?.injected ?? 0) > 0,
        30_000,
        10,
      );
      first.child.kill('SIGKILL');
      await first.exited;
    } finally {
      await chain.dev.clearFaults();
    }
    expect(await s.store.checkpoint()).toBeLessThan((await chain.light.latestHeader()).height);

    await s.startWorker();
    await s.expectCaughtUpAndExact();
    await until('every operation confirmed', () => s.allConfirmed(ops));
    // the kill did land inside a batch: Temporal retried that attempt
    await s.retriedAttemptCompleted();
  } finally {
    await s.endPoller();
  }
});

test('a worker killed after the batch was applied but before the activity was acknowledged: nothing counted twice, operations still confirm', async () => {
  const s = scenario();
  try {
    const warmup = await s.startWorker();
    await chain.dev.mine({ blocks: 20 });
    await s.expectCaughtUpAndExact();
    await warmup.stop();

    // this worker holds every applied batch instead of acknowledging it (test hook), and is killed meanwhile
    const held = await s.startWorker({ BLOCKOPS_TEST_HOLD_AFTER_APPLY_MS: '600000' });
    const ops = await s.submitOperations(3);
    const before = await s.store.checkpoint();
    await chain.dev.mine({ blocks: 3 }); // the operations' receipts
    await until('the batch applied (checkpoint moved)', async () => (await s.store.checkpoint()) > before, 60_000, 10);
    held.child.kill('SIGKILL');
    await held.exited;
    const applied = await s.store.checkpoint();
    const head = (await chain.light.latestHeader()).height;
    expect(applied).toBe(head); // the batch with the operations' receipts is in the store …
    // … but its activity never completed: the signals to the operations were never sent

    await s.startWorker();
    await until('every operation confirmed (by its fallback poll)', () => s.allConfirmed(ops));
    await s.expectCaughtUpAndExact();
    // the held attempt timed out (no heartbeat) and was retried; the retry found the range applied
    await s.retriedAttemptCompleted();
  } finally {
    await s.endPoller();
  }
});

test('a worker killed just as the poller continued as new: the next run carries on, P&L equals the oracle', async () => {
  const s = scenario();
  try {
    const first = await s.startWorker({ RECEIPT_POLLER_AUTOSTART: 'false' });
    const handle = await client.workflow.start('receiptPoller', {
      workflowId: POLLER,
      taskQueue: s.taskQueue,
      args: [{ pollIntervalMs: 100, batchSize: 50, cyclesPerRun: 2, batchTimeoutMs: 3000, idleMaxMs: 500 }],
      memo: { correlationId: POLLER },
      typedSearchAttributes: [{ key: CORRELATION_ID_KEY, value: POLLER }],
    });
    const ops = await s.submitOperations(4);
    await chain.dev.mine({ blocks: 200 });
    const firstRun = handle.firstExecutionRunId;
    await until('the poller to continue as new', async () => (await handle.describe()).runId !== firstRun, 60_000, 10);
    first.child.kill('SIGKILL');
    await first.exited;
    const atKill = await s.store.checkpoint();

    await s.startWorker({ RECEIPT_POLLER_AUTOSTART: 'false' });
    await chain.dev.mine({ blocks: 50 });
    await until('every operation confirmed', () => s.allConfirmed(ops));
    await s.expectCaughtUpAndExact();
    expect(await s.store.checkpoint()).toBeGreaterThan(atKill);
    // several runs, each carrying the search attribute it was started with (visibility lags a little)
    await until('three runs findable by their correlation id', async () => {
      let runs = 0;
      for await (const _ of client.workflow.list({ query: `WorkflowId = '${POLLER}' AND BlockopsCorrelationId = '${POLLER}'` })) runs++;
      return runs > 2;
    });
  } finally {
    await s.endPoller();
  }
});
