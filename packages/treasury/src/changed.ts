import type { DisbursementStatus } from '@blockops/domain';
import type { ChangedItem, StatusCounts } from './views';

/** A changed item as the scripts return it: {id, batch, status, tx, nonce, reason, root}, '' = none. */
export function toChanged(row: unknown): ChangedItem {
  const [id, batchId, status, tx, nonce, reason, root] = row as string[];
  return {
    id: id!,
    batchId: batchId!,
    status: status as DisbursementStatus,
    ...(tx ? { txHash: tx } : {}),
    ...(nonce ? { nonce: Number(nonce) } : {}),
    ...(reason ? { reason } : {}),
    ...(root ? { rootCause: root } : {}),
  };
}

/** HMGET QUEUED EXECUTED CANCELLED FAILED → counts. */
export const toCounts = (c: unknown): StatusCounts => {
  const [q, e, x, f] = (c as (string | null)[]).map((v) => Number(v ?? 0));
  return { QUEUED: q!, EXECUTED: e!, CANCELLED: x!, FAILED: f! };
};
