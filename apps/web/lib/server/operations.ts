import { randomUUID } from 'node:crypto';
import {
  isGrpcServiceError,
  WithStartWorkflowOperation,
  WorkflowExecutionAlreadyStartedError,
  WorkflowFailedError,
  WorkflowNotFoundError,
  WorkflowUpdateFailedError,
} from '@temporalio/client';
import {
  CHAIN_BREAKER,
  breakerRetryAt,
  operationIdSchema,
  operationInputSchema,
  operationWorkflowId,
  type BreakerState,
  type OperationInput,
} from '@blockops/domain';
import { submitUpdate, type SubmitAnswer } from '@blockops/workflows/messages';
import type { operation } from '@blockops/workflows';
import type { Services } from './services';

/** `POST /api/operations` body: the workflow input, with the operation id optional (generated). */
export const submitOperationSchema = operationInputSchema.extend({
  operationId: operationIdSchema.optional().describe('Idempotency key; generated when absent'),
});

export const newOperationId = () => `op${Date.now().toString(36)}-${randomUUID().slice(0, 8)}`;

type SubmitOutcome =
  | { kind: 'answer'; answer: SubmitAnswer; workflowId: string }
  /** the id belongs to an operation that has ended (confirmed or expired): not submitted again */
  | { kind: 'conflict'; workflowId: string; message: string }
  /** the operation's run failed before it could answer (e.g. the node refused our credentials) */
  | { kind: 'failed'; workflowId: string; message: string };

/** gRPC NOT_FOUND: what an Update-with-Start answers when the run it attached to has just closed. */
const GRPC_NOT_FOUND = 5;

/**
 * Update-with-Start: starts `op-<id>` (or attaches to it when it already runs) and waits for its
 * admission answer, so the HTTP status comes from the workflow's own checks. A failed run (rejected
 * or failed) frees the id for a retry; a completed one (confirmed or expired) does not.
 */
export async function submitOperation(
  services: Pick<Services, 'config' | 'temporal'>,
  input: OperationInput,
  memo: Record<string, string>,
): Promise<SubmitOutcome> {
  const workflowId = operationWorkflowId(input.operationId);
  const start = new WithStartWorkflowOperation<typeof operation>('operation', {
    workflowId,
    taskQueue: services.config.TEMPORAL_TASK_QUEUE,
    args: [
      {
        ...input,
        confirmTimeoutMs: input.confirmTimeoutMs ?? services.config.OPERATION_CONFIRM_TIMEOUT_MS,
        pollIntervalMs: input.pollIntervalMs ?? services.config.OPERATION_POLL_INTERVAL_MS,
      },
    ],
    workflowIdConflictPolicy: 'USE_EXISTING',
    workflowIdReusePolicy: 'ALLOW_DUPLICATE_FAILED_ONLY',
    memo,
  });
  try {
    const answer = await services.temporal.workflow.executeUpdateWithStart(submitUpdate, { startWorkflowOperation: start });
    return { kind: 'answer', answer, workflowId };
  } catch (err) {
    // the reuse policy refused a new run: the id's last run completed
    if (err instanceof WorkflowExecutionAlreadyStartedError) {
      return {
        kind: 'conflict',
        workflowId,
        message: `operationId: ${input.operationId} was already used by an operation that completed (${workflowId}); use a new id`,
      };
    }
    // attached to a run that closed before it took the update
    if (err instanceof WorkflowNotFoundError || (isGrpcServiceError(err) && err.code === GRPC_NOT_FOUND)) {
      return {
        kind: 'conflict',
        workflowId,
        message: `operationId: ${input.operationId} belongs to an operation that has just ended (${workflowId}); use a new id`,
      };
    }
    // the run ended before answering (the update fails with it): name why the run failed
    if (err instanceof WorkflowUpdateFailedError) {
      const ended = await (await start.workflowHandle()).result().then(
        () => err,
        (runErr: unknown) => (runErr instanceof WorkflowFailedError ? runErr : err),
      );
      return { kind: 'failed', workflowId, message: `the operation failed before it was admitted: ${causeMessage(ended)}` };
    }
    throw err;
  }
}

/** The innermost cause's message: the activity's own words rather than Temporal's wrappers. */
function causeMessage(err: Error): string {
  let e: unknown = err;
  while (e instanceof Error && e.cause instanceof Error) e = e.cause;
  return e instanceof Error ? e.message : String(e);
}

/**
 * The chain's breaker refuses every call now (open or forced open): the retry time, read from the
 * shared state. Undefined when a submit may go (or the state cannot be read: the worker's guard
 * decides then).
 */
export async function breakerRefusal(services: Services): Promise<{ breaker: string; state: BreakerState; retryAt: string } | undefined> {
  try {
    const b = await services.breakers.view(CHAIN_BREAKER);
    const at = breakerRetryAt(b.view, b.config, b.now);
    return at === undefined ? undefined : { breaker: CHAIN_BREAKER, state: b.view.state, retryAt: new Date(at).toISOString() };
  } catch (err) {
    services.log.warn({ err }, 'breaker state unreadable; the worker decides');
    return undefined;
  }
}

/** 503 with `Retry-After` (seconds) and the same time in the body (`retryAt`, `retryAfterSeconds`). */
export function unavailable<B extends { retryAt: string }>(message: string, body: B) {
  const retryAfterSeconds = Math.max(1, Math.ceil((Date.parse(body.retryAt) - Date.now()) / 1000));
  return {
    status: 503 as const,
    body: { error: message, ...body, retryAfterSeconds },
    headers: { 'retry-after': String(retryAfterSeconds) },
  };
}
