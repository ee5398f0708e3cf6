'use client';

import { useLiveData } from '@/lib/client/use-live-data';
import { money, num, signClass } from '@/lib/client/format';
import type { PositionView, TransactionView } from '@/lib/server/accounting-views';
import { PnlChart, type SeriesPoint } from './pnl-chart';

interface Pnl {
  total: string;
  balance: { starting: string; current: string };
  available: string;
  reserved: string;
  receiptsProcessed: number;
  checkpoint: number;
  positions: Record<string, PositionView>;
  transactions: TransactionView[];
}
type Data = { pnl: Pnl; series: { points: SeriesPoint[] } };

const PATHS = { pnl: '/api/pnl', series: '/api/pnl/series?limit=500' };
const LIVE = { rooms: ['type:receiptPoller'], types: ['pnl_updated' as const, 'receipts_processed' as const] };

export function PnlPage() {
  const { data, error } = useLiveData<Data>(PATHS, LIVE);
  const p = data.pnl;
  return (
    <div className="grid">
      <section className="panel" data-testid="pnl-summary">
        <h2>P&amp;L</h2>
        {error && <p className="error">{error}</p>}
        {p && (
          <>
            <div className={`big ${signClass(p.total)}`} data-testid="pnl-total">
              {money(p.total)}
            </div>
            <dl className="facts">
              <dt>balance</dt>
              <dd>
                {money(p.balance.current)} <span className="muted">(started {money(p.balance.starting)})</span>
              </dd>
              <dt>available</dt>
              <dd>{money(p.available)}</dd>
              <dt>reserved</dt>
              <dd>{money(p.reserved)}</dd>
              <dt>receipts</dt>
              <dd>
                {num(p.receiptsProcessed)} of ours, through block {num(p.checkpoint)}
              </dd>
            </dl>
          </>
        )}
      </section>
      <section className="panel">
        <h2>P&amp;L over time</h2>
        <PnlChart points={data.series?.points ?? []} />
      </section>
      <section className="panel wide">
        <h2>Positions</h2>
        <table className="table" data-testid="positions">
          <thead>
            <tr>
              <th>market</th>
              <th className="num">spent</th>
              <th className="num">earned</th>
              <th className="num">subsidies</th>
              <th className="num">units</th>
              <th className="num">avg cost / unit</th>
              <th className="num">receipts</th>
              <th className="num">P&amp;L</th>
            </tr>
          </thead>
          <tbody>
            {Object.entries(p?.positions ?? {}).map(([m, pos]) => (
              <tr key={m} data-market={m} data-spent={pos.totalSpent}>
                <td>{m}</td>
                <td className="num">{money(pos.totalSpent)}</td>
                <td className="num">{money(pos.totalEarned)}</td>
                <td className="num">{money(pos.subsidies)}</td>
                <td className="num">{num(pos.unitsConsumed)}</td>
                <td className="num">{money(pos.avgCostPerUnit)}</td>
                <td className="num">{num(pos.receipts)}</td>
                <td className={`num ${signClass(pos.pnl)}`}>{money(pos.pnl)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
      <section className="panel wide">
        <h2>Recent transactions</h2>
        {p && p.transactions.length === 0 && <p className="muted">None yet.</p>}
        {p && p.transactions.length > 0 && (
          <table className="table">
            <thead>
              <tr>
                <th>receipt</th>
                <th>market</th>
                <th>block</th>
                <th>direction</th>
                <th className="num">amount</th>
                <th className="num">units</th>
              </tr>
            </thead>
            <tbody>
              {p.transactions.map((t) => (
                <tr key={t.id}>
                  <td>{t.id}</td>
                  <td>{t.market}</td>
                  <td>{t.blockHeight}</td>
                  <td className={t.direction === 'earn' ? 'ok' : ''}>{t.direction}</td>
                  <td className="num">{money(t.amount)}</td>
                  <td className="num">{num(t.units)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
    </div>
  );
}
