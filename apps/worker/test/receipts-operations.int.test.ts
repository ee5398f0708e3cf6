/**
 * The receipt poller and the operation workflow against the real Temporal dev server, the real
 * devnet process (blocks mined on demand, so every test decides when receipts appear) and Redis.
 */
import { randomUUID } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode, DefaultLogger, Runtime, Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { WithStartWorkflowOperation, WorkflowFailedError, type Client } from '@temporalio/client';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import { connectRedis, readRange, type RedisClient } from '@blockops/events';
import { DEV_SERVER_DYNAMIC_CONFIG, poll, resolveTemporalCli, startStack, type Stack } from '@blockops/stack';
import type { operation } from '@blockops/workflows';
import { submitUpdate, workflowInterceptorModules, workflowsPath } from '@blockops/workflows/public';
import { formatUnits, parseAmount } from '@blockops/domain';
import { createReceiptActivities } from '../src/activities/receipts';
import { harness } from './support/worker-harness';
import { recomputeFromLog } from './support/recompute';

const root = path.resolve(__dirname, '../../..');
const ACCOUNT = '0xblockops';
const noopSinks = { events: { emit: { fn: () => {}, callDuringReplay: false } } };
let env: TestWorkflowEnvironment;
let devnet: Stack;
let redis: RedisClient;
let bundle: WorkflowBundleWithSourceMap;
let client: Client;
const stream = `test:${randomUUID().slice(0, 8)}:events`;
const prefixes: string[] = [];

beforeAll(async () => {
  Runtime.install({ logger: new DefaultLogger('ERROR') });
  [env, devnet, redis, bundle] = await Promise.all([
    TestWorkflowEnvironment.createLocal({
      server: { executable: { type: 'existing-path', path: resolveTemporalCli(root) }, extraArgs: DEV_SERVER_DYNAMIC_CONFIG },
    }),
    startStack({
      root,
      dataDir: path.join(os.tmpdir(), `blockops-devnet-${randomUUID()}`),
      services: ['devnet'],
      ports: { devnet: 0 },
      output: 'files',
      // blocks only when a test mines them
      devnetArgs: [
        '--block-interval-ms',
        '3600000',
        '--confirm-blocks',
        '2',
        '--seed',
        '5',
        '--fund',
        `${ACCOUNT}=100000`,
        '--provider-account',
        ACCOUNT,
      ],
    }),
    connectRedis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379'),
    bundleWorkflowCode({ workflowsPath, workflowInterceptorModules, logger: new DefaultLogger('WARN') }),
  ]);
  client = env.client;
}, 120_000);

afterAll(async () => {
  for (const p of prefixes) {
    const keys = await redis.keys(`${p}*`);
    if (keys.length) await redis.del(keys);
  }
  await redis?.del(stream);
  redis?.destroy();
  await devnet?.stop();
  await env?.teardown();
});

function setup(extra: { gateCacheMs?: number } = {}) {
  const h = harness({
    ...extra,
    connection: env.nativeConnection,
    namespace: env.namespace ?? 'default',
    redis,
    chainUrl: devnet.urls.devnet!,
    stream,
    bundle,
    account: ACCOUNT,
  });
  prefixes.push(h.prefix);
  return h;
}
const chain = () => setup().chain;

const recompute = (toHeight: number) => recomputeFromLog(chain(), ACCOUNT, toHeight);

const startPoller = (taskQueue: string, workflowId: string, input: Record<string, unknown> = {}) =>
  client.workflow.start('receiptPoller', { taskQueue, workflowId, args: [{ pollIntervalMs: 50, batchSize: 100, ...input }] });

test('the poller applies every receipt of ours exactly once across continue-as-new; P&L equals a recomputation', async () => {
  const h = setup();
  await h.chain.dev.mine({ blocks: 300 });
  const head = (await h.chain.light.latestHeader()).height;
  const workflowId = `receipt-poller-${randomUUID()}`;
  await h.withWorker(async (taskQueue) => {
    const handle = await startPoller(taskQueue, workflowId, { cyclesPerRun: 3 });
    await poll(() => h.store.checkpoint(), { until: (cp) => cp >= head, description: `the poller to reach the head (${head})` });
    // continued as new, carrying the checkpoint (visibility lists every run)
    await poll(
      async () => {
        let runs = 0;
        for await (const _ of client.workflow.list({ query: `WorkflowId = '${workflowId}'` })) runs++;
        return runs > 1;
      },
      { description: 'several runs in visibility' },
    );
    await handle.terminate('test over');
  });
  const expected = await recompute(head);
  const { state, checkpoint } = await h.store.snapshot();
  expect(checkpoint).toBe(head);
  expect(expected.count).toBeGreaterThan(0);
  expect(state.receiptsProcessed).toBe(expected.count);
  expect(state.balance).toBe(expected.state.balance); // exact, not close
  for (const m of ['compute', 'storage', 'energy', 'ad'] as const) expect(state.positions[m]).toEqual(expected.state.positions[m]);

  const { events } = await readRange(redis, stream, '0-0', '+', 100_000);
  const processed = events.filter((e) => e.workflowId === workflowId && e.type === 'receipts_processed') as Array<{
    count: number;
    applied?: number;
    from_height: number;
    to_height: number;
  }>;
  expect(processed.reduce((s, e) => s + (e.applied ?? 0), 0)).toBe(expected.count);
  // consecutive, non-overlapping height ranges from 0 to the head
  expect(processed[0]!.from_height).toBe(0);
  for (let i = 1; i < processed.length; i++) expect(processed[i]!.from_height).toBe(processed[i - 1]!.to_height);
  expect(processed.at(-1)!.to_height).toBe(head);
  expect(events.some((e) => e.workflowId === workflowId && e.type === 'pnl_updated')).toBe(true);
});

test('the same batch applied twice (a retried or raced attempt) leaves P&L unchanged', async () => {
  const h = setup();
  await h.chain.dev.mine({ blocks: 50 });
  const activities = createReceiptActivities({ chain: h.chain, store: h.store, account: ACCOUNT, metrics: h.metrics, risk: h.risk });
  const [a, b] = await Promise.all([activities.pollReceipts({ batchSize: 1000 }), activities.pollReceipts({ batchSize: 1000 })]);
  expect([a.applied, b.applied].sort()).toEqual([false, true]);
  const { state, checkpoint } = await h.store.snapshot();
  const expected = await recompute(checkpoint);
  expect(state.receiptsProcessed).toBe(expected.count);
  expect(state.balance).toBe(expected.state.balance);
});

async function submit(taskQueue: string, input: Record<string, unknown>) {
  const operationId = (input.operationId as string | undefined) ?? `t${randomUUID().slice(0, 12)}`;
  const workflowId = `op-${operationId}`;
  const start = new WithStartWorkflowOperation<typeof operation>('operation', {
    workflowId,
    taskQueue,
    args: [{ operationId, market: 'compute', estimatedCost: '25', units: 10, confirmTimeoutMs: 60_000, pollIntervalMs: 60_000, ...input }],
    workflowIdConflictPolicy: 'USE_EXISTING',
    workflowIdReusePolicy: 'ALLOW_DUPLICATE_FAILED_ONLY',
  });
  const answer = await client.workflow.executeUpdateWithStart(submitUpdate, { startWorkflowOperation: start });
  return { operationId, workflowId, answer, handle: await start.workflowHandle() };
}

test('a receipt confirms an operation: the poller signals it, CONFIRMED with height and actual cost, reservation settled', async () => {
  const h = setup();
  await h.withWorker(async (taskQueue) => {
    const poller = await startPoller(taskQueue, `receipt-poller-${randomUUID()}`);
    const op = await submit(taskQueue, { estimatedCost: '40.000001' });
    expect(op.answer).toMatchObject({ status: 'submitted', code: 202, operationId: op.operationId, txHash: expect.any(String) });
    expect(await h.store.reservations()).toEqual({ [op.operationId]: 40_000_001n });
    expect((await h.operations.list('SUBMITTED', { limit: 10, offset: 0 })).items.map((o) => o.operationId)).toContain(op.operationId);
    await h.chain.dev.mine({ blocks: 2 });
    const result = await op.handle.result();
    expect(result).toMatchObject({ status: 'CONFIRMED', blockHeight: expect.any(Number) });
    // the node's cost, as the exact decimal it wrote (2 decimals, within ±10% of the estimate)
    expect(result.actualCost).toMatch(/^\d+(\.\d{1,2})?$/);
    expect(parseAmount(result.actualCost!)).toBeGreaterThanOrEqual(36_000_000n);
    expect(parseAmount(result.actualCost!)).toBeLessThanOrEqual(44_000_001n);
    expect((await h.operations.get(op.operationId))?.actualCost).toBe(parseAmount(result.actualCost!));
    expect(await h.store.reservations()).toEqual({});
    expect((await h.operations.get(op.operationId))?.status).toBe('CONFIRMED');
    const { events } = await readRange(redis, stream, '0-0', '+', 100_000);
    expect(
      events
        .filter((e) => e.workflowId === op.workflowId && e.type === 'operation_status_changed')
        .map((e) => (e as { status: string }).status),
    ).toEqual(['SUBMITTED', 'CONFIRMED']);
    await poller.terminate('test over');

    // replay guard: save the histories the replay test replays, and replay them right now too
    for (const [id, file] of [
      [op.workflowId, 'operation'],
      [poller.workflowId, 'receipt-poller'],
    ] as const) {
      const history = await client.workflow.getHandle(id).fetchHistory();
      if (process.env.UPDATE_FIXTURES)
        writeFileSync(path.join(root, `workflows/test/fixtures/${file}.history.json`), historyToJSON(history));
      await Worker.runReplayHistory({ workflowBundle: bundle, sinks: noopSinks }, history, id);
    }
  });
});

test('gate closed → 409 naming the gate, nothing submitted, nothing reserved', async () => {
  const h = setup();
  await h.chain.dev.setGate({ market: 'energy', state: 'Halt', reason: 'maintenance' });
  try {
    await h.withWorker(async (taskQueue) => {
      const op = await submit(taskQueue, { market: 'energy' });
      expect(op.answer).toMatchObject({ status: 'rejected', code: 409, gate: { market: 'energy', state: 'Halt', reason: 'maintenance' } });
      await expect(op.handle.result()).rejects.toBeInstanceOf(WorkflowFailedError);
      expect((await h.chain.tx.status({ operation_id: op.operationId })).status).toBe('unknown');
      expect(await h.store.reservations()).toEqual({});
    });
  } finally {
    await h.chain.dev.setGate({ market: 'energy', state: 'Trade', reason: 'open' });
  }
});

test('a gate the cache still shows open but the node has closed → 409 from the node, reservation released', async () => {
  const h = setup({ gateCacheMs: 60_000 });
  expect((await h.gates.get()).ad.state).toBe('Trade'); // cached for a minute
  await h.chain.dev.setGate({ market: 'ad', state: 'Halt', reason: 'governor vote' });
  try {
    await h.withWorker(async (taskQueue) => {
      const before = await h.store.available();
      const op = await submit(taskQueue, { market: 'ad' });
      expect(op.answer).toMatchObject({ status: 'rejected', code: 409, gate: { market: 'ad', state: 'Halt', reason: 'governor vote' } });
      // the refusal came from the node's submit (the cached gate admitted it), not from checkGate
      expect((op.answer as { message: string }).message).toMatch(/^ad_market\.create_campaign: /);
      await expect(op.handle.result()).rejects.toBeInstanceOf(WorkflowFailedError);
      expect((await h.chain.tx.status({ operation_id: op.operationId })).status).toBe('unknown');
      expect(await h.store.reservations()).toEqual({});
      expect(await h.store.available()).toBe(before);
      expect((await h.operations.get(op.operationId))?.status).toBe('REJECTED');
    });
  } finally {
    await h.chain.dev.setGate({ market: 'ad', state: 'Trade', reason: 'open' });
  }
});

test('short balance → 402 naming need and available, nothing submitted', async () => {
  const h = setup();
  await h.withWorker(async (taskQueue) => {
    const op = await submit(taskQueue, { estimatedCost: '5000000.5' });
    expect(op.answer).toMatchObject({
      status: 'rejected',
      code: 402,
      need: '5000000.5',
      available: expect.stringMatching(/^\d+(\.\d+)?$/),
    });
    const { available } = op.answer as { available: string };
    expect(available).toBe(formatUnits(await h.store.available()));
    expect((op.answer as { message: string }).message).toBe(`insufficient balance: need 5000000.5, available ${available}`);
    expect((await h.chain.tx.status({ operation_id: op.operationId })).status).toBe('unknown');
    // a rejected id may be used again once its run has ended
    await expect(op.handle.result()).rejects.toBeInstanceOf(WorkflowFailedError);
    const again = await submit(taskQueue, { operationId: op.operationId, estimatedCost: '5' });
    expect(again.answer.code).toBe(202);
  });
});

test('no receipt in time → EXPIRED and the reservation released', async () => {
  const h = setup();
  await h.withWorker(async (taskQueue) => {
    const before = await h.store.available();
    // a JSON number, as runs started before amounts were decimal strings carry: read exactly
    const op = await submit(taskQueue, { estimatedCost: 30.07, confirmTimeoutMs: 800, pollIntervalMs: 200 });
    expect(op.answer.code).toBe(202);
    expect(await h.store.available()).toBe(before - 30_070_000n);
    expect(await op.handle.result()).toMatchObject({ status: 'EXPIRED' });
    expect(await h.store.reservations()).toEqual({});
    expect(await h.store.available()).toBe(before);
    expect((await h.operations.get(op.operationId))?.estimatedCost).toBe(30_070_000n);
    expect((await h.operations.get(op.operationId))?.status).toBe('EXPIRED');
  });
});

test('the fallback poll confirms an operation whose signal never came, once accounting has its block', async () => {
  const h = setup();
  await h.withWorker(async (taskQueue) => {
    const op = await submit(taskQueue, { estimatedCost: '12', pollIntervalMs: 200 });
    await h.chain.dev.mine({ blocks: 2 }); // no poller runs: no signal
    await poll(async () => (await h.chain.tx.status({ operation_id: op.operationId })).status === 'confirmed', {
      description: 'the receipt on chain',
    });
    // the fallback poll found it, and settling waits: accounting does not hold the receipt yet
    await poll(
      async () =>
        (await readRange(redis, stream, '0-0', '+', 100_000)).events.some(
          (e) =>
            e.workflowId === op.workflowId &&
            e.type === 'node_failed' &&
            e.node_name === 'settleOperation' &&
            /accounting is at height/.test(e.error),
        ),
      { description: 'a settle attempt refused while accounting is behind' },
    );
    expect(await h.store.reservations()).toEqual({ [op.operationId]: 12_000_000n }); // settled only once accounting holds the receipt
    const poller = await startPoller(taskQueue, `receipt-poller-${randomUUID()}`);
    expect(await op.handle.result()).toMatchObject({ status: 'CONFIRMED' });
    expect(await h.store.reservations()).toEqual({});
    await poller.terminate('test over');
  });
});

test("the node's transient faults are retried; its cancelled-class errors are not", async () => {
  const h = setup();
  await h.withWorker(async (taskQueue) => {
    await h.chain.dev.setFault({ method: 'compute_market.submit_job', error_rate: 1 });
    const pending = submit(taskQueue, {});
    await poll(async () => (await h.chain.dev.status()).faults['compute_market.submit_job']!.injected >= 1, {
      description: 'a submit attempt to fail',
    });
    await h.chain.dev.clearFaults();
    const ok = await pending;
    expect(ok.answer.code).toBe(202);

    await h.chain.dev.setFault({ method: 'storage.put', error_rate: 1, error_code: -33003 });
    const bad = await submit(taskQueue, { market: 'storage' });
    await h.chain.dev.clearFaults();
    expect(bad.answer).toMatchObject({ status: 'failed', code: 422 });
    expect(await h.store.reservations()).not.toHaveProperty(bad.operationId);

    const { events } = await readRange(redis, stream, '0-0', '+', 100_000);
    const failures = (id: string) =>
      events.filter(
        (e) => e.workflowId === id && e.type === 'node_failed' && (e as { node_name: string }).node_name === 'submitOperation',
      ) as Array<{ retryable: boolean }>;
    expect(failures(ok.workflowId).length).toBeGreaterThanOrEqual(1);
    expect(failures(ok.workflowId).every((f) => f.retryable)).toBe(true);
    expect(failures(bad.workflowId)).toHaveLength(1);
    expect(failures(bad.workflowId)[0]!.retryable).toBe(false);
  });
});
