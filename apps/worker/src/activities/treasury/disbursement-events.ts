import { disbursementWorkflowId } from '@blockops/domain';
import type { NewEvent } from '@blockops/events';
import type { ChangedItem, StatusCounts } from '@blockops/treasury';

const PAGE = 1000;

/**
 * `disbursement_status_changed` events for one chunk result: one per batch touched (its own, and
 * any batch whose items a cross-batch cancel reached), at most 1,000 items each — never one per item.
 */
export function disbursementEvents(
  changed: ChangedItem[],
  countsOf: (batchId: string) => StatusCounts | undefined,
  envelope: { batchId: string; runId: string; correlationId: string },
): NewEvent[] {
  const byBatch = new Map<string, ChangedItem[]>();
  for (const c of changed) {
    const list = byBatch.get(c.batchId);
    if (list) list.push(c);
    else byBatch.set(c.batchId, [c]);
  }
  const events: NewEvent[] = [];
  const timestamp = new Date().toISOString();
  for (const [batchId, items] of byBatch) {
    const counts = countsOf(batchId);
    if (!counts) continue;
    for (let s = 0; s < items.length; s += PAGE) {
      events.push({
        type: 'disbursement_status_changed',
        timestamp,
        workflowId: disbursementWorkflowId(batchId),
        runId: batchId === envelope.batchId ? envelope.runId : '',
        workflowType: 'disburse',
        correlationId: envelope.correlationId,
        batch_id: batchId,
        items: items.slice(s, s + PAGE).map((c) => ({
          id: c.id,
          status: c.status,
          ...(c.txHash ? { tx_hash: c.txHash } : {}),
          ...(c.nonce !== undefined ? { nonce: c.nonce } : {}),
          ...(c.reason ? { reason: c.reason } : {}),
          ...(c.rootCause ? { root_cause: c.rootCause } : {}),
        })),
        counts,
      });
    }
  }
  return events;
}
