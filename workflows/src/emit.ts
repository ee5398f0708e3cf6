import { proxySinks } from '@temporalio/workflow';
import type { EventSinks, WorkflowEvent } from './sinks';

const { events } = proxySinks<EventSinks>();
// Module state is per workflow run in the sandbox (each run has its own module instances), and a
// replay counts the same: the n-th event of a run is always number n.
let seq = 0;

/**
 * Emits a workflow event, numbered within its run: a workflow task that runs again after the
 * server refused its completion emits the same numbers, and the worker drops what it has seen.
 */
export function emit(event: WorkflowEvent): void {
  events.emit(event, ++seq);
}
