'use client';

import Link from 'next/link';

export interface RunSummary {
  workflowId: string;
  runId: string;
  workflowType: string;
  status: string;
  startTime: string;
  closeTime: string | null;
  temporalUrl: string;
}

export function RunsList({ runs }: { runs: RunSummary[] }) {
  if (runs.length === 0) return <p className="muted">No runs yet.</p>;
  return (
    <table className="table" data-testid="runs">
      <thead>
        <tr>
          <th>Run</th>
          <th>Type</th>
          <th>Status</th>
          <th>Started</th>
          <th />
        </tr>
      </thead>
      <tbody>
        {runs.map((r) => (
          <tr key={`${r.workflowId}/${r.runId}`}>
            <td>
              <Link href={`/runs/${encodeURIComponent(r.workflowId)}`}>{r.workflowId}</Link>
            </td>
            <td>{r.workflowType}</td>
            <td>
              <span className={`badge badge-${r.status.toLowerCase()}`}>{r.status}</span>
            </td>
            <td>{new Date(r.startTime).toLocaleTimeString()}</td>
            <td>
              <a href={r.temporalUrl} target="_blank" rel="noreferrer">
                Temporal ↗
              </a>
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
