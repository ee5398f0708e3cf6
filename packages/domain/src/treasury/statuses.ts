/**
 * A disbursement's life (issue 10): QUEUED until the node accepts it (EXECUTED), or CANCELLED
 * (a cancelled-class node error, or a dependency that did not execute: its root cause is named),
 * or FAILED (a storage-class error). Defined once here; every other package imports it.
 */
export const DISBURSEMENT_STATUSES = ['QUEUED', 'EXECUTED', 'CANCELLED', 'FAILED'] as const;
export type DisbursementStatus = (typeof DISBURSEMENT_STATUSES)[number];

/** Statuses an item never leaves. */
export const FINAL_DISBURSEMENT_STATUSES: readonly DisbursementStatus[] = ['EXECUTED', 'CANCELLED', 'FAILED'];

export const isDisbursementStatus = (s: unknown): s is DisbursementStatus =>
  typeof s === 'string' && (DISBURSEMENT_STATUSES as readonly string[]).includes(s);

/** A batch as the API shows it: RUNNING, HALTED (the submit decision point refuses for now) or COMPLETED. */
export const BATCH_STATUSES = ['RUNNING', 'HALTED', 'COMPLETED'] as const;
export type BatchStatus = (typeof BATCH_STATUSES)[number];

/** The workflow of a batch. */
export const disbursementWorkflowId = (batchId: string) => `disburse-${batchId}`;

/** Signals of the `disburse` workflow, by name (the web signals without loading workflow code). */
export const DISBURSE_SIGNALS = { throttle: 'throttle', wake: 'wake' } as const;
