'use client';

import { useLiveData } from '@/lib/client/use-live-data';
import { money, num } from '@/lib/client/format';
import type { Gates } from '@blockops/domain';

type Metrics = Record<string, number>;
type Markets = {
  overall_status: string;
  markets: Record<string, Record<string, string | number>>;
  healthy_markets: number;
  total_markets: number;
};
type Peers = {
  peers: Array<{ id: string; address: string; latency_ms: number; version: string; is_validator: boolean; reputation: number }>;
  total: number;
};
type Data = { gates: { gates: Gates }; metrics: Metrics; markets: Markets; peers: Peers };

const PATHS = { gates: '/api/gates', metrics: '/api/network/metrics', markets: '/api/markets/health', peers: '/api/peers' };
// every processed batch means new blocks: refresh then
const LIVE = { rooms: ['type:receiptPoller'], types: ['receipts_processed' as const] };

const label = (k: string) => k.replace(/_/g, ' ');
const show = (k: string, v: string | number) => (typeof v !== 'number' ? v : /revenue|price|volume|cpm/.test(k) ? money(v) : num(v, 3));

export function NetworkPage() {
  const { data, error } = useLiveData<Data>(PATHS, LIVE);
  return (
    <div className="grid">
      <section className="panel">
        <h2>Network</h2>
        {error && <p className="error">{error}</p>}
        <dl className="facts" data-testid="network-metrics">
          {Object.entries(data.metrics ?? {}).map(([k, v]) => (
            <div key={k} style={{ display: 'contents' }}>
              <dt>{label(k)}</dt>
              <dd>{k === 'timestamp' ? new Date(v * 1000).toLocaleTimeString() /* seed 002: Unix seconds */ : num(v, 2)}</dd>
            </div>
          ))}
        </dl>
        <h2 className="section">Governor gates</h2>
        <table className="table" data-testid="gates">
          <tbody>
            {Object.entries(data.gates?.gates ?? {}).map(([m, g]) => (
              <tr key={m} data-market={m} data-gate={g.state}>
                <td>{m}</td>
                <td>
                  <span className={`badge badge-${g.state.toLowerCase()}`}>{g.state}</span>
                </td>
                <td className="muted">{g.reason}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
      <section className="panel">
        <h2>
          Markets{' '}
          {data.markets && (
            <span className={`badge badge-${data.markets.overall_status}`}>
              {data.markets.overall_status} · {data.markets.healthy_markets}/{data.markets.total_markets} healthy
            </span>
          )}
        </h2>
        <div className="cards" data-testid="markets">
          {Object.entries(data.markets?.markets ?? {}).map(([m, stats]) => (
            <div className="card" key={m}>
              <h3>
                {m} <span className={`badge badge-${stats.status}`}>{stats.status}</span>
              </h3>
              <dl className="facts">
                {Object.entries(stats)
                  .filter(([k]) => k !== 'status')
                  .map(([k, v]) => (
                    <div key={k} style={{ display: 'contents' }}>
                      <dt>{label(k)}</dt>
                      <dd>{show(k, v)}</dd>
                    </div>
                  ))}
              </dl>
            </div>
          ))}
        </div>
      </section>
      <section className="panel wide">
        <h2>
          Peers <span className="status">{data.peers?.total ?? '…'}</span>
        </h2>
        <table className="table">
          <thead>
            <tr>
              <th>peer</th>
              <th>address</th>
              <th className="num">latency ms</th>
              <th>version</th>
              <th>validator</th>
              <th className="num">reputation</th>
            </tr>
          </thead>
          <tbody>
            {(data.peers?.peers ?? []).map((p) => (
              <tr key={p.id}>
                <td>{p.id}</td>
                <td>{p.address}</td>
                <td className="num">{p.latency_ms}</td>
                <td>{p.version}</td>
                <td>{p.is_validator ? 'yes' : ''}</td>
                <td className="num">{p.reputation}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
    </div>
  );
}
