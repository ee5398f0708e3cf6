/**
 * The treasury API as the console reads it: one definition of every response shape, mirroring the
 * contract in TREASURY-API.md (issue 10). Amounts are decimal strings, times ISO 8601 strings.
 */
import type { BlockopsEvent } from '@blockops/events/schemas';

export const DISBURSEMENT_STATUSES = ['QUEUED', 'EXECUTED', 'CANCELLED', 'FAILED'] as const;
export type DisbursementStatus = (typeof DISBURSEMENT_STATUSES)[number];
export type StatusCounts = Record<DisbursementStatus, number>;

export type BatchStatus = 'RUNNING' | 'HALTED' | 'COMPLETED';

export interface BatchSummary {
  batchId: string;
  workflowId: string;
  status: BatchStatus;
  createdAt: string;
  updatedAt: string;
  completedAt?: string;
  total: number;
  counts: StatusCounts;
  totalAmount: string;
  executedAmount: string;
  timings: { firstSubmitAt?: string; lastExecutedAt?: string; itemsPerSecond?: number };
  temporalUrl: string;
  consoleUrl: string;
  /** DAG depth */
  levels?: number;
  /** why submissions are held, while HALTED */
  haltedReason?: string;
}

export interface BatchesPage {
  batches: BatchSummary[];
  total: number;
}

export interface Disbursement {
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
  reason?: string;
  /** For a dependent cancelled because of another item: that item's id. */
  rootCause?: string;
  /** 0 = no dependency in its batch */
  level?: number;
  /** a QUEUED item being retried after a transient error: the last error */
  lastError?: string;
}

/** `GET /api/disbursements/{id}` */
export type DisbursementDetail = Disbursement & { dependents: string[] };

export interface ItemsPage {
  items: Disbursement[];
  total: number;
}

/** `GET /api/disbursements/batches/{batchId}/graph`: the whole batch in one compact answer. */
export interface BatchGraph {
  batchId: string;
  ids: string[];
  /** parallel to `ids` */
  status: DisbursementStatus[];
  /** [dependencyIndex, dependentIndex] into `ids`; only edges inside the batch */
  edges: [number, number][];
}

export interface SubmitItem {
  id: string;
  destination: string;
  amount: string;
  memo?: string;
}
export interface SubmitBatch {
  batchId?: string;
  items: SubmitItem[];
}
/** 202 */
export interface SubmitAccepted {
  batchId: string;
  workflowId: string;
  items: number;
  temporalUrl: string;
  consoleUrl: string;
  totalAmount?: string;
  /** items with nothing to wait for */
  ready?: number;
  /** items whose dependency from an earlier batch was already cancelled or failed */
  cancelledAtIntake?: { id: string; rootCause: string; reason: string }[];
}
/**
 * One problem of a refused batch (400): `id` names the item; `field` is `items[<i>].<field>`,
 * `batchId`, `items` or `(body)`; a cycle's `path` lists its ids in order.
 */
export interface SubmitIssue {
  id?: string;
  field: string;
  message: string;
  path?: string[];
}

export interface Throttle {
  maxInFlightChunks: number;
  chunkSize: number;
  /** absent while the configured defaults apply (actor "config") */
  updatedAt?: string;
  actor: string;
  reason?: string;
  /** executor pool size: items in flight never exceed it, whatever the throttle says */
  executors?: number;
  /** PUT: running batches told */
  signalled?: number;
}
export const THROTTLE_LIMITS = { maxInFlightChunks: { min: 1, max: 64 }, chunkSize: { min: 1, max: 1000 } } as const;

/** What one `disbursement_status_changed` event says about one item. */
export interface ItemChange {
  id: string;
  status: DisbursementStatus;
  tx_hash?: string;
  nonce?: number;
  reason?: string;
  root_cause?: string;
}

/** `disbursement_status_changed`: one event per chunk result, carrying many items. */
export interface DisbursementStatusChanged {
  id: string;
  type: 'disbursement_status_changed';
  timestamp: string;
  workflowId: string;
  batch_id: string;
  items: ItemChange[];
  counts: StatusCounts;
}

export const batchWorkflowId = (batchId: string) => `disburse-${batchId}`;
export const batchRoom = (batchId: string) => `workflow:${batchWorkflowId(batchId)}`;

export function isDisbursementEvent(event: BlockopsEvent): boolean {
  return event.type === 'disbursement_status_changed';
}

/** The contract's fields of a `disbursement_status_changed` event, or undefined for any other event. */
export function disbursementChange(event: BlockopsEvent): DisbursementStatusChanged | undefined {
  if (event.type !== 'disbursement_status_changed') return undefined;
  const e = event as unknown as Partial<DisbursementStatusChanged>;
  if (typeof e.batch_id !== 'string' || !Array.isArray(e.items)) return undefined;
  return e as DisbursementStatusChanged;
}

export const isTerminal = (s: DisbursementStatus) => s !== 'QUEUED';
