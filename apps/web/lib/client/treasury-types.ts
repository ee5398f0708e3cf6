/**
 * The treasury API as the console reads it. Every shape is taken from the API's own definitions —
 * the zod answers of the route files (`lib/server/disbursements.ts`, type-only imports: nothing of
 * the server reaches the bundle), the event schema of `@blockops/events` and the statuses and
 * limits of `@blockops/domain` — so the console cannot drift from the contract. Amounts are exact
 * decimal strings (display them as they are, or compute with BigInt units), times ISO 8601 strings.
 */
import type { z } from 'zod';
import type { BlockopsEvent } from '@blockops/events/schemas';
import {
  DISBURSEMENT_STATUSES,
  MAX_CHUNK_SIZE,
  MAX_IN_FLIGHT_CHUNKS,
  disbursementWorkflowId,
  type DisbursementBatchInput,
  type DisbursementStatus,
} from '@blockops/domain';
import type {
  batchIssueSchema,
  batchSummarySchema,
  graphSchema,
  itemSchema,
  submitAnswers,
  throttleSchema,
} from '@/lib/server/disbursements';

export { DISBURSEMENT_STATUSES, type DisbursementStatus };
export type StatusCounts = Record<DisbursementStatus, number>;

/** `GET /api/disbursements/batches/{batchId}` (and each row of the list) */
export type BatchSummary = z.output<typeof batchSummarySchema>;
export type BatchStatus = BatchSummary['status'];

/** `GET /api/disbursements/batches` */
export interface BatchesPage {
  batches: BatchSummary[];
  total: number;
  limit: number;
  offset: number;
}

/** one item of `GET /api/disbursements/batches/{batchId}/items` */
export type Disbursement = z.output<typeof itemSchema>;

/** `GET /api/disbursements/{id}` */
export type DisbursementDetail = Disbursement & { dependents: string[] };

export interface ItemsPage {
  items: Disbursement[];
  total: number;
  limit: number;
  offset: number;
}

/** `GET /api/disbursements/batches/{batchId}/graph`: the whole batch in one compact answer. */
export type BatchGraph = z.output<typeof graphSchema>;

/** `POST /api/disbursements` body */
export type SubmitBatch = DisbursementBatchInput;
export type SubmitItem = SubmitBatch['items'][number];
/** 202 */
export type SubmitAccepted = z.output<(typeof submitAnswers)[202]['schema']>;
/**
 * One problem of a refused batch (400): `id` names the item; `field` is `items[<i>].<field>`,
 * `batchId`, `items` or `(body)`; a cycle's `path` lists its ids in order.
 */
export type SubmitIssue = z.output<typeof batchIssueSchema>;

/** `GET /api/disbursements/throttle`; the PUT answer adds `signalled` (running batches told). */
export type Throttle = z.output<typeof throttleSchema> & { signalled?: number };
export const THROTTLE_LIMITS = {
  maxInFlightChunks: { min: 1, max: MAX_IN_FLIGHT_CHUNKS },
  chunkSize: { min: 1, max: MAX_CHUNK_SIZE },
} as const;

/** `disbursement_status_changed` as `@blockops/events` defines it: one event per chunk round, many items. */
export type DisbursementStatusChanged = Extract<BlockopsEvent, { type: 'disbursement_status_changed' }>;
/** What one `disbursement_status_changed` event says about one item. */
export type ItemChange = DisbursementStatusChanged['items'][number];

export const batchWorkflowId = (batchId: string) => disbursementWorkflowId(batchId);
export const batchRoom = (batchId: string) => `workflow:${batchWorkflowId(batchId)}`;

export function isDisbursementEvent(event: BlockopsEvent): event is DisbursementStatusChanged {
  return event.type === 'disbursement_status_changed';
}

/** The `disbursement_status_changed` event, or undefined for any other event. */
export function disbursementChange(event: BlockopsEvent): DisbursementStatusChanged | undefined {
  return isDisbursementEvent(event) ? event : undefined;
}

export const isTerminal = (s: DisbursementStatus) => s !== 'QUEUED';
