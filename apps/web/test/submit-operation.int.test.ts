/**
 * How `POST /api/operations` reads Temporal's answers (apps/web/lib/server/operations.ts): the
 * typed `submit` update, and Temporal's errors recognised by their classes. The real operation
 * workflow on the Temporal dev server, its activities stubbed to the contract (no devnet, no Redis).
 */
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode, DefaultLogger, Runtime, Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { ApplicationFailure } from '@temporalio/client';
import { loadConfig } from '@blockops/config';
import { ERROR_NAMES, type OperationInput } from '@blockops/domain';
import { DEV_SERVER_DYNAMIC_CONFIG, resolveTemporalCli } from '@blockops/stack';
import { receiptConfirmedSignal, workflowInterceptorModules, workflowsPath, type OperationActivities } from '@blockops/workflows/public';
import { submitOperation } from '../lib/server/operations';

const root = path.resolve(__dirname, '../../..');
let env: TestWorkflowEnvironment;
let bundle: WorkflowBundleWithSourceMap;

beforeAll(async () => {
  Runtime.install({ logger: new DefaultLogger('ERROR') });
  [env, bundle] = await Promise.all([
    TestWorkflowEnvironment.createLocal({
      server: { executable: { type: 'existing-path', path: resolveTemporalCli(root) }, extraArgs: DEV_SERVER_DYNAMIC_CONFIG },
    }),
    bundleWorkflowCode({ workflowsPath, workflowInterceptorModules, logger: new DefaultLogger('WARN') }),
  ]);
}, 60_000);
afterAll(() => env?.teardown());

let gateOpen = false;
const submitted: string[] = [];
/** compute and (once opened) ad admit; the energy node refuses our credentials, so its run fails before answering */
const activities: OperationActivities = {
  checkEmergency: async () => ({ allows: true }),
  async checkGate(market) {
    if (market === 'energy')
      throw ApplicationFailure.create({
        type: ERROR_NAMES.storage,
        message: 'governor.status: node refused the auth token (HTTP 401)',
        nonRetryable: true,
      });
    return market === 'ad' && !gateOpen ? { admits: false, state: 'Halt', reason: 'review' } : { admits: true };
  },
  reserveFunds: async () => ({ ok: true, available: '100' }),
  async submitOperation(req) {
    submitted.push(req.operationId);
    return { txHash: `0x${req.operationId}`, submittedHeight: 1 };
  },
  readOperationStatus: async () => ({ status: 'pending' }),
  settleOperation: async (s) => ({ status: s.outcome, blockHeight: s.blockHeight, actualCost: s.actualCost }),
};

async function withWorker<T>(fn: (submit: (input: Partial<OperationInput>) => ReturnType<typeof submitOperation>) => Promise<T>) {
  const taskQueue = `web-test-${randomUUID()}`;
  const worker = await Worker.create({
    connection: env.nativeConnection,
    namespace: env.namespace ?? 'default',
    taskQueue,
    workflowBundle: bundle,
    activities,
    sinks: { events: { emit: { fn: () => {}, callDuringReplay: false } } },
  });
  const services = { config: loadConfig({ TEMPORAL_TASK_QUEUE: taskQueue }), temporal: env.client };
  const submit = (input: Partial<OperationInput>) =>
    submitOperation(
      services,
      { operationId: `w${randomUUID().slice(0, 12)}`, market: 'compute', estimatedCost: '5', pollIntervalMs: 60_000, ...input },
      { correlationId: 'test' },
    );
  return worker.runUntil(fn(submit));
}

test('the same id again while its run waits: the same answer, submitted once', async () => {
  await withWorker(async (submit) => {
    const first = await submit({});
    expect(first).toMatchObject({ kind: 'answer', answer: { status: 'submitted', code: 202 } });
    const operationId = first.kind === 'answer' ? first.answer.operationId : '';
    const again = await submit({ operationId });
    expect(again).toEqual(first);
    expect(submitted.filter((id) => id === operationId)).toHaveLength(1);
    await env.client.workflow.getHandle(first.workflowId).terminate('test over');
  });
});

test('the id of a confirmed operation → conflict (WorkflowExecutionAlreadyStartedError), nothing submitted again', async () => {
  await withWorker(async (submit) => {
    const first = await submit({});
    expect(first.kind).toBe('answer');
    const handle = env.client.workflow.getHandle(first.workflowId);
    const operationId = first.kind === 'answer' ? first.answer.operationId : '';
    await handle.signal(receiptConfirmedSignal, { operationId, blockHeight: 3, actualCost: '5', receiptId: 'r-3' });
    expect(await handle.result()).toMatchObject({ status: 'CONFIRMED' });
    const again = await submit({ operationId });
    expect(again).toEqual({
      kind: 'conflict',
      workflowId: first.workflowId,
      message: `operationId: ${operationId} was already used by an operation that completed (${first.workflowId}); use a new id`,
    });
    expect(submitted.filter((id) => id === operationId)).toHaveLength(1);
  });
});

test('the id of a rejected operation may be used again: a new run answers', async () => {
  await withWorker(async (submit) => {
    const operationId = `w${randomUUID().slice(0, 12)}`;
    const refused = await submit({ operationId, market: 'ad' });
    expect(refused).toMatchObject({ kind: 'answer', answer: { status: 'rejected', code: 409, gate: { market: 'ad', state: 'Halt' } } });
    await expect(env.client.workflow.getHandle(refused.workflowId).result()).rejects.toThrow();
    gateOpen = true;
    const again = await submit({ operationId, market: 'ad' });
    expect(again).toMatchObject({ kind: 'answer', answer: { status: 'submitted', code: 202, operationId } });
    await env.client.workflow.getHandle(again.workflowId).terminate('test over');
  });
});

test('a run that fails before answering → failed, naming the cause (WorkflowUpdateFailedError)', async () => {
  await withWorker(async (submit) => {
    const outcome = await submit({ market: 'energy' });
    expect(outcome).toMatchObject({
      kind: 'failed',
      message: 'the operation failed before it was admitted: governor.status: node refused the auth token (HTTP 401)',
    });
    expect(submitted).not.toContain(outcome.workflowId.slice('op-'.length));
  });
});
