import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { Confirmation } from './activity-types';
import type { OperationStatus } from './sinks';

/** The answer `POST /api/operations` gives, from the workflow's own admission (Update-with-Start). */
export type SubmitAnswer =
  | { status: 'submitted'; code: 202; operationId: string; txHash: string }
  | { status: 'rejected'; code: 409; operationId: string; message: string; gate: { market: string; state: string; reason: string } }
  | { status: 'rejected'; code: 402; operationId: string; message: string; need: number; available: number }
  | { status: 'failed'; code: 422 | 502; operationId: string; message: string };

export interface OperationView {
  operationId: string;
  market: string;
  estimatedCost: number;
  units: number;
  status: OperationStatus | 'ADMITTING';
  txHash?: string;
  blockHeight?: number;
  actualCost?: number;
  reason?: string;
}

/** By name outside the sandbox (the web app does not load workflow code). */
export const SUBMIT_UPDATE = 'submit';
export const submitUpdate = defineUpdate<SubmitAnswer>(SUBMIT_UPDATE);
/** Sent by the receipt poller when the operation's receipt has been applied to accounting. */
export const receiptConfirmedSignal = defineSignal<[Confirmation]>('receiptConfirmed');
export const operationStatusQuery = defineQuery<OperationView>('status');

export { operationWorkflowId, RECEIPT_POLLER_ID } from '@blockops/domain';
