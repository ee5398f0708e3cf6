import type { DisbursementStatus } from '@blockops/domain';
import type { ChangedItem, StatusCounts } from './views';

/**
 * Changed items as the scripts return them (scripts.ts, encodeChanged), flat: 'id batch status
 * nonce', the tx hash, and for an item not EXECUTED its reason and root cause; '' = none.
 */
export function parseChanged(flat: unknown): ChangedItem[] {
  const f = flat as string[];
  const out: ChangedItem[] = [];
  for (let i = 0; i < f.length;) {
    const [id, batchId, status, nonce] = f[i]!.split(' ') as [string, string, DisbursementStatus, string];
    const tx = f[i + 1];
    const executed = status === 'EXECUTED';
    const reason = executed ? '' : f[i + 2];
    const root = executed ? '' : f[i + 3];
    i += executed ? 2 : 4;
    out.push({
      id,
      batchId,
      status,
      ...(tx ? { txHash: tx } : {}),
      ...(nonce ? { nonce: Number(nonce) } : {}),
      ...(reason ? { reason } : {}),
      ...(root ? { rootCause: root } : {}),
    });
  }
  return out;
}

/** HMGET QUEUED EXECUTED CANCELLED FAILED → counts. */
export const toCounts = (c: unknown): StatusCounts => {
  const [q, e, x, f] = (c as (string | null)[]).map((v) => Number(v ?? 0));
  return { QUEUED: q!, EXECUTED: e!, CANCELLED: x!, FAILED: f! };
};
