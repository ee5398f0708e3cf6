import { CLOSED_OPERATION_STATUSES, type Market, type OperationStatus } from '@blockops/domain';

type ClosedStatus = (typeof CLOSED_OPERATION_STATUSES)[number];

export interface OperationRecord {
  operationId: string;
  workflowId: string;
  market: Market;
  estimatedCost: number;
  units?: number;
  status: OperationStatus;
  txHash?: string;
  blockHeight?: number;
  actualCost?: number;
  receiptId?: string;
  reason?: string;
  /** set when the receipt arrived after the operation had ended: the status it ended with */
  lateFrom?: ClosedStatus;
  /** ms since the epoch */
  submittedAt: number;
  updatedAt: number;
}

/** What the chain charged for an operation, as its receipt says; booked atomically with the receipt. */
export interface OperationCharge {
  operationId: string;
  receiptId: string;
  blockHeight: number;
  actualCost: number;
}

/** The closed statuses claim nothing was charged: a charge found for one of them overrules it. */
export const isUnchargedEnd = (s: OperationStatus): s is ClosedStatus => (CLOSED_OPERATION_STATUSES as readonly string[]).includes(s);

/** The record once its charge is known: CONFIRMED with the receipt's height and cost. */
export function confirmedByCharge(record: OperationRecord, charge: OperationCharge, now: number): OperationRecord {
  const { reason: _reason, lateFrom: _late, ...rest } = record;
  return {
    ...rest,
    status: 'CONFIRMED',
    blockHeight: charge.blockHeight,
    actualCost: charge.actualCost,
    receiptId: charge.receiptId,
    updatedAt: now,
  };
}

/** A receipt for an operation that had already ended uncharged: CONFIRMED (late), remembering how it had ended. */
export function lateConfirmation(
  record: OperationRecord & { status: ClosedStatus },
  charge: OperationCharge,
  now: number,
): OperationRecord {
  return {
    ...confirmedByCharge(record, charge, now),
    lateFrom: record.status,
    reason: `receipt ${charge.receiptId} at height ${charge.blockHeight} arrived after the operation had ended ${record.status}`,
  };
}
