'use client';

import { useState } from 'react';
import { num } from '@/lib/client/format';
import { useBatches } from '@/lib/client/use-batches';
import { BatchSubmitForm } from './batch-submit-form';
import { BatchesTable } from './batches-table';
import { ThrottleForm } from './throttle-form';

const LIMIT = 50;

/** Treasury: submit a disbursement batch, watch every batch's progress live, tune the throttle. */
export function TreasuryPage() {
  const [offset, setOffset] = useState(0);
  const { page, error, status, reload } = useBatches(LIMIT, offset);
  const total = page?.total ?? 0;
  return (
    <div className="grid">
      <div className="stack">
        <section className="panel">
          <h2>Submit a batch</h2>
          <p className="muted">
            Up to 10,000 disbursements. Dependencies go in the memo (<code>depends_on=a,b</code> or <code>{'{"depends_on": ["a"]}'}</code>);
            an item is paid only after all of them are executed.
          </p>
          <BatchSubmitForm onSubmitted={reload} />
        </section>
        <section className="panel">
          <h2>Throttle</h2>
          <ThrottleForm />
        </section>
      </div>
      <section className="panel">
        <h2>
          Batches <span className="status">{num(total)}</span>
          <span className={`status status-${status.split(':')[0]}`} data-testid="stream-status">
            {status}
          </span>
        </h2>
        {error && <p className="error">{error}</p>}
        <BatchesTable batches={page?.batches ?? []} />
        {total > LIMIT && (
          <div className="pager">
            <button type="button" disabled={offset === 0} onClick={() => setOffset(Math.max(0, offset - LIMIT))}>
              ← newer
            </button>
            <span className="muted">
              {offset + 1}–{Math.min(offset + LIMIT, total)} of {num(total)}
            </span>
            <button type="button" disabled={offset + LIMIT >= total} onClick={() => setOffset(offset + LIMIT)}>
              older →
            </button>
          </div>
        )}
      </section>
    </div>
  );
}
