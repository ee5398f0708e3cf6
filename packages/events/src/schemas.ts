import { z } from 'zod';
import { BREAKER_STATES, DISBURSEMENT_STATUSES, OPERATION_STATUSES, decimalAmountSchema } from '@blockops/domain';
import { STREAM_ID_PATTERN } from './stream-id';

/**
 * Fields every event carries (DESIGN.md §5), besides `type` and `id`. `id` is the Redis stream id,
 * assigned when the event is published, so producers validate events without it.
 */
const base = z.object({
  timestamp: z.iso.datetime({ offset: true }),
  workflowId: z.string().min(1),
  runId: z.string(),
  workflowType: z.string(),
  correlationId: z.string().min(1),
});

export const streamIdSchema = z.string().regex(STREAM_ID_PATTERN, 'must be a stream id like 1700000000000-0');

const jsonRecord = z.record(z.string(), z.unknown());

const executionStartedSchema = base.extend({
  type: z.literal('execution_started'),
  taskQueue: z.string().optional(),
  attempt: z.number().int().optional(),
});
const executionCompletedSchema = base.extend({
  type: z.literal('execution_completed'),
  duration_ms: z.number().nonnegative(),
  result: z.unknown().optional(),
});
const executionFailedSchema = base.extend({
  type: z.literal('execution_failed'),
  duration_ms: z.number().nonnegative(),
  error: z.string(),
});
const executionHaltedSchema = base.extend({
  type: z.literal('execution_halted'),
  reason: z.string(),
});
const nodeStartedSchema = base.extend({
  type: z.literal('node_started'),
  node_id: z.string(),
  node_name: z.string(),
  attempt: z.number().int().positive(),
});
const nodeCompletedSchema = base.extend({
  type: z.literal('node_completed'),
  node_id: z.string(),
  node_name: z.string(),
  duration_ms: z.number().nonnegative(),
  status: z.literal('success'),
  outputs: z.unknown(),
});
const nodeFailedSchema = base.extend({
  type: z.literal('node_failed'),
  node_id: z.string(),
  node_name: z.string(),
  duration_ms: z.number().nonnegative(),
  error: z.string(),
  attempt: z.number().int().positive(),
  retryable: z.boolean(),
});
const breakerState = z.enum(BREAKER_STATES);
const isoOrNull = z.iso.datetime({ offset: true }).nullable();
/** One per breaker transition, from whoever made it (a worker's guard, or the web for an operator). */
const breakerStateChangedSchema = base.extend({
  type: z.literal('breaker_state_changed'),
  breaker: z.string(),
  previous_state: breakerState,
  new_state: breakerState,
  /** what moved it: failures, open_timeout, probe_failure, probe_successes, force_open, force_close, reset */
  trigger: z.string(),
  /** a sentence: the numbers that tripped it, or the operator's reason */
  reason: z.string(),
  /** the operator (`operator:<name>`) for forced transitions and resets */
  actor: z.string().optional(),
  /** the failure (or process) that caused an automatic transition */
  cause: z.string().optional(),
  failures: z.number().int().nonnegative(),
  successes: z.number().int().nonnegative(),
  opened_at: isoOrNull,
  next_probe_at: isoOrNull,
});
const emergencyStateChangedSchema = base.extend({
  type: z.literal('emergency_state_changed'),
  previous_state: z.string(),
  new_state: z.string(),
  reason: z.string(),
  actor: z.string(),
});
const receiptsProcessedSchema = base.extend({
  type: z.literal('receipts_processed'),
  /** receipts read from the chain in this batch */
  count: z.number().int().nonnegative(),
  /** of those, receipts of our account applied to accounting */
  applied: z.number().int().nonnegative().optional(),
  from_height: z.number().int().nonnegative(),
  to_height: z.number().int().nonnegative(),
});
const operationStatusChangedSchema = base.extend({
  type: z.literal('operation_status_changed'),
  operation_id: z.string(),
  status: z.enum(OPERATION_STATUSES),
  details: jsonRecord.optional(),
});
const disbursementStatus = z.enum(DISBURSEMENT_STATUSES);
/** Many items per event (one per chunk result, at most 1,000), never one event per item. */
const disbursementStatusChangedSchema = base.extend({
  type: z.literal('disbursement_status_changed'),
  batch_id: z.string(),
  items: z
    .array(
      z.object({
        id: z.string(),
        status: disbursementStatus,
        tx_hash: z.string().optional(),
        nonce: z.number().int().optional(),
        reason: z.string().optional(),
        root_cause: z.string().optional(),
      }),
    )
    .max(1000),
  counts: z.object({
    QUEUED: z.number().int().nonnegative(),
    EXECUTED: z.number().int().nonnegative(),
    CANCELLED: z.number().int().nonnegative(),
    FAILED: z.number().int().nonnegative(),
  }),
});
const pnlUpdatedSchema = base.extend({
  type: z.literal('pnl_updated'),
  /** exact decimal amounts ("7016.06"), like every amount in an event */
  total: decimalAmountSchema,
  by_market: z.record(z.string(), decimalAmountSchema),
  balance: decimalAmountSchema.optional(),
});

/** An event as a producer hands it over: no id yet. Validated before it reaches the stream. */
export const newEventSchema = z.discriminatedUnion('type', [
  executionStartedSchema,
  executionCompletedSchema,
  executionFailedSchema,
  executionHaltedSchema,
  nodeStartedSchema,
  nodeCompletedSchema,
  nodeFailedSchema,
  breakerStateChangedSchema,
  emergencyStateChangedSchema,
  receiptsProcessedSchema,
  operationStatusChangedSchema,
  disbursementStatusChangedSchema,
  pnlUpdatedSchema,
]);

/** An event as consumers see it: with its stream id. */
export const eventSchema = newEventSchema.and(z.object({ id: streamIdSchema }));

export type NewEvent = z.infer<typeof newEventSchema>;
export type BlockopsEvent = z.infer<typeof eventSchema>;
export type EventType = NewEvent['type'];
export const EVENT_TYPES = newEventSchema.options.map((o) => o.shape.type.value) as EventType[];
