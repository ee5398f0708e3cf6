import { randomUUID } from 'node:crypto';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import { DISBURSE_SIGNALS, isDisbursementStatus, type DisbursementStatus } from '@blockops/domain';
import type { BatchSummaryCore, Throttle } from '@blockops/treasury';
import { problem, temporalRunUrl } from './http';
import type { Services } from './services';

export const newBatchId = () => `batch-${new Date().toISOString().slice(0, 10)}-${randomUUID().slice(0, 8)}`;
export const consoleUrl = (batchId: string) => `/treasury/${encodeURIComponent(batchId)}`;

/** A batch summary with its links, as the API answers it. */
export const withLinks = (services: Services, s: BatchSummaryCore) => ({
  ...s,
  temporalUrl: temporalRunUrl(services, s.workflowId),
  consoleUrl: consoleUrl(s.batchId),
});

/** The throttle as the API answers it; `executors` caps the items in flight whatever the throttle says. */
export const throttleView = (services: Services, t: Throttle) => ({ ...t, executors: services.config.TREASURY_EXECUTORS });

/** Starts `disburse-<batchId>` for a stored batch (a workflow id is used once). */
export async function startDisbursement(services: Services, batchId: string, workflowId: string, memo: Record<string, string>) {
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
        },
      ],
      workflowIdConflictPolicy: 'FAIL',
      workflowIdReusePolicy: 'REJECT_DUPLICATE',
      memo,
    });
  } catch (err) {
    if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err; // a worker's reconciler was first
  }
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

/** An integer query parameter within limits, or a 400 naming it. */
export function intParam(url: URL, name: string, def: number, min: number, max: number): number | Response {
  const raw = url.searchParams.get(name);
  if (raw === null || raw === '') return def;
  const v = Number(raw);
  if (!Number.isInteger(v) || v < min || v > max)
    return problem(400, `${name}: must be an integer from ${min} to ${max} (got ${JSON.stringify(raw.slice(0, 20))})`, {
      issues: [{ field: name, message: `must be an integer from ${min} to ${max}` }],
    });
  return v;
}

export function statusParam(url: URL): DisbursementStatus | undefined | Response {
  const raw = url.searchParams.get('status');
  if (raw === null || raw === '') return undefined;
  if (isDisbursementStatus(raw)) return raw;
  return problem(400, `status: must be one of QUEUED, EXECUTED, CANCELLED, FAILED (got ${JSON.stringify(raw.slice(0, 20))})`, {
    issues: [{ field: 'status', message: 'must be one of QUEUED, EXECUTED, CANCELLED, FAILED' }],
  });
}
