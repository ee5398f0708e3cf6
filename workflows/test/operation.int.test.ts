/**
 * Every branch of the `operation` workflow: the real workflow code on the Temporal dev server,
 * activities stubbed to the `OperationActivities` contract (no devnet, no Redis), short timers.
 */
import { randomUUID } from 'node:crypto';
import { WithStartWorkflowOperation, WorkflowFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { ERROR_NAMES, formatUnits, operationWorkflowId, parseAmount, type ErrorClass, type OperationInput } from '@blockops/domain';
import { poll } from '@blockops/stack';
import {
  CORRELATION_ID_KEY,
  MARKET_KEY,
  STATUS_KEY,
  operationStatusQuery,
  receiptConfirmedSignal,
  submitUpdate,
  type ClassifiedFailureDetails,
  type OperationActivities,
} from '../src/public';
import type { operation } from '../src/operation';
import { startWorkflowTestEnv, type WorkflowTestEnv } from './support/temporal';

let t: WorkflowTestEnv;
beforeAll(async () => {
  t = await startWorkflowTestEnv();
}, 60_000);
afterAll(() => t?.teardown());

/** Stubs that admit, reserve and submit; `over` replaces some. Each is a jest.fn, so calls can be checked. */
function stubActivities(over: Partial<OperationActivities> = {}) {
  const impl: OperationActivities = {
    checkEmergency: async () => ({ allows: true }),
    checkGate: async () => ({ admits: true }),
    // amounts cross the activity boundary as decimal strings
    reserveFunds: async (_id, amount) => ({ ok: true, available: formatUnits(parseAmount('1000') - parseAmount(amount)) }),
    submitOperation: async (req) => ({ txHash: `0xtx-${req.operationId}`, submittedHeight: 10 }),
    readOperationStatus: async () => ({ status: 'pending' }),
    settleOperation: async (s) => ({ status: s.outcome, blockHeight: s.blockHeight, actualCost: s.actualCost }),
    ...over,
  };
  return {
    checkEmergency: jest.fn(impl.checkEmergency),
    checkGate: jest.fn(impl.checkGate),
    reserveFunds: jest.fn(impl.reserveFunds),
    submitOperation: jest.fn(impl.submitOperation),
    readOperationStatus: jest.fn(impl.readOperationStatus),
    settleOperation: jest.fn(impl.settleOperation),
  } satisfies OperationActivities;
}

/** A failure as the worker's `classified()` raises it from a ChainError. */
function chainFailure(errorClass: ErrorClass, message: string, details: ClassifiedFailureDetails) {
  return ApplicationFailure.create({
    type: ERROR_NAMES[errorClass],
    message,
    nonRetryable: errorClass !== 'transient',
    details: [details],
  });
}

/** Update-with-Start, as `POST /api/operations` does it. */
async function submit(taskQueue: string, input: Partial<OperationInput> = {}) {
  const operationId = input.operationId ?? `t${randomUUID().slice(0, 12)}`;
  const workflowId = operationWorkflowId(operationId);
  const start = new WithStartWorkflowOperation<typeof operation>('operation', {
    workflowId,
    taskQueue,
    args: [{ operationId, market: 'compute', estimatedCost: '25', units: 2, confirmTimeoutMs: 60_000, pollIntervalMs: 60_000, ...input }],
    workflowIdConflictPolicy: 'USE_EXISTING',
    workflowIdReusePolicy: 'ALLOW_DUPLICATE_FAILED_ONLY',
  });
  const answer = await t.env.client.workflow.executeUpdateWithStart(submitUpdate, { startWorkflowOperation: start });
  return { operationId, workflowId, answer, handle: await start.workflowHandle() };
}

const statuses = (workflowId: string) =>
  t.events.flatMap((e) => (e.workflowId === workflowId && e.type === 'operation_status_changed' ? [e.status] : []));

/** The run ended as failed, with the workflow's own failure type (so the id may be submitted again). */
async function failedAs(result: Promise<unknown>, type: 'OperationRejected' | 'OperationFailed') {
  const err = await result.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(WorkflowFailedError);
  const cause = (err as WorkflowFailedError).cause;
  expect(cause).toBeInstanceOf(ApplicationFailure);
  expect((cause as ApplicationFailure).type).toBe(type);
}

describe('refused before anything is submitted', () => {
  test('the emergency controller is in HALT → 409 naming the halt; no gate read, nothing reserved or submitted', async () => {
    const acts = stubActivities({ checkEmergency: async () => ({ allows: false, state: 'HALT', reason: 'incident 7' }) });
    const op = await t.withWorker(acts, async (tq) => {
      const op = await submit(tq);
      await failedAs(op.handle.result(), 'OperationRejected');
      return op;
    });
    expect(op.answer).toEqual({
      status: 'rejected',
      code: 409,
      operationId: op.operationId,
      message: 'halted: the emergency controller is in HALT (incident 7); no new operations until RESUME',
      halt: { state: 'HALT', reason: 'incident 7' },
    });
    expect(acts.checkGate).not.toHaveBeenCalled();
    expect(acts.reserveFunds).not.toHaveBeenCalled();
    expect(acts.submitOperation).not.toHaveBeenCalled();
    expect(acts.settleOperation.mock.calls.map(([s]) => s.outcome)).toEqual(['REJECTED']);
  });

  test('a HALT acknowledged between admission and submit: the permit refuses, 409 naming it, submitted never, released', async () => {
    const acts = stubActivities({
      submitOperation: async () => {
        throw ApplicationFailure.create({
          type: 'EmergencyHalted',
          message: 'halted: HALT (late halt)',
          nonRetryable: true,
          details: [{ state: 'HALT', reason: 'late halt' }],
        });
      },
    });
    const op = await t.withWorker(acts, async (tq) => {
      const op = await submit(tq);
      await failedAs(op.handle.result(), 'OperationRejected');
      return op;
    });
    expect(op.answer).toMatchObject({ status: 'rejected', code: 409, halt: { state: 'HALT', reason: 'late halt' } });
    // non-retryable: the permit was asked once, and the reservation released
    expect(acts.submitOperation).toHaveBeenCalledTimes(1);
    expect(acts.readOperationStatus).not.toHaveBeenCalled();
    expect(acts.settleOperation.mock.calls.map(([s]) => s.outcome)).toEqual(['REJECTED']);
  });

  test('gate closed at the gate check → 409 naming the gate; nothing reserved or submitted', async () => {
    const acts = stubActivities({ checkGate: async () => ({ admits: false, state: 'Halt', reason: 'maintenance' }) });
    const op = await t.withWorker(acts, async (tq) => {
      const op = await submit(tq, { market: 'energy' });
      await failedAs(op.handle.result(), 'OperationRejected');
      return op;
    });
    expect(op.answer).toEqual({
      status: 'rejected',
      code: 409,
      operationId: op.operationId,
      message: 'gate closed: energy is Halt (maintenance)',
      gate: { market: 'energy', state: 'Halt', reason: 'maintenance' },
    });
    expect(acts.checkGate).toHaveBeenCalledWith('energy');
    expect(acts.reserveFunds).not.toHaveBeenCalled();
    expect(acts.submitOperation).not.toHaveBeenCalled();
    expect(acts.settleOperation.mock.calls).toEqual([
      [
        {
          operationId: op.operationId,
          market: 'energy',
          estimatedCost: '25',
          outcome: 'REJECTED',
          reason: 'gate closed: energy is Halt (maintenance)',
        },
      ],
    ]);
    expect(statuses(op.workflowId)).toEqual(['REJECTED']);
  });

  test('reservation refused → 402 naming need and available; nothing submitted; released', async () => {
    const acts = stubActivities({ reserveFunds: async (_id, amount) => ({ ok: false, need: amount, available: '10' }) });
    const op = await t.withWorker(acts, async (tq) => {
      const op = await submit(tq, { estimatedCost: '25' });
      await failedAs(op.handle.result(), 'OperationRejected');
      return op;
    });
    expect(op.answer).toEqual({
      status: 'rejected',
      code: 402,
      operationId: op.operationId,
      message: 'insufficient balance: need 25, available 10',
      need: '25',
      available: '10',
    });
    expect(acts.reserveFunds).toHaveBeenCalledWith(op.operationId, '25');
    expect(acts.submitOperation).not.toHaveBeenCalled();
    expect(acts.settleOperation).toHaveBeenCalledTimes(1);
    expect(acts.settleOperation).toHaveBeenCalledWith(expect.objectContaining({ operationId: op.operationId, outcome: 'REJECTED' }));
    expect(statuses(op.workflowId)).toEqual(['REJECTED']);
  });
});

describe('refused or failed by the node', () => {
  test('gate closed at the node (the cached gate still showed it open) → 409 from the node, submitted once, released', async () => {
    const gate = { market: 'ad' as const, state: 'Halt' as const, reason: 'governor vote' };
    const acts = stubActivities({
      submitOperation: async () => {
        throw chainFailure('cancelled', 'ad_market.create_campaign: market gate is closed', {
          reason: 'gate_closed',
          rpcCode: -33004,
          data: gate,
        });
      },
    });
    const op = await t.withWorker(acts, async (tq) => {
      const op = await submit(tq, { market: 'ad' });
      await failedAs(op.handle.result(), 'OperationRejected');
      return op;
    });
    expect(op.answer).toEqual({
      status: 'rejected',
      code: 409,
      operationId: op.operationId,
      message: 'ad_market.create_campaign: market gate is closed',
      gate,
    });
    expect(acts.reserveFunds).toHaveBeenCalledWith(op.operationId, '25');
    expect(acts.submitOperation).toHaveBeenCalledTimes(1); // cancelled-class: never retried
    expect(acts.submitOperation).toHaveBeenCalledWith({ operationId: op.operationId, market: 'ad', estimatedCost: '25', units: 2 });
    expect(acts.readOperationStatus).not.toHaveBeenCalled();
    expect(acts.settleOperation).toHaveBeenCalledWith(expect.objectContaining({ outcome: 'REJECTED', market: 'ad' }));
    expect(statuses(op.workflowId)).toEqual(['REJECTED']);
  });

  test("the node's insufficient_balance → 402 with the node's need and available, released", async () => {
    const acts = stubActivities({
      submitOperation: async () => {
        throw chainFailure('cancelled', 'storage.put: insufficient balance', {
          reason: 'insufficient_balance',
          rpcCode: -33001,
          data: { need: '25', available: '3' }, // as the worker passes them: decimal strings
        });
      },
    });
    const op = await t.withWorker(acts, async (tq) => {
      const op = await submit(tq, { market: 'storage' });
      await failedAs(op.handle.result(), 'OperationRejected');
      return op;
    });
    expect(op.answer).toMatchObject({
      status: 'rejected',
      code: 402,
      need: '25',
      available: '3',
      message: 'storage.put: insufficient balance',
    });
    expect(acts.submitOperation).toHaveBeenCalledTimes(1);
    expect(acts.settleOperation).toHaveBeenCalledWith(expect.objectContaining({ outcome: 'REJECTED' }));
  });

  test('any other cancelled-class refusal → 422 FAILED, not retried, the node not asked again, released', async () => {
    const acts = stubActivities({
      submitOperation: async () => {
        throw chainFailure('cancelled', 'energy.trade: invalid destination', { reason: 'invalid_destination', rpcCode: -33003 });
      },
    });
    const op = await t.withWorker(acts, async (tq) => {
      const op = await submit(tq, { market: 'energy' });
      await failedAs(op.handle.result(), 'OperationFailed');
      return op;
    });
    expect(op.answer).toEqual({ status: 'failed', code: 422, operationId: op.operationId, message: 'energy.trade: invalid destination' });
    expect(acts.submitOperation).toHaveBeenCalledTimes(1);
    expect(acts.readOperationStatus).not.toHaveBeenCalled();
    expect(acts.settleOperation.mock.calls).toEqual([
      [expect.objectContaining({ operationId: op.operationId, outcome: 'FAILED', reason: 'energy.trade: invalid destination' })],
    ]);
    expect(statuses(op.workflowId)).toEqual(['FAILED']);
  });

  test('transient failures through every retry, and the node does not know the operation → 502 FAILED, released', async () => {
    const acts = stubActivities({
      submitOperation: async () => {
        throw chainFailure('transient', 'compute_market.submit_job: node answered HTTP 503', { reason: 'http_5xx' });
      },
      readOperationStatus: async () => ({ status: 'unknown' }),
    });
    const op = await t.withWorker(acts, async (tq) => {
      const op = await submit(tq);
      await failedAs(op.handle.result(), 'OperationFailed');
      return op;
    });
    expect(op.answer).toEqual({
      status: 'failed',
      code: 502,
      operationId: op.operationId,
      message: 'compute_market.submit_job: node answered HTTP 503',
    });
    expect(acts.submitOperation).toHaveBeenCalledTimes(4); // the retry policy's maximumAttempts
    expect(acts.readOperationStatus.mock.calls).toEqual([[op.operationId]]);
    expect(acts.settleOperation).toHaveBeenCalledWith(expect.objectContaining({ outcome: 'FAILED' }));
  });

  test('transient failures, but the submit did reach the node → 202 with the hash the node reports', async () => {
    const acts = stubActivities({
      submitOperation: async () => {
        throw chainFailure('transient', 'compute_market.submit_job: node did not answer within 5000 ms', { reason: 'timeout' });
      },
      readOperationStatus: async () => ({ status: 'pending', txHash: '0xknown' }),
    });
    const op = await t.withWorker(acts, async (tq) => {
      const op = await submit(tq);
      await op.handle.terminate('test over');
      return op;
    });
    expect(op.answer).toEqual({ status: 'submitted', code: 202, operationId: op.operationId, txHash: '0xknown' });
    expect(acts.settleOperation).not.toHaveBeenCalled(); // still reserved: waiting for its receipt
    expect(statuses(op.workflowId)).toEqual(['SUBMITTED']);
  });
});

describe('submitted, then confirmed or expired', () => {
  test('the poller’s signal confirms it: CONFIRMED with the receipt’s height and cost; the reservation settled', async () => {
    const acts = stubActivities();
    const { op, result, whileWaiting } = await t.withWorker(acts, async (tq) => {
      const op = await submit(tq, { estimatedCost: '25' });
      const whileWaiting = await op.handle.query(operationStatusQuery);
      await op.handle.signal(receiptConfirmedSignal, {
        operationId: op.operationId,
        blockHeight: 12,
        actualCost: '24.5',
        receiptId: 'r-12',
      });
      // a second signal (a replayed batch) changes nothing
      await op.handle.signal(receiptConfirmedSignal, { operationId: op.operationId, blockHeight: 99, actualCost: '1', receiptId: 'r-99' });
      return { op, whileWaiting, result: await op.handle.result() };
    });
    expect(op.answer).toEqual({ status: 'submitted', code: 202, operationId: op.operationId, txHash: `0xtx-${op.operationId}` });
    expect(whileWaiting).toMatchObject({ status: 'SUBMITTED', txHash: `0xtx-${op.operationId}`, market: 'compute', estimatedCost: '25' });
    expect(result).toEqual({
      operationId: op.operationId,
      status: 'CONFIRMED',
      txHash: `0xtx-${op.operationId}`,
      blockHeight: 12,
      actualCost: '24.5',
    });
    expect(acts.readOperationStatus).not.toHaveBeenCalled(); // the fallback poll (60 s) never came due
    // Settled by the first signal's receipt only. A local activity runs at least once: when the second
    // signal lands while it runs, the server refuses that task's completion and the settle runs again,
    // with the same settlement (the settle script is idempotent on the operation id).
    expect(acts.settleOperation.mock.calls.length).toBeGreaterThanOrEqual(1);
    for (const call of acts.settleOperation.mock.calls)
      expect(call).toEqual([
        { operationId: op.operationId, market: 'compute', estimatedCost: '25', outcome: 'CONFIRMED', blockHeight: 12, actualCost: '24.5' },
      ]);
    expect(statuses(op.workflowId)).toEqual(['SUBMITTED', 'CONFIRMED']);
  });

  test('no signal: the fallback poll of tx.status confirms it', async () => {
    let reads = 0;
    const acts = stubActivities({
      readOperationStatus: async () =>
        ++reads < 2 ? { status: 'pending' } : { status: 'confirmed', blockHeight: 15, actualCost: '26', receiptId: 'r-15' },
    });
    const result = await t.withWorker(acts, async (tq) => (await submit(tq, { pollIntervalMs: 100 })).handle.result());
    expect(result).toMatchObject({ status: 'CONFIRMED', blockHeight: 15, actualCost: '26' });
    expect(acts.readOperationStatus).toHaveBeenCalledTimes(2);
    expect(acts.settleOperation).toHaveBeenCalledWith(expect.objectContaining({ outcome: 'CONFIRMED', blockHeight: 15, actualCost: '26' }));
  });

  test('no receipt before confirmTimeoutMs → EXPIRED, the reservation released', async () => {
    const acts = stubActivities();
    const { op, result } = await t.withWorker(acts, async (tq) => {
      const op = await submit(tq, { confirmTimeoutMs: 300, pollIntervalMs: 100 });
      return { op, result: await op.handle.result() };
    });
    expect(result).toEqual({
      operationId: op.operationId,
      status: 'EXPIRED',
      txHash: `0xtx-${op.operationId}`,
      reason: 'no confirming receipt within 300 ms (the node reports it pending)',
    });
    expect(acts.readOperationStatus.mock.calls.length).toBeGreaterThanOrEqual(1);
    expect(acts.settleOperation.mock.calls).toEqual([
      [
        {
          operationId: op.operationId,
          market: 'compute',
          estimatedCost: '25',
          outcome: 'EXPIRED',
          reason: 'no confirming receipt within 300 ms (the node reports it pending)',
        },
      ],
    ]);
    expect(statuses(op.workflowId)).toEqual(['SUBMITTED', 'EXPIRED']);
    // findable as what it is: an EXPIRED compute operation (Temporal itself says Completed)
    const d = await op.handle.describe();
    expect(d.status.name).toBe('COMPLETED');
    expect(d.typedSearchAttributes.get(MARKET_KEY)).toBe('compute');
    expect(d.typedSearchAttributes.get(STATUS_KEY)).toBe('EXPIRED');
    expect(d.typedSearchAttributes.get(CORRELATION_ID_KEY)).toBe(op.workflowId); // started without one: the workflow id
  });

  test('at the deadline the node already holds the receipt → CONFIRMED, never EXPIRED over a charge', async () => {
    let reads = 0;
    const acts = stubActivities({
      // the fallback poll (an hour away) never runs: only the check at the deadline sees the receipt
      readOperationStatus: async () =>
        ++reads === 1 ? { status: 'confirmed', blockHeight: 21, actualCost: '24', receiptId: 'r-21' } : { status: 'pending' },
    });
    const result = await t.withWorker(acts, async (tq) =>
      (await submit(tq, { confirmTimeoutMs: 200, pollIntervalMs: 3_600_000 })).handle.result(),
    );
    expect(result).toMatchObject({ status: 'CONFIRMED', blockHeight: 21, actualCost: '24' });
    expect(acts.readOperationStatus).toHaveBeenCalledTimes(1);
    expect(acts.settleOperation).toHaveBeenCalledWith(expect.objectContaining({ outcome: 'CONFIRMED', blockHeight: 21, actualCost: '24' }));
  });

  test('the store found a charge under the expiry: the run ends CONFIRMED with what the chain booked', async () => {
    const acts = stubActivities({
      // the receipt was applied between the node check and the settle: the store records CONFIRMED
      settleOperation: async () => ({ status: 'CONFIRMED', blockHeight: 30, actualCost: '26.1' }),
    });
    const { op, result } = await t.withWorker(acts, async (tq) => {
      const op = await submit(tq, { confirmTimeoutMs: 200, pollIntervalMs: 3_600_000 });
      return { op, result: await op.handle.result() };
    });
    expect(result).toMatchObject({ status: 'CONFIRMED', blockHeight: 30, actualCost: '26.1' });
    expect(result.reason).toBeUndefined();
    expect(acts.settleOperation).toHaveBeenCalledWith(expect.objectContaining({ outcome: 'EXPIRED' }));
    expect(statuses(op.workflowId)).toEqual(['SUBMITTED', 'CONFIRMED']);
    const confirmed = t.events.find(
      (e) => e.workflowId === op.workflowId && e.type === 'operation_status_changed' && e.status === 'CONFIRMED',
    );
    expect(confirmed).toMatchObject({ details: { block_height: 30, actual_cost: '26.1', charged_before: 'EXPIRED' } });
    expect((await op.handle.describe()).typedSearchAttributes.get(STATUS_KEY)).toBe('CONFIRMED');
  });

  test('settling waits (retries) while accounting is behind the receipt’s block, then confirms', async () => {
    let settles = 0;
    const acts = stubActivities({
      settleOperation: async (s) => {
        if (++settles <= 2)
          throw ApplicationFailure.retryable(`accounting is at height 10, the receipt is at ${s.blockHeight}`, 'AccountingBehind');
        return { status: s.outcome, blockHeight: s.blockHeight, actualCost: s.actualCost };
      },
    });
    const { result, viewWhileBehind } = await t.withWorker(acts, async (tq) => {
      const op = await submit(tq);
      await op.handle.signal(receiptConfirmedSignal, { operationId: op.operationId, blockHeight: 14, actualCost: '25', receiptId: 'r-14' });
      await poll(() => settles >= 1, { description: 'the first settle attempt' });
      const viewWhileBehind = await op.handle.query(operationStatusQuery);
      return { viewWhileBehind, result: await op.handle.result() };
    });
    expect(viewWhileBehind.status).toBe('SUBMITTED'); // not confirmed before accounting holds the block
    expect(result).toMatchObject({ status: 'CONFIRMED', blockHeight: 14, actualCost: '25' });
    expect(acts.settleOperation).toHaveBeenCalledTimes(3);
    for (const [s] of acts.settleOperation.mock.calls) expect(s).toMatchObject({ outcome: 'CONFIRMED', blockHeight: 14 });
  });
});
