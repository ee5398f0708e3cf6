import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { DecimalAmount, GateRefusal, Market, OperationStatus } from '@blockops/domain';
import type { Confirmation } from './activity-types';

/*
 * The operation workflow's messages. Clients (the web app, tests) import this module through
 * `@blockops/workflows/messages`: definitions and types only, no workflow code.
 */

/** The answer `POST /api/operations` gives, from the workflow's own admission (Update-with-Start). */
export type SubmitAnswer =
  | { status: 'submitted'; code: 202; operationId: string; txHash: string }
  | { status: 'rejected'; code: 409; operationId: string; message: string; gate: GateRefusal }
  | { status: 'rejected'; code: 409; operationId: string; message: string; halt: { state: string; reason: string } }
  | { status: 'rejected'; code: 402; operationId: string; message: string; need: DecimalAmount; available: DecimalAmount }
  | { status: 'failed'; code: 422 | 502; operationId: string; message: string }
  /** The chain's circuit breaker is open: nothing was submitted, nothing is reserved; resubmit the same id after `retryAt`. */
  | { status: 'unavailable'; code: 503; operationId: string; message: string; breaker: string; retryAt: string; retryAfterMs: number };

export interface OperationView {
  operationId: string;
  market: Market;
  estimatedCost: DecimalAmount;
  units: number;
  status: OperationStatus | 'ADMITTING';
  txHash?: string;
  blockHeight?: number;
  actualCost?: DecimalAmount;
  reason?: string;
}

/** Admits the operation and answers as soon as admission is decided (Update-with-Start). */
export const submitUpdate = defineUpdate<SubmitAnswer>('submit');
/** Sent by the receipt poller when the operation's receipt has been applied to accounting. */
export const receiptConfirmedSignal = defineSignal<[Confirmation]>('receiptConfirmed');
export const operationStatusQuery = defineQuery<OperationView>('status');
