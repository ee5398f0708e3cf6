'use client';

import { useState } from 'react';
import { useLiveData } from '@/lib/client/use-live-data';
import { money, num } from '@/lib/client/format';
import { MARKETS } from '@blockops/domain';
import type { ReceiptView as Receipt } from '@/lib/server/chain-schemas';

type Data = { page: { receipts: Receipt[]; total: number } };

const LIMIT = 50;
const LIVE = { rooms: ['type:receiptPoller'], types: ['receipts_processed' as const] };

/** The chain's receipt audit trail, newest first, paged, filterable by market. */
export function ReceiptsPage() {
  const [market, setMarket] = useState('');
  const [offset, setOffset] = useState(0);
  const path = `/api/receipts?limit=${LIMIT}&offset=${offset}${market ? `&market=${market}` : ''}`;
  const { data, error } = useLiveData<Data>({ page: path }, LIVE);
  const total = data.page?.total ?? 0;
  return (
    <section className="panel">
      <h2>
        Receipts <span className="status">{num(total)}</span>
      </h2>
      <div className="pager">
        <label>
          market{' '}
          <select
            name="market"
            value={market}
            onChange={(e) => {
              setMarket(e.target.value);
              setOffset(0);
            }}
          >
            <option value="">all</option>
            {MARKETS.map((m) => (
              <option key={m}>{m}</option>
            ))}
          </select>
        </label>
        <button type="button" disabled={offset === 0} onClick={() => setOffset(Math.max(0, offset - LIMIT))}>
          ← newer
        </button>
        <span className="muted">{total ? `${offset + 1}–${Math.min(offset + LIMIT, total)} of ${num(total)}` : 'none'}</span>
        <button type="button" disabled={offset + LIMIT >= total} onClick={() => setOffset(offset + LIMIT)}>
          older →
        </button>
      </div>
      {error && <p className="error">{error}</p>}
      <table className="table" data-testid="receipts">
        <thead>
          <tr>
            <th>receipt</th>
            <th>market</th>
            <th className="num">block</th>
            <th>time</th>
            <th>provider</th>
            <th>consumer</th>
            <th className="num">amount</th>
            <th className="num">units</th>
            <th>operation</th>
          </tr>
        </thead>
        <tbody>
          {(data.page?.receipts ?? []).map((r) => (
            <tr key={r.id} data-market={r.market}>
              <td>{r.id}</td>
              <td>{r.market}</td>
              <td className="num">{r.block_height}</td>
              <td>{new Date(r.timestamp * 1000).toLocaleString()}</td>
              <td>{r.provider}</td>
              <td>{r.consumer}</td>
              <td className="num">{money(r.amount)}</td>
              <td className="num">{num(r.units)}</td>
              <td>{r.operation_id ?? ''}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
