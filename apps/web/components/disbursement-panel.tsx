'use client';

import { useCallback, useEffect, useState, useSyncExternalStore } from 'react';
import Link from 'next/link';
import { api } from '@/lib/client/api';
import type { DagStatusStore } from '@/lib/client/dag/status-store';
import { money } from '@/lib/client/format';
import type { DisbursementDetail } from '@/lib/client/treasury-types';

const SHOWN_LINKS = 40;

/**
 * One disbursement: amount, destination, dependencies and dependents (each a link that selects
 * it), executor nonce, tx hash, attempts, and — for a cancelled dependent — its root cause, linked.
 * Re-read whenever the live store sees the item change.
 */
export function DisbursementPanel({
  id,
  batchId,
  store,
  onSelect,
}: {
  id: string;
  batchId: string;
  store: DagStatusStore;
  onSelect: (id: string) => void;
}) {
  const i = store.index.get(id) ?? -1;
  const subscribe = useCallback((fn: () => void) => (i >= 0 ? store.subscribeItem(i, fn) : () => {}), [store, i]);
  const snap = useSyncExternalStore(
    subscribe,
    () => (i >= 0 ? `${store.status[i]}:${JSON.stringify(store.extras.get(i) ?? {})}` : ''),
    () => '',
  );
  const [item, setItem] = useState<DisbursementDetail | undefined>();
  const [error, setError] = useState<string | undefined>();
  useEffect(() => {
    let live = true;
    api<DisbursementDetail>(`/api/disbursements/${encodeURIComponent(id)}`)
      .then((d) => {
        if (!live) return;
        setItem(d);
        setError(undefined);
      })
      .catch((e: Error) => live && setError(e.message));
    return () => {
      live = false;
    };
  }, [id, snap]);

  const shown = item?.id === id ? item : undefined;
  const links = (ids: string[], testId: string) =>
    ids.length === 0 ? (
      <span className="muted">none</span>
    ) : (
      <span className="links" data-testid={testId}>
        {ids.slice(0, SHOWN_LINKS).map((d) => (
          <button key={d} type="button" className="link" onClick={() => onSelect(d)} data-id={d}>
            {d}
          </button>
        ))}
        {ids.length > SHOWN_LINKS && <span className="muted">and {ids.length - SHOWN_LINKS} more</span>}
      </span>
    );

  return (
    <div className="item-panel" data-testid="item-panel" data-item-id={id} data-status={shown?.status}>
      <h3>
        <span className="mono">{id}</span>
        {shown && <span className={`badge badge-${shown.status.toLowerCase()}`}>{shown.status}</span>}
      </h3>
      {error && <p className="error">{error}</p>}
      {!shown && !error && <p className="muted">Loading…</p>}
      {shown && (
        <dl className="facts">
          {shown.batchId !== batchId && (
            <>
              <dt>Batch</dt>
              <dd>
                <Link href={`/treasury/${encodeURIComponent(shown.batchId)}?item=${encodeURIComponent(shown.id)}`}>{shown.batchId}</Link>
              </dd>
            </>
          )}
          <dt>Amount</dt>
          <dd className="mono">{money(shown.amount)}</dd>
          <dt>Destination</dt>
          <dd className="mono">{shown.destination}</dd>
          {shown.rootCause && (
            <>
              <dt>Root cause</dt>
              <dd>
                <button
                  type="button"
                  className="link"
                  data-testid="root-cause"
                  data-id={shown.rootCause}
                  onClick={() => onSelect(shown.rootCause!)}
                >
                  {shown.rootCause}
                </button>
              </dd>
            </>
          )}
          {shown.lastError && shown.status === 'QUEUED' && (
            <>
              <dt>Retrying</dt>
              <dd className="warning" data-testid="item-last-error">
                {shown.lastError}
              </dd>
            </>
          )}
          {shown.reason && (
            <>
              <dt>Reason</dt>
              <dd data-testid="item-reason">{shown.reason}</dd>
            </>
          )}
          <dt>Depends on</dt>
          <dd>{links(shown.dependsOn, 'item-deps')}</dd>
          <dt>Dependents</dt>
          <dd>{links(shown.dependents, 'item-dependents')}</dd>
          <dt>Executor</dt>
          <dd className="mono">{shown.executor ?? '—'}</dd>
          <dt>Nonce</dt>
          <dd className="mono">{shown.nonce ?? '—'}</dd>
          <dt>Tx hash</dt>
          <dd className="mono wrap" data-testid="item-tx">
            {shown.txHash ?? '—'}
          </dd>
          <dt>Executed</dt>
          <dd>{shown.executedAt ? new Date(shown.executedAt).toLocaleString() : '—'}</dd>
          <dt>Attempts</dt>
          <dd>{shown.attempts}</dd>
          {shown.memo && (
            <>
              <dt>Memo</dt>
              <dd className="mono wrap">{shown.memo.length > 300 ? `${shown.memo.slice(0, 300)}…` : shown.memo}</dd>
            </>
          )}
        </dl>
      )}
    </div>
  );
}
