'use client';

import Link from 'next/link';
import type { BlockopsEvent } from '@blockops/events/schemas';
import { foldIdleCycles, type FoldedIdle } from '@/lib/client/fold-idle';

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
    case 'operation_status_changed': {
      const d = e.details ?? {};
      const late = d.late ? ` (late: was ${String(d.previous_status)})` : '';
      return `${e.operation_id} ${e.status}${late}`;
    }
    case 'receipts_processed':
      return `${e.applied ?? 0} of ${e.count} receipts ours, heights ${e.from_height}–${e.to_height}`;
    default:
      return '';
  }
}

const clock = (iso: string) => new Date(iso).toLocaleTimeString([], { hour12: false });

function FoldedRow({ f, showWorkflow }: { f: FoldedIdle; showWorkflow?: boolean }) {
  const heights = f.fromHeight !== undefined && f.toHeight !== undefined ? `, heights ${f.fromHeight}–${f.toHeight}` : '';
  return (
    <li className="ev ev-folded" data-type="idle_cycles" data-workflow={f.workflowId} data-polls={f.polls} data-events={f.events}>
      <time>{clock(f.newest)}</time>
      <span className="ev-type">idle</span>
      {showWorkflow && (
        <Link href={`/runs/${encodeURIComponent(f.workflowId)}`} className="ev-wf">
          {f.workflowId}
        </Link>
      )}
      <span className="ev-detail">
        {f.polls} poll{f.polls === 1 ? '' : 's'} with nothing of ours since {clock(f.oldest)}
        {heights} ({f.events} events folded)
      </span>
    </li>
  );
}

/** Newest first; the receipt poller's idle cycles folded into one row. */
export function EventFeed({ events, showWorkflow }: { events: BlockopsEvent[]; showWorkflow?: boolean }) {
  if (events.length === 0) return <p className="muted">Waiting for events…</p>;
  return (
    <ol className="feed" data-testid="event-feed">
      {foldIdleCycles(events).map((item) => {
        if (item.kind === 'folded') return <FoldedRow key={item.id} f={item} showWorkflow={showWorkflow} />;
        const e = item.event;
        return (
          <li key={e.id} className={`ev ev-${e.type}`} data-type={e.type} data-workflow={e.workflowId}>
            <time>{clock(e.timestamp)}</time>
            <span className="ev-type">{e.type}</span>
            {showWorkflow && (
              <Link href={`/runs/${encodeURIComponent(e.workflowId)}`} className="ev-wf">
                {e.workflowId}
              </Link>
            )}
            <span className="ev-detail">{detail(e)}</span>
          </li>
        );
      })}
    </ol>
  );
}
