/**
 * The receipt poller and the operation workflow against the real Temporal dev server, the real
 * devnet process (blocks mined on demand, so every test decides when receipts appear) and Redis.
 */
import { randomUUID } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { defaultPayloadConverter } from '@temporalio/common';
import { Worker } from '@temporalio/worker';
import { WithStartWorkflowOperation, WorkflowFailedError } from '@temporalio/client';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import { readRange } from '@blockops/events';
import { poll } from '@blockops/stack';
import type { operation } from '@blockops/workflows';
import { submitUpdate } from '@blockops/workflows/public';
import { formatUnits, parseAmount } from '@blockops/domain';
import { createReceiptActivities } from '../src/activities/receipts';
import { useWorkerTestEnv } from './support/worker-env';

import { expectAccountingMatches, ledgerOracle, storeMicro } from './support/oracle';

const root = path.resolve(__dirname, '../../..');
const ACCOUNT = '0xblockops';
const noopSinks = { events: { emit: { fn: () => {}, callDuringReplay: false } } };
const servers = useWorkerTestEnv({ devnetArgs: ['--block-interval-ms', '3600000', '--confirm-blocks', '2', '--seed', '5'] });

function setup(extra: { gateCacheMs?: number } = {}) {
  return servers.harness({ ...extra, account: ACCOUNT });
}
/** The independent oracle (a plain loop over the node's receipt log and ledger), as of `toHeight`. */
const oracle = (toHeight: number) => ledgerOracle({ url: servers.devnet.urls.devnet! }, ACCOUNT, toHeight, '100000');

const startPoller = (taskQueue: string, workflowId: string, input: Record<string, unknown> = {}) =>
  servers.client.workflow.start('receiptPoller', {
    taskQueue,
    workflowId,
    args: [{ pollIntervalMs: 50, batchSize: 100, idleMaxMs: 2000, ...input }],
  });

test('the poller applies every receipt of ours exactly once across continue-as-new; P&L equals the independent oracle', async () => {
  const h = setup();
  const workflowId = `receipt-poller-${randomUUID()}`;
  await h.withWorker(async (taskQueue) => {
    // spends (operations, confirmed 2 blocks after submission) as well as earnings (our provider account)
    const ops = await Promise.all(
      (['compute', 'storage', 'energy'] as const).map((market, i) => submit(taskQueue, { market, estimatedCost: `${17 + i}.3` })),
    );
    expect(ops.map((o) => o.answer.code)).toEqual([202, 202, 202]);
    await h.chain.dev.mine({ blocks: 300 });
    const head = (await h.chain.light.latestHeader()).height;
    const handle = await startPoller(taskQueue, workflowId, { cyclesPerRun: 3 });
    await poll(() => h.store.checkpoint(), { until: (cp) => cp >= head, description: `the poller to reach the head (${head})` });
    for (const op of ops) expect(await op.handle.result()).toMatchObject({ status: 'CONFIRMED' });
    // continued as new, carrying the checkpoint (visibility lists every run)
    await poll(
      async () => {
        let runs = 0;
        for await (const _ of servers.client.workflow.list({ query: `WorkflowId = '${workflowId}'` })) runs++;
        return runs > 1;
      },
      { description: 'several runs in visibility' },
    );
    await handle.terminate('test over');
  });
  const { state, checkpoint } = await h.store.snapshot();
  const head = (await h.chain.light.latestHeader()).height;
  expect(checkpoint).toBe(head);
  const expected = await oracle(head);
  expect(expected.operationSpends).toBeGreaterThanOrEqual(3);
  expect(expected.earnings).toBeGreaterThan(0);
  expectAccountingMatches(state, expected);

  const { events } = await readRange(servers.redis, servers.stream, '0-0', '+', 100_000);
  const processed = events.filter((e) => e.workflowId === workflowId && e.type === 'receipts_processed') as Array<{
    count: number;
    applied?: number;
    from_height: number;
    to_height: number;
  }>;
  expect(processed.reduce((s, e) => s + (e.applied ?? 0), 0)).toBe(expected.receipts);
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
  expectAccountingMatches(state, await oracle(checkpoint));
});

/** Replay guard: saves the histories the replay test replays (UPDATE_FIXTURES=1), and replays them right now too. */
async function saveAndReplay(runs: Array<[workflowId: string, fixture: string]>) {
  for (const [id, file] of runs) {
    const history = await servers.client.workflow.getHandle(id).fetchHistory();
    if (process.env.UPDATE_FIXTURES) writeFileSync(path.join(root, `workflows/test/fixtures/${file}.history.json`), historyToJSON(history));
    await Worker.runReplayHistory({ workflowBundle: servers.bundle, sinks: noopSinks }, history, id);
  }
}

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
  const answer = await servers.client.workflow.executeUpdateWithStart(submitUpdate, { startWorkflowOperation: start });
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
    const onChain = await h.chain.tx.status({ operation_id: op.operationId });
    expect(await h.operations.get(op.operationId)).toMatchObject({
      actualCost: parseAmount(result.actualCost!),
      blockHeight: onChain.block_height,
      receiptId: onChain.receipt_id,
    });
    expect(await h.store.reservations()).toEqual({});
    expect((await h.operations.get(op.operationId))?.status).toBe('CONFIRMED');
    const { events } = await readRange(servers.redis, servers.stream, '0-0', '+', 100_000);
    expect(
      events
        .filter((e) => e.workflowId === op.workflowId && e.type === 'operation_status_changed')
        .map((e) => (e as { status: string }).status),
    ).toEqual(['SUBMITTED', 'CONFIRMED']);
    await poller.terminate('test over');
    // the activity signalled it (no SignalExternal from the poller's workflow); the operation got it
    const pollerEvents = (await poller.fetchHistory()).events ?? [];
    const patches = pollerEvents
      .filter((e) => e.markerRecordedEventAttributes?.markerName === 'core_patch')
      .map(
        (e) =>
          defaultPayloadConverter.fromPayload<{ id: string }>(e.markerRecordedEventAttributes!.details!['patch-data']!.payloads![0]!).id,
      );
    expect(patches).toContain('receipt-poller-signals-in-activity');
    expect(pollerEvents.filter((e) => e.signalExternalWorkflowExecutionInitiatedEventAttributes)).toEqual([]);
    const opEvents = (await op.handle.fetchHistory()).events ?? [];
    expect(opEvents.filter((e) => e.workflowExecutionSignaledEventAttributes?.signalName === 'receiptConfirmed')).toHaveLength(1);

    await saveAndReplay([
      // operation-confirmed.history.json and operation-local-activities.history.json are the same run recorded
      // before the local submit and before the local settle (kept: they must still replay)
      [op.workflowId, 'operation-local-settle'],
      // receipt-poller-confirms-workflow-signals.history.json: the same run before the activity signalled (kept: it must still replay)
      [poller.workflowId, 'receipt-poller-confirms'],
    ]);
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
        (await readRange(servers.redis, servers.stream, '0-0', '+', 100_000)).events.some(
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
  try {
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

      const { events } = await readRange(servers.redis, servers.stream, '0-0', '+', 100_000);
      const failures = (id: string) =>
        events.filter(
          (e) => e.workflowId === id && e.type === 'node_failed' && (e as { node_name: string }).node_name === 'submitOperation',
        ) as Array<{ retryable: boolean }>;
      expect(failures(ok.workflowId).length).toBeGreaterThanOrEqual(1);
      expect(failures(ok.workflowId).every((f) => f.retryable)).toBe(true);
      expect(failures(bad.workflowId)).toHaveLength(1);
      expect(failures(bad.workflowId)[0]!.retryable).toBe(false);
    });
  } finally {
    await h.chain.dev.clearFaults();
  }
});

test('a receipt after the operation EXPIRED confirms it late: record, reservation, P&L and events agree', async () => {
  // the reproduction: confirmTimeoutMs 100, the receipt lands after the operation ended
  const h = setup();
  await h.withWorker(async (taskQueue) => {
    const poller = await startPoller(taskQueue, `receipt-poller-${randomUUID()}`);
    const op = await submit(taskQueue, { estimatedCost: '33', confirmTimeoutMs: 100, pollIntervalMs: 50 });
    expect(op.answer.code).toBe(202);
    const expired = await op.handle.result();
    expect(expired).toMatchObject({ status: 'EXPIRED' });
    expect(expired.reason).toContain('the node reports it pending'); // asked before expiring
    expect(await h.store.reservations()).toEqual({});

    await h.chain.dev.mine({ blocks: 2 }); // the receipt lands
    const onChain = await h.chain.tx.status({ operation_id: op.operationId });
    expect(onChain.status).toBe('confirmed');
    await poll(async () => (await h.operations.get(op.operationId))?.status === 'CONFIRMED', { description: 'the late confirmation' });
    const record = (await h.operations.get(op.operationId))!;
    expect(record).toMatchObject({
      status: 'CONFIRMED',
      lateFrom: 'EXPIRED',
      blockHeight: onChain.block_height,
      actualCost: onChain.actual_cost,
      receiptId: onChain.receipt_id,
    });
    // reservation, P&L and record agree: nothing reserved, the charge booked once, P&L equals the chain's log
    expect(await h.store.reservations()).toEqual({});
    const { state, checkpoint } = await h.store.snapshot();
    expect(checkpoint).toBeGreaterThanOrEqual(onChain.block_height!);
    expectAccountingMatches(state, await oracle(checkpoint));
    expect(storeMicro(await h.store.available())).toBe(storeMicro(state.balance));
    const history = await h.store.history({ limit: 1000, offset: 0 });
    expect(history.items.filter((r) => r.id === onChain.receipt_id)).toEqual([
      expect.objectContaining({ direction: 'spend', amount: onChain.actual_cost }),
    ]);
    // announced once, as the operation's event, and counted
    await poll(
      async () =>
        (await readRange(servers.redis, servers.stream, '0-0', '+', 100_000)).events.some(
          (e) => e.type === 'operation_status_changed' && e.operation_id === op.operationId && e.status === 'CONFIRMED',
        ),
      { description: 'the late event' },
    );
    const late = (await readRange(servers.redis, servers.stream, '0-0', '+', 100_000)).events.filter(
      (e) => e.type === 'operation_status_changed' && e.operation_id === op.operationId,
    );
    expect(late.map((e) => (e as { status: string }).status)).toEqual(['SUBMITTED', 'EXPIRED', 'CONFIRMED']);
    expect((late[2] as { details?: Record<string, unknown> }).details).toMatchObject({
      late: true,
      previous_status: 'EXPIRED',
      block_height: onChain.block_height,
      actual_cost: formatUnits(onChain.actual_cost!), // an exact decimal string, like every amount in an event
      workflow_id: op.workflowId,
    });
    expect((await h.metrics.lateConfirmations.get()).values.find((v) => v.labels.market === 'compute')?.value).toBe(1);
    await poll(async () => (await h.store.unannounced()).length === 0, { description: 'the announcement acknowledged' });
    await poller.terminate('test over');
    await saveAndReplay([
      [op.workflowId, 'operation-expired-late'],
      [poller.workflowId, 'receipt-poller-late'],
    ]);
  });
});

test('EXPIRED never hides a charge: a receipt already on chain at the deadline confirms the operation', async () => {
  const h = setup();
  await h.withWorker(async (taskQueue) => {
    // no poller yet and no fallback poll before the deadline: only the check at the deadline can see the receipt
    const op = await submit(taskQueue, { estimatedCost: '21', confirmTimeoutMs: 1500, pollIntervalMs: 3_600_000 });
    await h.chain.dev.mine({ blocks: 2 });
    expect((await h.chain.tx.status({ operation_id: op.operationId })).status).toBe('confirmed');
    const nodeEvents = async (name: string) =>
      (await readRange(servers.redis, servers.stream, '0-0', '+', 100_000)).events.filter(
        (e) => e.workflowId === op.workflowId && e.type === 'node_started' && e.node_name === name,
      );
    // the deadline passed and the workflow asked the node (the only tx.status read: the fallback poll is an hour away)
    await poll(async () => (await nodeEvents('readOperationStatus')).length === 1, { description: 'the check at the deadline' });
    // it found the receipt and waits for accounting to hold its block before settling
    await poll(async () => (await nodeEvents('settleOperation')).length >= 1, { description: 'the settlement waiting for accounting' });
    expect((await h.operations.get(op.operationId))?.status).toBe('SUBMITTED');
    const poller = await startPoller(taskQueue, `receipt-poller-${randomUUID()}`);
    const result = await op.handle.result();
    expect(result).toMatchObject({ status: 'CONFIRMED', blockHeight: expect.any(Number) });
    expect((await h.operations.get(op.operationId))?.status).toBe('CONFIRMED');
    expect((await h.operations.get(op.operationId))?.lateFrom).toBeUndefined();
    expect(await h.store.reservations()).toEqual({});
    await poller.terminate('test over');
  });
});
