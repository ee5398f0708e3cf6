import {
  ContinueAsNew,
  defaultPayloadConverter,
  isCancellation,
  patched,
  upsertSearchAttributes,
  workflowInfo,
  type ActivityInput,
  type LocalActivityInput,
  type Next,
  type WorkflowExecuteInput,
  type WorkflowInboundCallsInterceptor,
  type WorkflowInterceptorsFactory,
  type WorkflowOutboundCallsInterceptor,
  type GetLogAttributesInput,
} from '@temporalio/workflow';
import { CORRELATION_ID_KEY } from './search-attributes';
import { emit } from './emit';
import { CORRELATION_HEADER } from './sinks';

/** The run's correlation id: set by whoever started it (memo), else the workflow id. */
function correlationId(): string {
  const info = workflowInfo();
  const fromMemo = info.memo?.correlationId;
  return typeof fromMemo === 'string' && fromMemo.length > 0 ? fromMemo : info.workflowId;
}

/** Runs recorded before runs carried their correlation id as a search attribute replay without it. */
export const CORRELATION_SEARCH_ATTRIBUTE_PATCH = 'correlation-id-search-attribute';
/** Emits execution_* around every workflow, so business code never hand-writes them. */
class ExecutionEventsInterceptor implements WorkflowInboundCallsInterceptor {
  async execute(input: WorkflowExecuteInput, next: Next<WorkflowInboundCallsInterceptor, 'execute'>) {
    const info = workflowInfo();
    const started = Date.now(); // workflow time: deterministic on replay
    // every run can be found by its correlation id: starters set it, a run started without it sets it here
    if (info.typedSearchAttributes.get(CORRELATION_ID_KEY) === undefined && patched(CORRELATION_SEARCH_ATTRIBUTE_PATCH)) {
      upsertSearchAttributes([{ key: CORRELATION_ID_KEY, value: correlationId() }]);
    }
    emit({ type: 'execution_started', taskQueue: info.taskQueue, attempt: info.attempt });
    try {
      const result = await next(input);
      emit({ type: 'execution_completed', duration_ms: Date.now() - started, result });
      return result;
    } catch (err) {
      // continue-as-new ends this run but not the execution: no failure event.
      if (!(err instanceof ContinueAsNew)) {
        const error = isCancellation(err) ? 'cancelled' : err instanceof Error ? err.message : String(err);
        emit({ type: 'execution_failed', duration_ms: Date.now() - started, error });
      }
      throw err;
    }
  }
}

/**
 * Puts the correlation id on every activity call (read back by the worker's activity interceptor)
 * and on every log line of the workflow (`log` from @temporalio/workflow and the SDK's own lines).
 */
class CorrelationOutboundInterceptor implements WorkflowOutboundCallsInterceptor {
  getLogAttributes(input: GetLogAttributesInput, next: Next<WorkflowOutboundCallsInterceptor, 'getLogAttributes'>) {
    return next({ ...input, correlationId: correlationId() });
  }
  scheduleActivity(input: ActivityInput, next: Next<WorkflowOutboundCallsInterceptor, 'scheduleActivity'>) {
    return next({ ...input, headers: { ...input.headers, [CORRELATION_HEADER]: defaultPayloadConverter.toPayload(correlationId()) } });
  }
  scheduleLocalActivity(input: LocalActivityInput, next: Next<WorkflowOutboundCallsInterceptor, 'scheduleLocalActivity'>) {
    return next({ ...input, headers: { ...input.headers, [CORRELATION_HEADER]: defaultPayloadConverter.toPayload(correlationId()) } });
  }
}

export const interceptors: WorkflowInterceptorsFactory = () => ({
  inbound: [new ExecutionEventsInterceptor()],
  outbound: [new CorrelationOutboundInterceptor()],
});
