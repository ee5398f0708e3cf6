'use client';

import Link from 'next/link';
import type { BlockopsEvent } from '@blockops/events/schemas';

function detail(e: BlockopsEvent): string {
  switch (e.type) {
    case 'node_started':
      return `${e.node_name} attempt ${e.attempt}`;
    case 'node_completed':
      return `${e.node_name} in ${e.duration_ms.toFixed(1)} ms`;
    case 'node_failed':
      return `${e.node_name} attempt ${e.attempt}: ${e.error}${e.retryable ? ' (will retry)' : ''}`;
    case 'execution_completed':
      return `in ${e.duration_ms} ms`;
    case 'execution_failed':
      return e.error;
    case 'execution_halted':
      return e.reason;
    default:
      return '';
  }
}

/** Newest first. */
export function EventFeed({ events, showWorkflow }: { events: BlockopsEvent[]; showWorkflow?: boolean }) {
  if (events.length === 0) return <p className="muted">Waiting for events…</p>;
  return (
    <ol className="feed" data-testid="event-feed">
      {events.map((e) => (
        <li key={e.id} className={`ev ev-${e.type}`} data-type={e.type} data-workflow={e.workflowId}>
          <time>{new Date(e.timestamp).toLocaleTimeString([], { hour12: false })}</time>
          <span className="ev-type">{e.type}</span>
          {showWorkflow && (
            <Link href={`/runs/${encodeURIComponent(e.workflowId)}`} className="ev-wf">
              {e.workflowId}
            </Link>
          )}
          <span className="ev-detail">{detail(e)}</span>
        </li>
      ))}
    </ol>
  );
}
