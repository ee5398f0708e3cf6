'use client';

import Link from 'next/link';
import { shortDateTime } from '@/lib/client/format';
import { TemporalLink } from './temporal-link';

export interface RunSummary {
  workflowId: string;
  runId: string;
  workflowType: string;
  status: string;
  startTime: string;
  closeTime: string | null;
  /** blockops' search attributes (Temporal Web finds runs by them too) */
  market?: string | null;
  businessStatus?: string | null;
  correlationId?: string | null;
  batchId?: string | null;
  temporalUrl: string;
}

export function RunsList({ runs, filtered }: { runs: RunSummary[]; filtered?: boolean }) {
  if (runs.length === 0) return <p className="muted">{filtered ? 'No run matches these filters.' : 'No runs yet.'}</p>;
  return (
    <div className="table-scroll">
      <table className="table" data-testid="runs">
        <thead>
          <tr>
            <th>Run</th>
            <th>Type</th>
            <th>Status</th>
            <th>Market</th>
            <th>Outcome</th>
            <th>Started</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {runs.map((r) => (
            <tr
              key={`${r.workflowId}/${r.runId}`}
              data-workflow-id={r.workflowId}
              title={r.correlationId ? `correlation id ${r.correlationId}` : undefined}
            >
              <td>
                <Link href={`/runs/${encodeURIComponent(r.workflowId)}`}>{r.workflowId}</Link>
              </td>
              <td>{r.workflowType}</td>
              <td>
                <span className={`badge badge-${r.status.toLowerCase()}`}>{r.status}</span>
              </td>
              <td>{r.market ?? ''}</td>
              <td>{r.businessStatus ? <span className={`badge badge-${r.businessStatus.toLowerCase()}`}>{r.businessStatus}</span> : ''}</td>
              <td title={new Date(r.startTime).toLocaleString()}>{shortDateTime(r.startTime)}</td>
              <td>
                <TemporalLink href={r.temporalUrl} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
