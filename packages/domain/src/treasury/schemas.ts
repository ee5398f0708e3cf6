import { z } from 'zod';
import { positiveAmountSchema } from '../money-schemas';
import {
  DESTINATION_PATTERN,
  DISBURSEMENT_ID_PATTERN,
  DISBURSEMENT_ID_RULE,
  MAX_BATCH_ITEMS,
  MEMO_MAX_BYTES,
  STORED_DISBURSEMENT_ID_PATTERN,
} from './limits';

/**
 * The body of `POST /api/disbursements` as a schema, for the OpenAPI document and clients. Intake
 * itself runs `parseBatch`/`finishBatch` (same limits), which report every problem of a batch,
 * cross-item ones (duplicates, dependencies, cycles) included.
 */
const idSchema = z.string().regex(DISBURSEMENT_ID_PATTERN, `must be ${DISBURSEMENT_ID_RULE}`);
export const disbursementItemInputSchema = z
  .object({
    id: idSchema.describe('Unique forever: an id is never reused'),
    destination: z.string().regex(DESTINATION_PATTERN).describe('0x and 4–64 hex digits, not the zero address'),
    amount: positiveAmountSchema.describe('Exact positive decimal string, at most 6 decimals, e.g. "12.34"'),
    memo: z
      .string()
      .optional()
      .describe(
        `At most ${MEMO_MAX_BYTES} bytes. Dependencies: JSON {"depends_on": ["a", "b"]} or key-value depends_on=a,b (≤ 100, duplicates removed); 1,024 bytes go on chain`,
      ),
  })
  .strict();
export const disbursementBatchInputSchema = z
  .object({
    batchId: idSchema.optional().describe('Generated when absent; the workflow id is disburse-<batchId>'),
    items: z.array(disbursementItemInputSchema).min(1).max(MAX_BATCH_ITEMS),
  })
  .strict();
export type DisbursementBatchInput = z.input<typeof disbursementBatchInputSchema>;

/** Limits of the executor throttle (seed 001's set-throttle): chunks in flight and items per chunk. */
export const MAX_IN_FLIGHT_CHUNKS = 64;
export const MAX_CHUNK_SIZE = 1000;
export const throttleUpdateSchema = z
  .object({
    maxInFlightChunks: z.number().int().min(1).max(MAX_IN_FLIGHT_CHUNKS, `must be at most ${MAX_IN_FLIGHT_CHUNKS}`).optional(),
    chunkSize: z.number().int().min(1).max(MAX_CHUNK_SIZE, `must be at most ${MAX_CHUNK_SIZE}`).optional(),
    reason: z.string().max(500, 'must be at most 500 characters').optional(),
  })
  .strict()
  .refine((t) => t.maxInFlightChunks !== undefined || t.chunkSize !== undefined, {
    message: 'set maxInFlightChunks and/or chunkSize',
    path: ['maxInFlightChunks'],
  });
export type ThrottleUpdate = z.infer<typeof throttleUpdateSchema>;
export interface ThrottleSetting {
  maxInFlightChunks: number;
  chunkSize: number;
}

/** A batch as its intake stored it: counts, items ready at once, the throttle then. */
export const disburseStartSchema = z
  .object({
    counts: z
      .object({ QUEUED: z.number().int(), EXECUTED: z.number().int(), CANCELLED: z.number().int(), FAILED: z.number().int() })
      .strict(),
    readyLeft: z.number().int().min(0),
    throttle: z.object({ maxInFlightChunks: z.number().int().min(1), chunkSize: z.number().int().min(1) }).strict(),
  })
  .strict();
export type DisburseStart = z.infer<typeof disburseStartSchema>;

/** The input of the `disburse-<batchId>` workflow; items live in the treasury store, never in history. */
export const disburseInputSchema = z
  .object({
    /** a batch accepted before ':' was refused keeps its id */
    batchId: z.string().regex(STORED_DISBURSEMENT_ID_PATTERN),
    /** how long to wait before asking the store again when nothing is ready (dependencies of other batches, no free executor) */
    idlePollMs: z.number().int().min(10).max(600_000).default(1000),
    /** a chunk attempt taking longer (its worker died, the node hangs) is retried with the same nonces */
    chunkTimeoutMs: z.number().int().min(100).max(600_000).default(30_000),
    /** a chunk keeps claiming rounds of newly ready items for up to this long, then reports to the workflow */
    chunkBudgetMs: z.number().int().min(0).max(300_000).default(2000),
    /** continue-as-new once a run's history reaches this many events (drained first: nothing in flight is abandoned) */
    maxHistoryEvents: z.number().int().min(100).max(40_000).default(4000),
    /** while the emergency controller halts submissions, how often the run re-checks the state (RESUME also wakes it) */
    haltRecheckMs: z.number().int().min(10).max(600_000).default(1000),
    /** carried across continue-as-new */
    nextChunk: z.number().int().min(0).default(0),
    /** carried across continue-as-new: chunks held by a HALT, resumed after RESUME */
    heldChunks: z.array(z.number().int().min(0)).max(1000).optional(),
    /** carried across continue-as-new: the HALT holding `heldChunks` was announced (execution_halted) already */
    haltAnnounced: z.boolean().optional(),
    run: z.number().int().min(0).default(0),
    /** the run's correlation id, for the events its activities publish */
    correlationId: z.string().max(128).optional(),
    /**
     * The batch as its intake left it, with the executors' nonces synced alongside the intake
     * (acceptBatch's nodeNonces): the first run launches its first chunks in its first task,
     * without prepareBatch. Never carried across continue-as-new (a later run reads the store).
     */
    prepared: disburseStartSchema.optional(),
  })
  .strict();
export type DisburseInput = z.input<typeof disburseInputSchema>;
