import type { BatchStatus, DisbursementStatus } from '@blockops/domain';

/** Item counts per status. */
export type StatusCounts = Record<DisbursementStatus, number>;

/** An item as the API answers it (TREASURY-API.md): amounts exact decimal strings, times ISO 8601. */
export interface DisbursementItem {
  id: string;
  batchId: string;
  destination: string;
  amount: string;
  memo?: string;
  dependsOn: string[];
  status: DisbursementStatus;
  executor?: string;
  nonce?: number;
  txHash?: string;
  executedAt?: string;
  attempts: number;
  /** why it was cancelled or failed */
  reason?: string;
  /** for an item cancelled because a dependency did not execute: the item that caused it */
  rootCause?: string;
  /** a QUEUED item retried after a transient error: the last one */
  lastError?: string;
  /** level in its batch's DAG (0 = no dependency inside the batch) */
  level: number;
}

/** A batch as the API answers it; the web adds `temporalUrl` and `consoleUrl`. */
export interface BatchSummaryCore {
  batchId: string;
  workflowId: string;
  status: BatchStatus;
  /** why submissions are held, while HALTED */
  haltedReason?: string;
  createdAt: string;
  updatedAt: string;
  completedAt?: string;
  total: number;
  counts: StatusCounts;
  totalAmount: string;
  executedAmount: string;
  levels: number;
  timings: { firstSubmitAt?: string; lastExecutedAt?: string; itemsPerSecond?: number };
}

/** One item whose status changed, as the store reports it after a transition. */
export interface ChangedItem {
  id: string;
  batchId: string;
  status: DisbursementStatus;
  txHash?: string;
  nonce?: number;
  reason?: string;
  rootCause?: string;
}

/** The compact graph of a batch for the DAG view: parallel arrays, edges as [dependency, dependent] indices. */
export interface BatchGraph {
  batchId: string;
  ids: string[];
  status: DisbursementStatus[];
  edges: [number, number][];
}
