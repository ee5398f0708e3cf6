import type { InjectedSinks } from '@temporalio/worker';
import type { EventSinks } from '@blockops/workflows/public';
import { workflowEmitDeduper, type NewEvent } from '@blockops/events';
import { summarizeOutput, type Publish } from './publish';
import type { WorkerMetrics } from './metrics';

const STATUS = {
  execution_started: 'started',
  execution_completed: 'completed',
  execution_failed: 'failed',
  execution_halted: 'halted',
} as const;

/**
 * Workflow events leave the sandbox here. Not called during replay, so a worker that replays a
 * history after a restart does not publish its events again; an event emitted again by a task that
 * ran twice (same run, same number) is dropped.
 */
export function eventSinks(publish: Publish, metrics: WorkerMetrics): InjectedSinks<EventSinks> {
  // a task that runs again after the server refused its completion emits the same numbers again
  const fresh = workflowEmitDeduper();
  return {
    events: {
      emit: {
        fn(info, event, seq) {
          if (!fresh(info.runId, seq)) return;
          const memoId = info.memo?.correlationId;
          if (event.type in STATUS)
            metrics.workflowExecutions.inc({ workflow_type: info.workflowType, status: STATUS[event.type as keyof typeof STATUS] });
          const full = {
            ...event,
            ...('result' in event ? { result: summarizeOutput(event.result) } : {}),
            timestamp: new Date().toISOString(),
            workflowId: info.workflowId,
            runId: info.runId,
            workflowType: info.workflowType,
            correlationId: typeof memoId === 'string' && memoId ? memoId : info.workflowId,
          } as NewEvent;
          return publish(full);
        },
        callDuringReplay: false,
      },
    },
  };
}
