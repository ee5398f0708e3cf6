import type { Sinks } from '@temporalio/workflow';
import type { DecimalAmount, OperationStatus } from '@blockops/domain';

/**
 * Workflow-level events leave the sandbox through this sink. The worker adds the envelope
 * (workflowId, runId, workflowType, correlationId, timestamp) and publishes to the Redis stream;
 * it is not called during replay, so a replayed history emits nothing twice.
 */
export type WorkflowEvent =
  | { type: 'execution_started'; taskQueue: string; attempt: number }
  | { type: 'execution_completed'; duration_ms: number; result?: unknown }
  | { type: 'execution_failed'; duration_ms: number; error: string }
  | { type: 'execution_halted'; reason: string }
  | { type: 'emergency_state_changed'; previous_state: string; new_state: string; reason: string; actor: string }
  | { type: 'receipts_processed'; count: number; applied: number; from_height: number; to_height: number }
  | { type: 'pnl_updated'; total: DecimalAmount; by_market: Record<string, DecimalAmount>; balance: DecimalAmount }
  | { type: 'operation_status_changed'; operation_id: string; status: OperationStatus; details?: Record<string, unknown> };

export interface EventSinks extends Sinks {
  events: {
    /** `seq`: the event's number in its run (emit.ts), so an event emitted twice is published once */
    emit(event: WorkflowEvent, seq?: number): void;
  };
}

/** Header that carries the run's correlation id to its activities. */
export const CORRELATION_HEADER = 'blockops-correlation-id';
