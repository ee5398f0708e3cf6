import Link from 'next/link';
import { money, time } from '@/lib/client/format';
import type { OperationView } from '@/lib/server/operation-lists';

/** An operation as the API serves it, with its Temporal Web link. */
export type OperationRow = OperationView;

export function OperationsTable({ rows, empty, testId }: { rows: OperationRow[]; empty: string; testId: string }) {
  if (rows.length === 0)
    return (
      <p className="muted" data-testid={testId}>
        {empty}
      </p>
    );
  return (
    <table className="table" data-testid={testId}>
      <thead>
        <tr>
          <th>operation</th>
          <th>market</th>
          <th>status</th>
          <th>estimated</th>
          <th>actual</th>
          <th>block</th>
          <th>updated</th>
          <th />
        </tr>
      </thead>
      <tbody>
        {rows.map((o) => (
          <tr
            key={o.operationId}
            data-operation-id={o.operationId}
            data-status={o.status}
            data-late={o.lateFrom ? 'true' : undefined}
            title={o.reason}
          >
            <td>
              <Link href={`/runs/${encodeURIComponent(o.workflowId)}`}>{o.operationId}</Link>
            </td>
            <td>{o.market}</td>
            <td>
              <span className={`badge badge-${o.status.toLowerCase()}`}>{o.status}</span>
              {o.lateFrom && (
                <span className="late" data-testid="late" title={o.reason}>
                  {' '}
                  late (was {o.lateFrom})
                </span>
              )}
            </td>
            <td>{money(o.estimatedCost)}</td>
            <td>{money(o.actualCost)}</td>
            <td>{o.blockHeight ?? '—'}</td>
            <td>{time(o.updatedAt)}</td>
            <td>
              <a href={o.temporalUrl} target="_blank" rel="noreferrer">
                Temporal
              </a>
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
