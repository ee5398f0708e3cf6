import type { EventPublisher, NewEvent } from '@blockops/events';
import type { Logger } from './logger';
import type { WorkerMetrics } from './metrics';

export type Publish = (event: NewEvent) => Promise<void>;

/**
 * Events are observability, not business state: a failed publish is logged and counted but never
 * fails the activity or workflow that produced it.
 */
export function safePublisher(publisher: EventPublisher, metrics: WorkerMetrics, log: Logger): Publish {
  return async (event) => {
    try {
      await publisher.publish(event);
      metrics.eventsPublished.inc({ type: event.type });
    } catch (err) {
      metrics.eventPublishErrors.inc();
      log.warn({ err, type: event.type, workflowId: event.workflowId }, 'event publish failed');
    }
  };
}

const MAX_OUTPUT_BYTES = 4096;

/** Keeps events small: large outputs are replaced by a note of their size. */
export function summarizeOutput(value: unknown): unknown {
  if (value === undefined) return null;
  const json = JSON.stringify(value);
  if (json === undefined) return null;
  return json.length <= MAX_OUTPUT_BYTES ? value : { truncated: true, bytes: json.length };
}
