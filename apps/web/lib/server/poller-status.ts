import { z } from 'zod';
import { RECEIPT_POLLER_ID } from '@blockops/domain';
import { isoTime } from './api-schemas';
import type { Services } from './services';

export const pollerStatusSchema = z.object({
  workflowId: z.literal(RECEIPT_POLLER_ID),
  status: z.string().describe('Temporal execution status (RUNNING, COMPLETED, …) or NOT_FOUND'),
  runId: z.string().optional(),
  startTime: isoTime.optional(),
  error: z.string().optional().describe('why the poller could not be described (NOT_FOUND)'),
  checkpoint: z.number().int().nonnegative().describe('last block height fully applied to accounting'),
  head: z.number().int().nonnegative().nullable().describe('chain head height; null when the node is unreachable'),
  lag: z.number().int().nonnegative().nullable().describe('head − checkpoint in blocks; null when the head is unknown'),
});
export type PollerStatus = z.infer<typeof pollerStatusSchema>;

/** The receipt-poller singleton as Temporal sees it, plus how far accounting trails the chain head. */
export async function pollerStatus(services: Services, head: number | undefined): Promise<PollerStatus> {
  const [describe, checkpoint] = await Promise.all([
    services.temporal.workflow
      .getHandle(RECEIPT_POLLER_ID)
      .describe()
      .then(
        (d) => ({ status: d.status.name as string, runId: d.runId, startTime: d.startTime.toISOString() }),
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
