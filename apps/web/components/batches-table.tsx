import Link from 'next/link';
import { money, num, shortDateTime } from '@/lib/client/format';
import type { BatchSummary } from '@/lib/client/treasury-types';
import { BatchProgress } from './batch-progress';
import { TemporalLink } from './temporal-link';

/** Batches, newest first, each with its live progress and its links. */
export function BatchesTable({ batches }: { batches: BatchSummary[] }) {
  if (batches.length === 0)
    return (
      <p className="muted" data-testid="batches">
        No batches yet.
      </p>
    );
  return (
    <div className="table-scroll">
      <table className="table" data-testid="batches">
        <thead>
          <tr>
            <th>batch</th>
            <th>status</th>
            <th className="num">items</th>
            <th>progress</th>
            <th className="num">items/s</th>
            <th className="num">executed</th>
            <th>created</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {batches.map((b) => (
            <tr key={b.batchId} data-batch-id={b.batchId} data-status={b.status}>
              <td>
                <Link href={b.consoleUrl}>{b.batchId}</Link>
              </td>
              <td>
                <span className={`badge badge-${b.status.toLowerCase()}`}>{b.status}</span>
              </td>
              <td className="num">{num(b.total)}</td>
              <td className="progress-cell">
                <BatchProgress counts={b.counts} total={b.total} compact />
              </td>
              <td className="num">{b.timings.itemsPerSecond === undefined ? '—' : num(b.timings.itemsPerSecond, 1)}</td>
              <td className="num amount-cell">
                {money(b.executedAmount)}
                <small className="muted">of {money(b.totalAmount)}</small>
              </td>
              <td title={new Date(b.createdAt).toLocaleString()}>{shortDateTime(b.createdAt)}</td>
              <td>
                <TemporalLink href={b.temporalUrl} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
