/**
 * Test workflow: a queued chain write as the treasury's chunks are (Temporal retries it with no cap
 * on attempts), so a test can watch it wait out an open breaker through `nextRetryDelay`.
 */
import { proxyActivities } from '@temporalio/workflow';
import type { OperationActivities, SubmitRequest } from '@blockops/workflows/public';

const { submitOperation } = proxyActivities<OperationActivities>({
  startToCloseTimeout: '10 seconds',
  // a fast, flat backoff: only the breaker's nextRetryDelay can space the attempts out
  retry: { initialInterval: '100 ms', backoffCoefficient: 1, nonRetryableErrorTypes: ['CancelledError', 'StorageError'] },
});

export async function guardedWrite(req: SubmitRequest): Promise<{ txHash: string }> {
  return submitOperation(req);
}
