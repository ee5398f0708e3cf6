import type { InjectedSinks } from '@temporalio/worker';
import type { EventSinks } from '@blockops/workflows/public';
import type { NewEvent } from '@blockops/events';
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
 * history after a restart does not publish its events again.
 */
export function eventSinks(publish: Publish, metrics: WorkerMetrics): InjectedSinks<EventSinks> {
  return {
    events: {
      emit: {
        fn(info, event) {
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
