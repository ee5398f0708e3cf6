import type { Context } from '@temporalio/activity';
import { ApplicationFailure, defaultPayloadConverter } from '@temporalio/common';
import type { ActivityExecuteInput, ActivityInterceptorsFactory } from '@temporalio/worker';
import { NON_RETRYABLE_ERROR_TYPES, isClassifiedError } from '@blockops/domain';
import { CORRELATION_HEADER } from '@blockops/workflows/public';
import { summarizeOutput, type Publish } from '../publish';
import type { WorkerMetrics } from '../metrics';

function retryable(err: unknown): boolean {
  if (isClassifiedError(err)) return err.retryable;
  if (err instanceof ApplicationFailure) return !err.nonRetryable && !NON_RETRYABLE_ERROR_TYPES.includes(err.type ?? '');
  if (err instanceof Error) return !NON_RETRYABLE_ERROR_TYPES.includes(err.name);
  return true;
}

function correlationIdOf(input: ActivityExecuteInput, fallback: string): string {
  const payload = input.headers[CORRELATION_HEADER];
  if (!payload) return fallback;
  const value = defaultPayloadConverter.fromPayload<unknown>(payload);
  return typeof value === 'string' && value ? value : fallback;
}

/**
 * node_started / node_completed / node_failed for every activity attempt, from one place:
 * activities themselves never emit. Publishing is awaited so a node's events precede the
 * workflow events that follow its completion.
 */
export function activityEventsInterceptor(publish: Publish, metrics: WorkerMetrics): ActivityInterceptorsFactory {
  return (ctx: Context) => {
    // read from the headers when the attempt starts; the SDK's debug "Activity started" line comes
    // before that and carries workflowId/runId/activityId only
    let correlationId: string | undefined;
    return {
      outbound: {
        // every later log line of the attempt (the SDK's and Context.log's) carries the run's correlation id
        getLogAttributes(input, next) {
          return next(correlationId ? { ...input, correlationId } : input);
        },
      },
      inbound: {
        async execute(input, next) {
          const info = ctx.info;
          const workflowId = info.workflowExecution?.workflowId ?? `activity-${info.activityId}`;
          const envelope = {
            workflowId,
            runId: info.workflowExecution?.runId ?? '',
            workflowType: info.workflowType ?? '',
            correlationId: (correlationId = correlationIdOf(input, workflowId)),
            node_id: info.activityId,
            node_name: info.activityType,
          };
          await publish({ type: 'node_started', timestamp: new Date().toISOString(), ...envelope, attempt: info.attempt });
          const t0 = performance.now();
          try {
            const result = await next(input);
            const duration_ms = performance.now() - t0;
            metrics.activityExecutions.inc({ activity: info.activityType, status: 'completed' });
            metrics.activityDuration.observe({ activity: info.activityType }, duration_ms / 1000);
            await publish({
              type: 'node_completed',
              timestamp: new Date().toISOString(),
              ...envelope,
              duration_ms,
              status: 'success',
              outputs: summarizeOutput(result),
            });
            return result;
          } catch (err) {
            const duration_ms = performance.now() - t0;
            metrics.activityExecutions.inc({ activity: info.activityType, status: 'failed' });
            metrics.activityDuration.observe({ activity: info.activityType }, duration_ms / 1000);
            await publish({
              type: 'node_failed',
              timestamp: new Date().toISOString(),
              ...envelope,
              duration_ms,
              error: err instanceof Error ? `${err.name}: ${err.message}` : String(err),
              attempt: info.attempt,
              retryable: retryable(err),
            });
            throw err;
          }
        },
      },
    };
  };
}
