import type { DisbursementStatus } from '@blockops/domain';

/**
 * An item's state entry in its batch's ':st' hash, 'status executor nonce claim claimedAt attempts
 * at' (no field holds a space; an empty one is ''). No entry: QUEUED, never claimed. The Lua
 * scripts write the same layout (scripts.ts, packSt).
 */
export interface ItemState {
  status: DisbursementStatus;
  executor?: string;
  nonce?: number;
  /** the claim ('<chunk>.<round>') that gave it its executor and nonce */
  claim?: string;
  claimedAt?: number;
  attempts: number;
  /** when it reached its final status (ms since the epoch) */
  at?: number;
}

/** Only the status of an entry (a scan of a whole batch by status reads no other field). */
export function statusOfEntry(entry: string | null | undefined): DisbursementStatus {
  return entry ? (entry.slice(0, entry.indexOf(' ')) as DisbursementStatus) : 'QUEUED';
}

export function decodeItemState(entry: string | null | undefined): ItemState {
  if (!entry) return { status: 'QUEUED', attempts: 0 };
  const [status, executor, nonce, claim, claimedAt, attempts, at] = entry.split(' ') as string[];
  return {
    status: status as DisbursementStatus,
    ...(executor ? { executor } : {}),
    ...(nonce ? { nonce: Number(nonce) } : {}),
    ...(claim ? { claim } : {}),
    ...(claimedAt ? { claimedAt: Number(claimedAt) } : {}),
    attempts: Number(attempts || 0),
    ...(at ? { at: Number(at) } : {}),
  };
}

/** The state entry of an item, as the scripts pack it (store-layout.ts writes it for items of the layout before). */
export function encodeItemState(s: ItemState): string {
  return [s.status, s.executor ?? '', s.nonce ?? '', s.claim ?? '', s.claimedAt ?? '', s.attempts, s.at ?? ''].join(' ');
}

/** A ':why' entry, 'rootCause reason': the root cause holds no space ('' when none). */
export function decodeReason(entry: string | null | undefined): { reason?: string; rootCause?: string } {
  if (!entry) return {};
  const cut = entry.indexOf(' ');
  const root = cut < 0 ? entry : entry.slice(0, cut);
  const reason = cut < 0 ? '' : entry.slice(cut + 1);
  return { ...(reason ? { reason } : {}), ...(root ? { rootCause: root } : {}) };
}

export const encodeReason = (rootCause: string | undefined, reason: string | undefined) => `${rootCause ?? ''} ${reason ?? ''}`;
