'use client';

import { useLiveData } from '@/lib/client/use-live-data';
import { OperationForm } from './operation-form';
import { OperationsTable, type OperationRow } from './operations-table';

type Page = { items: OperationRow[]; total: number };
type Lists = { pending: Page; confirmed: Page; expired: Page; rejected: Page; failed: Page };

const PATHS = {
  pending: '/api/operations/pending?limit=50',
  confirmed: '/api/operations/confirmed?limit=50',
  expired: '/api/operations/closed?status=EXPIRED&limit=20',
  rejected: '/api/operations/closed?status=REJECTED&limit=20',
  failed: '/api/operations/closed?status=FAILED&limit=20',
};
const LIVE = { rooms: ['type:operation'], types: ['operation_status_changed' as const] };

export function OperationsPage() {
  const { data, error, reload, status } = useLiveData<Lists>(PATHS, LIVE);
  const ended = [...(data.expired?.items ?? []), ...(data.rejected?.items ?? []), ...(data.failed?.items ?? [])].sort(
    (a, b) => b.updatedAt.localeCompare(a.updatedAt), // ISO 8601 sorts as text
  );
  return (
    <div className="grid">
      <section className="panel">
        <h2>Submit an operation</h2>
        <p className="muted">
          Admitted only through an open (Trade) gate, with the estimated cost reserved from the balance until its receipt settles it.
        </p>
        <OperationForm onSubmitted={reload} />
      </section>
      <section className="panel">
        <h2>
          Pending <span className="status">{data.pending?.total ?? '…'}</span>
          <span className={`status status-${status.split(':')[0]}`}>{status}</span>
        </h2>
        {error && <p className="error">{error}</p>}
        <OperationsTable rows={data.pending?.items ?? []} empty="Nothing waiting for a receipt." testId="pending-operations" />
        <h2 className="section">
          Confirmed <span className="status">{data.confirmed?.total ?? '…'}</span>
        </h2>
        <OperationsTable rows={data.confirmed?.items ?? []} empty="No confirmed operations yet." testId="confirmed-operations" />
        <h2 className="section">Expired, rejected, failed</h2>
        <OperationsTable rows={ended.slice(0, 30)} empty="None." testId="closed-operations" />
      </section>
    </div>
  );
}
