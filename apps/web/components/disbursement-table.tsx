'use client';

import { useEffect, useMemo, useRef, useSyncExternalStore } from 'react';
import { useVirtualizer } from '@tanstack/react-virtual';
import { STATUS_CODE, type DagStatusStore } from '@/lib/client/dag/status-store';
import { depsOf } from '@/lib/client/dag/model';
import { money } from '@/lib/client/format';
import { ItemId } from './item-id';
import type { Disbursement, DisbursementStatus } from '@/lib/client/treasury-types';

const ROW_H = 28;

/**
 * Every item of the batch in one scrolling table, virtualised: only the rows in view exist in the
 * DOM, whatever the batch size. Statuses are live from the store; the rest from the items API.
 */
export function DisbursementTable({
  store,
  details,
  level,
  filter,
  selected,
  onSelect,
}: {
  store: DagStatusStore;
  details: Map<string, Disbursement> | undefined;
  level: Int32Array | undefined;
  filter: DisbursementStatus | undefined;
  selected: number;
  onSelect: (i: number) => void;
}) {
  const version = useSyncExternalStore(store.subscribe, store.getVersion, store.getVersion);
  const filterVersion = filter ? version : 0;
  const rows = useMemo(() => {
    if (!filter) return undefined; // every item, in batch order
    const code = STATUS_CODE[filter];
    const out: number[] = [];
    for (let i = 0; i < store.n; i++) if (store.status[i] === code) out.push(i);
    return out;
  }, [store, filter, filterVersion]); // filterVersion: a filtered list follows status changes
  const count = rows ? rows.length : store.n;
  const parent = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({ count, getScrollElement: () => parent.current, estimateSize: () => ROW_H, overscan: 12 });

  const rowsRef = useRef(rows);
  rowsRef.current = rows;
  useEffect(() => {
    if (selected < 0) return;
    const at = rowsRef.current ? rowsRef.current.indexOf(selected) : selected;
    if (at >= 0) virtualizer.scrollToIndex(at, { align: 'auto' });
  }, [selected, virtualizer]);

  return (
    <div className="vtable" data-testid="disbursement-table" data-rows={count}>
      <div className="vrow vhead" role="row">
        <span>id</span>
        <span>status</span>
        <span className="num">level</span>
        <span className="num">amount</span>
        <span className="num">deps</span>
        <span>tx</span>
      </div>
      <div className="vbody" ref={parent}>
        <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
          {virtualizer.getVirtualItems().map((row) => {
            const i = rows ? rows[row.index]! : row.index;
            const id = store.ids[i]!;
            const status = store.statusOf(i);
            const d = details?.get(id);
            const tx = store.extras.get(i)?.tx_hash ?? d?.txHash;
            return (
              <div
                key={i}
                role="row"
                className={`vrow${i === selected ? ' selected' : ''}`}
                style={{ transform: `translateY(${row.start}px)`, height: ROW_H }}
                data-item-id={id}
                data-status={status}
                onClick={() => onSelect(i)}
              >
                <ItemId id={id} />
                <span>
                  <span className={`badge badge-${status.toLowerCase()}`}>{status}</span>
                </span>
                <span className="num">{level ? level[i]! + 1 : '—'}</span>
                <span className="num">{d ? money(d.amount) : '…'}</span>
                <span className="num">{d ? d.dependsOn.length : depsOf(store.model, i).length}</span>
                <span className="mono" title={tx}>
                  {tx ? `${tx.slice(0, 10)}…` : ''}
                </span>
              </div>
            );
          })}
        </div>
      </div>
    </div>
  );
}
