import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import {
  BATCH_STATUSES,
  DISBURSE_SIGNALS,
  STORED_DISBURSEMENT_ID_PATTERN,
  DISBURSEMENT_STATUSES,
  disbursementBatchInputSchema,
  type DisburseStart,
} from '@blockops/domain';
import type { BatchSummaryCore, Throttle } from '@blockops/treasury';
import { amount, errorSchema, isoTime } from './api-schemas';
import { temporalRunUrl } from './http';
import type { Services } from './services';

export const newBatchId = () => `batch-${new Date().toISOString().slice(0, 10)}-${randomUUID().slice(0, 8)}`;
export const consoleUrl = (batchId: string) => `/treasury/${encodeURIComponent(batchId)}`;

// ── answers (zod): the OpenAPI document and the handlers' types come from these ─────────────────

const status = z.enum(DISBURSEMENT_STATUSES);
const counts = z.object({
  QUEUED: z.number().int().nonnegative(),
  EXECUTED: z.number().int().nonnegative(),
  CANCELLED: z.number().int().nonnegative(),
  FAILED: z.number().int().nonnegative(),
});
const links = {
  temporalUrl: z.url().describe('the batch’s workflow in Temporal Web'),
  consoleUrl: z.string().describe('the batch in this console (path)'),
};

/** A path parameter naming a batch or an item: outside the id rule it names nothing (404); ids stored before `:` was refused still read. */
export const idParam = z.string().regex(STORED_DISBURSEMENT_ID_PATTERN, 'must be 1–64 of letters, digits, _ . : -');

export const batchSummarySchema = z
  .object({
    batchId: z.string(),
    workflowId: z.string(),
    status: z.enum(BATCH_STATUSES).describe('HALTED while the submit decision point holds its chunks'),
    haltedReason: z.string().optional(),
    createdAt: isoTime,
    updatedAt: isoTime,
    completedAt: isoTime.optional(),
    total: z.number().int().nonnegative(),
    counts,
    totalAmount: amount,
    executedAmount: amount,
    levels: z.number().int().nonnegative().describe('depth of the dependency DAG'),
    timings: z.object({
      firstSubmitAt: isoTime.optional(),
      lastExecutedAt: isoTime.optional(),
      itemsPerSecond: z.number().nonnegative().optional(),
    }),
    ...links,
  })
  .meta({ id: 'DisbursementBatch' });

export const itemSchema = z
  .object({
    id: z.string(),
    batchId: z.string(),
    destination: z.string(),
    amount,
    memo: z.string().optional().describe('in lists the on-chain memo (≤ 1,024 bytes); one item: the full memo (≤ 8 KiB)'),
    dependsOn: z.array(z.string()),
    status,
    executor: z.string().optional(),
    nonce: z.number().int().optional(),
    txHash: z.string().optional(),
    executedAt: isoTime.optional(),
    attempts: z.number().int().nonnegative(),
    reason: z.string().optional().describe('why it was cancelled or failed'),
    rootCause: z.string().optional().describe('for an item cancelled because a dependency did not execute: that item'),
    lastError: z.string().optional().describe('a QUEUED item retried after a transient error: the last one'),
    level: z.number().int().describe('0 = no dependency inside its batch'),
  })
  .meta({ id: 'Disbursement' });

export const graphSchema = z.object({
  batchId: z.string(),
  ids: z.array(z.string()),
  status: z.array(status).describe('parallel to ids'),
  edges: z
    .array(z.tuple([z.number().int(), z.number().int()]))
    .describe('[dependencyIndex, dependentIndex] into ids, edges inside the batch'),
});

export const throttleSchema = z.object({
  maxInFlightChunks: z.number().int().positive(),
  chunkSize: z.number().int().positive(),
  updatedAt: isoTime.optional().describe('absent while the configured defaults apply'),
  actor: z.string().describe('who set it, or "config"'),
  reason: z.string().optional(),
  executors: z.number().int().positive().describe('the executor pool: items in flight never exceed it, whatever the throttle says'),
});

export const batchIssueSchema = z.object({
  id: z.string().optional().describe('the item'),
  field: z.string().describe('items[<i>].<field>, batchId, items or (body)'),
  message: z.string(),
  path: z.array(z.string()).optional().describe('a dependency cycle, in order'),
});

/**
 * The request body as documented. Intake validates it itself (parseBatch): every problem of the
 * batch at once, each naming its item — so the wrapper takes the body as is, and the document
 * shows this schema.
 */
const { $schema: _dialect, ...documentedBatch } = z.toJSONSchema(disbursementBatchInputSchema, { io: 'input' }) as Record<string, unknown>;
export const batchBodySchema = z.unknown().meta({
  override: ({ jsonSchema }: { jsonSchema: Record<string, unknown> }) => {
    Object.assign(jsonSchema, documentedBatch);
  },
});

export const submitAnswers = {
  202: {
    description: 'stored whole and its workflow started',
    schema: z.object({
      batchId: z.string(),
      workflowId: z.string(),
      items: z.number().int().positive(),
      totalAmount: amount,
      ready: z.number().int().nonnegative().describe('items with nothing to wait for'),
      cancelledAtIntake: z
        .array(z.object({ id: z.string(), rootCause: z.string().optional(), reason: z.string().optional() }))
        .describe('items whose dependency from an earlier batch had already been cancelled or failed'),
      correlationId: z.string(),
      ...links,
    }),
  },
  400: {
    description:
      'the batch is invalid: every problem in `issues`, each naming its item (a cycle its path); a body that is not JSON (or not UTF-8) has only `error`. Nothing was stored',
    schema: errorSchema.extend({ issues: z.array(batchIssueSchema).optional() }),
  },
  409: {
    description: 'the batch id or item ids were used before (ids are never reused); nothing was stored',
    schema: errorSchema.extend({ batchId: z.string().optional(), ids: z.array(z.string()) }),
  },
  503: {
    description: 'Redis or Temporal unreachable; or the batch was stored but its workflow could not be started (a worker start starts it)',
    schema: errorSchema.extend({ batchId: z.string().optional(), workflowId: z.string().optional(), ...links }).partial({
      temporalUrl: true,
      consoleUrl: true,
    }),
  },
} as const;

// ── helpers ────────────────────────────────────────────────────────────────────────────────────

/** A batch summary with its links, as the API answers it. */
export const withLinks = (services: Services, s: BatchSummaryCore) => ({
  ...s,
  temporalUrl: temporalRunUrl(services, s.workflowId),
  consoleUrl: consoleUrl(s.batchId),
});

/** The throttle as the API answers it; `executors` caps the items in flight whatever the throttle says. */
export const throttleView = (services: Services, t: Throttle) => ({ ...t, executors: services.config.TREASURY_EXECUTORS });

/**
 * Starts `disburse-<batchId>` for a stored batch (a workflow id is used once). `prepared`
 * (acceptBatch synced the nonces alongside the intake): its first task launches chunks at once; the
 * batch is then marked as having its workflow here, as prepareBatch marks it otherwise (the worker's
 * check for stored batches without one leaves it alone).
 */
export async function startDisbursement(
  services: Services,
  batchId: string,
  workflowId: string,
  memo: Record<string, string>,
  prepared?: DisburseStart,
) {
  const { config, temporal } = services;
  try {
    await temporal.workflow.start('disburse', {
      workflowId,
      taskQueue: config.TEMPORAL_TASK_QUEUE,
      args: [
        {
          batchId,
          idlePollMs: config.TREASURY_IDLE_POLL_MS,
          chunkTimeoutMs: config.TREASURY_CHUNK_TIMEOUT_MS,
          chunkBudgetMs: config.TREASURY_CHUNK_BUDGET_MS,
          maxHistoryEvents: config.TREASURY_MAX_HISTORY_EVENTS,
          correlationId: memo.correlationId,
          ...(prepared ? { prepared } : {}),
        },
      ],
      workflowIdConflictPolicy: 'FAIL',
      workflowIdReusePolicy: 'REJECT_DUPLICATE',
      memo,
    });
  } catch (err) {
    if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err; // a worker's reconciler was first
  }
  // the workflow runs whatever this write does: a failed mark is logged, never answered as a failed start
  // (the worker's check also leaves alone a batch whose workflow id Temporal knows)
  if (prepared)
    await services.treasury.markWorkflowStarted(batchId).catch((err: unknown) => {
      services.log.warn({ batchId, err: String(err) }, 'the batch could not be marked as having its workflow');
    });
}

/** Tells every running batch the new throttle, so the next chunk uses it. Returns how many were told. */
export async function signalThrottle(services: Services, t: Throttle): Promise<number> {
  const ids = await services.treasury.runningBatchIds();
  const told = await Promise.all(
    ids.map(async (b) => {
      const summary = await services.treasury.batchSummary(b);
      if (!summary) return false;
      try {
        await services.temporal.workflow
          .getHandle(summary.workflowId)
          .signal<[{ maxInFlightChunks: number; chunkSize: number }]>(DISBURSE_SIGNALS.throttle, {
            maxInFlightChunks: t.maxInFlightChunks,
            chunkSize: t.chunkSize,
          });
        return true;
      } catch {
        return false; // not running (yet, or any more): it reads the throttle from the store at its next chunk
      }
    }),
  );
  return told.filter(Boolean).length;
}
