/**
 * The branches of `receiptPoller`: the real workflow code on the Temporal dev server, its activity
 * stubbed to the `ReceiptActivities` contract (no devnet, no Redis), short timers and runs.
 */
import { randomUUID } from 'node:crypto';
import { Context } from '@temporalio/activity';
import { WithStartWorkflowOperation, WorkflowContinuedAsNewError, type WorkflowHandle } from '@temporalio/client';
import { defaultPayloadConverter } from '@temporalio/common';
import { tsToMs } from '@temporalio/common/lib/time';
import { formatUnits, operationWorkflowId } from '@blockops/domain';
import { poll } from '@blockops/stack';
import { submitUpdate, type OperationActivities, type PollResult, type ReceiptActivities, type ReceiptPollerState } from '../src/public';
import type { operation } from '../src/operation';
import type { receiptPoller } from '../src/receipt-poller';
import { startWorkflowTestEnv, type WorkflowTestEnv } from './support/temporal';

let t: WorkflowTestEnv;
beforeAll(async () => {
  t = await startWorkflowTestEnv();
}, 60_000);
afterAll(() => t?.teardown());

interface PollCall {
  runId: string;
  batchSize: number;
  idleMaxMs?: number;
  announced?: string[];
}

/**
 * A chain that advances `perBatch` blocks a call until `head`: each call answers the next batch
 * (`next(i)` may change it), and records which run asked.
 */
function stubPoller(next: (i: number, batch: PollResult) => PollResult = (_i, b) => b, opts: { head?: number; perBatch?: number } = {}) {
  const { head = 1_000_000, perBatch = 10 } = opts;
  const calls: PollCall[] = [];
  const acts: ReceiptActivities = {
    async pollReceipts({ batchSize, idleMaxMs, announced }) {
      const i = calls.length;
      calls.push({ runId: Context.current().info.workflowExecution?.runId ?? '', batchSize, idleMaxMs, announced });
      const fromHeight = Math.min(i * perBatch, head);
      const toHeight = Math.min(fromHeight + perBatch, head);
      const seen = toHeight - fromHeight;
      return next(i, {
        applied: true,
        fromHeight,
        toHeight,
        head,
        seen,
        count: seen > 0 ? 2 : 0,
        caughtUp: toHeight === head,
        confirmations: [],
        // decimal strings, as the activity returns them
        pnl: {
          total: formatUnits(-1_500_000n * BigInt(i + 1)),
          byMarket: { compute: formatUnits(-1_500_000n * BigInt(i + 1)) },
          balance: formatUnits(100_000_000_000n - 1_500_000n * BigInt(i + 1)),
        },
      });
    },
  };
  return { acts, calls };
}

const startPoller = (taskQueue: string, input: ReceiptPollerState) =>
  t.env.client.workflow.start<typeof receiptPoller>('receiptPoller', {
    taskQueue,
    workflowId: `receipt-poller-${randomUUID()}`,
    args: [input],
  });

async function historyOf(handle: WorkflowHandle, runId: string) {
  return (await t.env.client.workflow.getHandle(handle.workflowId, runId).fetchHistory()).events ?? [];
}

test('continues as new every cyclesPerRun polls, carrying checkpoint and count; a batch already applied counts nothing', async () => {
  // the 2nd batch is a retried attempt whose range the store had already applied
  const { acts, calls } = stubPoller((i, b) => (i === 1 ? { ...b, applied: false, count: 0 } : b));
  const { handle, firstRunId } = await t.withWorker(acts, async (tq) => {
    const handle = await startPoller(tq, { cyclesPerRun: 3, batchSize: 7, pollIntervalMs: 60_000 });
    await poll(() => calls.length >= 7, { description: 'three runs of the poller', timeoutMs: 30_000 });
    await handle.terminate('test over');
    return { handle, firstRunId: handle.firstExecutionRunId };
  });
  const runs = [...new Set(calls.map((c) => c.runId))];
  expect(runs[0]).toBe(firstRunId);
  expect(calls.filter((c) => c.runId === runs[0])).toHaveLength(3);
  expect(calls.filter((c) => c.runId === runs[1])).toHaveLength(3);
  expect(calls.every((c) => c.batchSize === 7)).toBe(true);

  // the first run ended by continuing as new, not by completing
  const first = t.env.client.workflow.getHandle(handle.workflowId, firstRunId, { followRuns: false });
  await expect(first.result()).rejects.toBeInstanceOf(WorkflowContinuedAsNewError);
  // the second run started from the first's checkpoint (height 30) and count (batches 1 and 3: 20 receipts)
  const started = (await historyOf(handle, runs[1]!))[0]?.workflowExecutionStartedEventAttributes;
  expect(defaultPayloadConverter.fromPayload(started!.input!.payloads![0]!)).toEqual({
    pollIntervalMs: 60_000,
    batchSize: 7,
    cyclesPerRun: 3,
    batchTimeoutMs: 60_000,
    idleMaxMs: 60_000,
    checkpoint: 30,
    receiptsProcessed: 20,
    pauseRecheckMs: 30_000,
  });
  // never caught up: no wait between polls
  expect((await historyOf(handle, runs[0]!)).some((e) => e.timerStartedEventAttributes)).toBe(false);

  const processed = t.events.filter((e) => e.workflowId === handle.workflowId && e.type === 'receipts_processed');
  expect(processed.slice(0, 3)).toEqual([
    expect.objectContaining({ runId: runs[0], count: 10, applied: 2, from_height: 0, to_height: 10 }),
    // batch 2 (not applied) emitted nothing
    expect.objectContaining({ runId: runs[0], count: 10, applied: 2, from_height: 20, to_height: 30 }),
    expect.objectContaining({ runId: runs[1], count: 10, applied: 2, from_height: 30, to_height: 40 }),
  ]);
  expect(t.events.some((e) => e.workflowId === handle.workflowId && e.type === 'pnl_updated' && e.total === '-1.5')).toBe(true);
});

test('caught up, with idleMaxMs 0 (and runs from before polling moved into the activity): a timer of pollIntervalMs between polls, nothing emitted for empty batches', async () => {
  const { acts, calls } = stubPoller(undefined, { head: 20 });
  const { handle, runId } = await t.withWorker(acts, async (tq) => {
    const handle = await startPoller(tq, { cyclesPerRun: 100, pollIntervalMs: 150, idleMaxMs: 0 });
    // a fifth poll has started only once the fourth poll's timer is in the history
    await poll(() => calls.length >= 5, { description: 'five polls' });
    await handle.terminate('test over');
    return { handle, runId: handle.firstExecutionRunId };
  });
  const events = await historyOf(handle, runId);
  // batches 1 and 2 reach the head (20): no timer before batch 2, a 150 ms timer after every caught-up poll
  const kinds = events.flatMap((e) =>
    e.activityTaskScheduledEventAttributes
      ? ['poll']
      : e.timerStartedEventAttributes
        ? [`timer ${tsToMs(e.timerStartedEventAttributes.startToFireTimeout)} ms`]
        : [],
  );
  expect(kinds.slice(0, 7)).toEqual(['poll', 'poll', 'timer 150 ms', 'poll', 'timer 150 ms', 'poll', 'timer 150 ms']);
  const processed = t.events.filter((e) => e.workflowId === handle.workflowId && e.type === 'receipts_processed');
  expect(processed.map((e) => e.type === 'receipts_processed' && e.to_height)).toEqual([10, 20]);
});

test('signals the operations its receipts confirm; one that has already ended (or never ran) does not stop it', async () => {
  const opActs: OperationActivities = {
    checkEmergency: async () => ({ allows: true }),
    checkGate: async (market) => (market === 'ad' ? { admits: false, state: 'Halt', reason: 'closed for the test' } : { admits: true }),
    reserveFunds: async () => ({ ok: true, available: '500' }),
    submitOperation: async (req) => ({ txHash: `0x${req.operationId}`, submittedHeight: 1 }),
    readOperationStatus: async () => ({ status: 'pending' }),
    settleOperation: async (s) => ({ status: s.outcome, blockHeight: s.blockHeight, actualCost: s.actualCost }),
  };
  const ended = `ended-${randomUUID().slice(0, 8)}`;
  const waiting = `waiting-${randomUUID().slice(0, 8)}`;
  const confirmation = (operationId: string, blockHeight: number) => ({
    operationId,
    blockHeight,
    actualCost: '9.5',
    receiptId: `r-${operationId}`,
  });
  const { acts, calls } = stubPoller(
    (i, b) => (i === 0 ? { ...b, confirmations: [confirmation(ended, 5), confirmation('never-ran', 6), confirmation(waiting, 7)] } : b),
    { head: 10 },
  );
  const { result, pollerHistory } = await t.withWorker({ ...opActs, ...acts }, async (tq) => {
    const submit = async (operationId: string, market: 'ad' | 'compute') => {
      const start = new WithStartWorkflowOperation<typeof operation>('operation', {
        workflowId: operationWorkflowId(operationId),
        taskQueue: tq,
        args: [{ operationId, market, estimatedCost: '10', confirmTimeoutMs: 60_000, pollIntervalMs: 60_000 }],
        workflowIdConflictPolicy: 'USE_EXISTING',
      });
      const answer = await t.env.client.workflow.executeUpdateWithStart(submitUpdate, { startWorkflowOperation: start });
      return { answer, handle: await start.workflowHandle() };
    };
    const refused = await submit(ended, 'ad');
    expect(refused.answer.code).toBe(409);
    await expect(refused.handle.result()).rejects.toThrow(); // ended before its "receipt" arrives
    const pending = await submit(waiting, 'compute');
    expect(pending.answer.code).toBe(202);

    const poller = await startPoller(tq, { pollIntervalMs: 50 });
    const result = await pending.handle.result();
    await poll(() => calls.length >= 3, { description: 'the poller polling on after its signals' });
    expect((await poller.describe()).status.name).toBe('RUNNING');
    await poller.terminate('test over');
    return { result, pollerHistory: await historyOf(poller, poller.firstExecutionRunId) };
  });
  expect(result).toMatchObject({ operationId: waiting, status: 'CONFIRMED', blockHeight: 7, actualCost: '9.5' });
  // all three were signalled: the ended and the unknown one failed, which the poller shrugged off
  const signalled = pollerHistory.flatMap((e) =>
    e.externalWorkflowExecutionSignaledEventAttributes
      ? ['delivered']
      : e.signalExternalWorkflowExecutionFailedEventAttributes
        ? ['not found']
        : [],
  );
  expect(signalled.sort()).toEqual(['delivered', 'not found', 'not found']);
});

test('caught up: the activity waits (idleMaxMs and pollIntervalMs handed to it), the workflow writes no timer', async () => {
  const { acts, calls } = stubPoller(undefined, { head: 20 });
  const { handle, runId } = await t.withWorker(acts, async (tq) => {
    const handle = await startPoller(tq, { cyclesPerRun: 100, pollIntervalMs: 150, idleMaxMs: 5000 });
    await poll(() => calls.length >= 4, { description: 'four polls' });
    await handle.terminate('test over');
    return { handle, runId: handle.firstExecutionRunId };
  });
  const events = await historyOf(handle, runId);
  expect(events.some((e) => e.timerStartedEventAttributes)).toBe(false);
  expect(calls.every((c) => c.idleMaxMs === 5000)).toBe(true);
  // an attempt that stops heartbeating is retried: the activity is scheduled with a heartbeat timeout
  const scheduled = events.find((e) => e.activityTaskScheduledEventAttributes)!.activityTaskScheduledEventAttributes!;
  expect(tsToMs(scheduled.heartbeatTimeout)).toBe(60_000 + 150);
});

test("late confirmations are announced as the operation's CONFIRMED status, once, and acknowledged in the next call", async () => {
  const late = {
    operationId: `late-${randomUUID().slice(0, 8)}`,
    market: 'compute',
    blockHeight: 8,
    actualCost: '12.5',
    receiptId: 'r-8',
    lateFrom: 'EXPIRED',
  };
  const { acts, calls } = stubPoller((i, b) => (i === 0 ? { ...b, late: [late] } : b), { head: 30 });
  const handle = await t.withWorker(acts, async (tq) => {
    const handle = await startPoller(tq, { pollIntervalMs: 50, idleMaxMs: 1000 });
    await poll(() => calls.length >= 3, { description: 'three polls' });
    await handle.terminate('test over');
    return handle;
  });
  expect(calls[0]!.announced).toEqual([]);
  expect(calls[1]!.announced).toEqual([late.operationId]); // acknowledged in the next call …
  expect(calls[2]!.announced).toEqual([]); // … once
  const announced = t.events.filter((e) => e.workflowId === handle.workflowId && e.type === 'operation_status_changed');
  expect(announced).toEqual([
    expect.objectContaining({
      operation_id: late.operationId,
      status: 'CONFIRMED',
      details: {
        market: 'compute',
        late: true,
        previous_status: 'EXPIRED',
        block_height: 8,
        actual_cost: '12.5',
        receipt_id: 'r-8',
        workflow_id: operationWorkflowId(late.operationId),
      },
    }),
  ]);
});
