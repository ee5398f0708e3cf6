import { CLOSED_OPERATION_STATUSES, type Market, type OperationStatus, type Units } from '@blockops/domain';
import { unitsIn } from './codec';

type ClosedStatus = (typeof CLOSED_OPERATION_STATUSES)[number];

export interface OperationRecord {
  operationId: string;
  workflowId: string;
  market: Market;
  estimatedCost: Units;
  units?: number;
  status: OperationStatus;
  txHash?: string;
  blockHeight?: number;
  actualCost?: Units;
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
  actualCost: Units;
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

// ---- as stored (store format 2, codec.ts): amounts as integer unit strings ----

/** A record as stored. Deterministic (the CAS scripts compare stored strings). */
export const encodeRecord = (r: OperationRecord): string =>
  JSON.stringify({ ...r, estimatedCost: r.estimatedCost.toString(), actualCost: r.actualCost?.toString() });

export function decodeRecord(json: string, key: string): OperationRecord {
  const { estimatedCost, actualCost, ...rest } = JSON.parse(json) as Omit<OperationRecord, 'estimatedCost' | 'actualCost'> & {
    estimatedCost: unknown;
    actualCost?: unknown;
  };
  const r: OperationRecord = { ...rest, estimatedCost: unitsIn(estimatedCost, `${key} ${rest.operationId} estimatedCost`) };
  if (actualCost !== undefined && actualCost !== null) r.actualCost = unitsIn(actualCost, `${key} ${rest.operationId} actualCost`);
  return r;
}

export const encodeCharge = (c: OperationCharge): string => JSON.stringify({ ...c, actualCost: c.actualCost.toString() });

export function decodeCharge(json: string, key: string): OperationCharge {
  const { actualCost, ...rest } = JSON.parse(json) as Omit<OperationCharge, 'actualCost'> & { actualCost: unknown };
  return { ...rest, actualCost: unitsIn(actualCost, `${key} ${rest.operationId} actualCost`) };
}
