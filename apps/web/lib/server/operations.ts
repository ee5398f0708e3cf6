import { randomUUID } from 'node:crypto';
import { WithStartWorkflowOperation, WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import type { Workflow } from '@temporalio/common';
import { operationIdSchema, operationInputSchema, operationWorkflowId, type OperationInput } from '@blockops/domain';
import type { SubmitAnswer } from '@blockops/workflows/public';
import type { Services } from './services';

/** `POST /api/operations` body: the workflow input, with the operation id optional (generated). */
export const submitOperationSchema = operationInputSchema.extend({
  operationId: operationIdSchema.optional().describe('Idempotency key; generated when absent'),
});

export const newOperationId = () => `op${Date.now().toString(36)}-${randomUUID().slice(0, 8)}`;

export type SubmitOutcome =
  { kind: 'answer'; answer: SubmitAnswer; workflowId: string } | { kind: 'conflict'; workflowId: string; message: string };

/**
 * Update-with-Start: starts `op-<id>` (or attaches to it when it already runs) and waits for its
 * admission answer, so the HTTP status comes from the workflow's own checks. A failed run (rejected
 * or failed) frees the id for a retry; a completed one (confirmed or expired) does not.
 */
export async function submitOperation(services: Services, input: OperationInput, memo: Record<string, string>): Promise<SubmitOutcome> {
  const workflowId = operationWorkflowId(input.operationId);
  const start = new WithStartWorkflowOperation('operation', {
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
    const answer = await services.temporal.workflow.executeUpdateWithStart<Workflow, SubmitAnswer, []>('submit', {
      startWorkflowOperation: start,
    });
    return { kind: 'answer', answer, workflowId };
  } catch (err) {
    if (err instanceof WorkflowExecutionAlreadyStartedError) {
      return {
        kind: 'conflict',
        workflowId,
        message: `operationId: ${input.operationId} was already used by an operation that completed (${workflowId}); use a new id`,
      };
    }
    const message = (err as Error).message ?? '';
    if (/already completed|not found/i.test(message)) {
      return {
        kind: 'conflict',
        workflowId,
        message: `operationId: ${input.operationId} belongs to an operation that has just ended (${workflowId}); use a new id`,
      };
    }
    throw err;
  }
}
