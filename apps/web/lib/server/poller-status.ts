import { RECEIPT_POLLER_ID } from '@blockops/domain';
import type { Services } from './services';

/** The receipt-poller singleton as Temporal sees it, plus how far accounting trails the chain head. */
export async function pollerStatus(services: Services, head: number | undefined) {
  const [describe, checkpoint] = await Promise.all([
    services.temporal.workflow
      .getHandle(RECEIPT_POLLER_ID)
      .describe()
      .then(
        (d) => ({ status: d.status.name, runId: d.runId, startTime: d.startTime.toISOString() }),
        (err: Error) => ({ status: 'NOT_FOUND', error: err.message }),
      ),
    services.store.checkpoint(),
  ]);
  return {
    workflowId: RECEIPT_POLLER_ID,
    ...describe,
    checkpoint,
    head: head ?? null,
    lag: head === undefined ? null : Math.max(0, head - checkpoint),
  };
}
