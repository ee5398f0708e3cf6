'use client';

import type { SeriesPointView as SeriesPoint } from '@/lib/server/accounting-views';
import { CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';

export type { SeriesPointView as SeriesPoint } from '@/lib/server/accounting-views';

const COLORS: Record<string, string> = { total: '#4fb3ff', compute: '#3fb950', storage: '#d29922', energy: '#bc8cff', ad: '#f778ba' };

/** P&L over time: total and per market, one point per applied batch. */
export function PnlChart({ points }: { points: SeriesPoint[] }) {
  if (points.length === 0) return <p className="muted">No P&amp;L points yet: they appear as receipts of our account are applied.</p>;
  // the chart plots floats; the figures shown elsewhere stay exact
  const data = points.map((p) => ({
    time: new Date(p.t).toLocaleTimeString(),
    height: p.height,
    total: Number(p.total),
    ...Object.fromEntries(Object.entries(p.byMarket).map(([m, v]) => [m, Number(v)])),
  }));
  return (
    <div style={{ width: '100%', height: 280 }} data-testid="pnl-chart">
      <ResponsiveContainer>
        <LineChart data={data} margin={{ top: 8, right: 16, bottom: 0, left: 8 }}>
          <CartesianGrid stroke="#26313d" />
          <XAxis dataKey="time" stroke="#8a97a5" minTickGap={40} />
          <YAxis stroke="#8a97a5" width={70} />
          <Legend />
          <Tooltip
            contentStyle={{ background: '#171e26', border: '1px solid #26313d' }}
            labelFormatter={(l, p) => `${l} · block ${p?.[0]?.payload?.height ?? ''}`}
          />
          {Object.entries(COLORS).map(([k, c]) => (
            <Line
              key={k}
              type="monotone"
              dataKey={k}
              stroke={c}
              dot={false}
              strokeWidth={k === 'total' ? 2.5 : 1.2}
              isAnimationActive={false}
            />
          ))}
        </LineChart>
      </ResponsiveContainer>
    </div>
  );
}
