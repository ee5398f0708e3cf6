'use client';

import { useEffect, useMemo, useState } from 'react';
import { api } from '@/lib/client/api';
import { useEventStream } from '@/lib/client/use-event-stream';
import { EventFeed } from './event-feed';
import type { RunSummary } from './runs-list';

interface RunDescription extends RunSummary {
  result?: unknown;
}

/** One run: its status and result from Temporal, and its full event timeline, live. */
export function RunDetail({ workflowId }: { workflowId: string }) {
  const rooms = useMemo(() => [`workflow:${workflowId}`], [workflowId]);
  // since 0-0: replay this run's whole history from the stream, then follow it live.
  const { events, status } = useEventStream({ rooms, since: '0-0', max: 1000 });
  const [run, setRun] = useState<RunDescription | undefined>();
  const [error, setError] = useState<string | undefined>();
  const closed = events.some((e) => e.type === 'execution_completed' || e.type === 'execution_failed');

  useEffect(() => {
    api<RunDescription>(`/api/runs/${encodeURIComponent(workflowId)}`)
      .then(setRun)
      .catch((e) => setError(e.message));
  }, [workflowId, closed]);

  return (
    <div className="grid">
      <section className="panel wide">
        <h2>{workflowId}</h2>
        {error && <p className="error">{error}</p>}
        {run && (
          <dl className="facts">
            <dt>Type</dt>
            <dd>{run.workflowType}</dd>
            <dt>Status</dt>
            <dd>
              <span className={`badge badge-${run.status.toLowerCase()}`} data-testid="run-status">
                {run.status}
              </span>
            </dd>
            <dt>Started</dt>
            <dd>{new Date(run.startTime).toLocaleString()}</dd>
            <dt>Temporal</dt>
            <dd>
              <a href={run.temporalUrl} target="_blank" rel="noreferrer" data-testid="temporal-link">
                Open in Temporal Web ↗
              </a>
            </dd>
          </dl>
        )}
        {run?.result !== undefined && (
          <pre className="result" data-testid="run-result">
            {JSON.stringify(run.result, null, 2)}
          </pre>
        )}
      </section>
      <section className="panel wide">
        <h2>
          Timeline <span className={`status status-${status.split(':')[0]}`}>{status}</span>
        </h2>
        <EventFeed events={[...events]} />
      </section>
    </div>
  );
}
