'use client';

import { useState } from 'react';

export interface RunFilterValues {
  market: string;
  businessStatus: string;
  correlationId: string;
}
export const NO_RUN_FILTERS: RunFilterValues = { market: '', businessStatus: '', correlationId: '' };

const MARKETS = ['compute', 'storage', 'energy', 'ad'];
const STATUSES = ['ADMITTING', 'SUBMITTED', 'CONFIRMED', 'EXPIRED', 'REJECTED', 'FAILED'];

/** The `/api/runs` query for these filters (blockops' search attributes). */
export function runFilterQuery(f: RunFilterValues): string {
  const q = new URLSearchParams();
  if (f.market) q.set('market', f.market);
  if (f.businessStatus) q.set('businessStatus', f.businessStatus);
  if (f.correlationId.trim()) q.set('correlationId', f.correlationId.trim());
  return q.toString();
}

/** Filters the runs list by market, business outcome and correlation id — the same search attributes Temporal Web queries. */
export function RunFilters({ onChange }: { onChange: (f: RunFilterValues) => void }) {
  const [f, setF] = useState<RunFilterValues>(NO_RUN_FILTERS);
  const set = (patch: Partial<RunFilterValues>) => {
    const next = { ...f, ...patch };
    setF(next);
    if (patch.correlationId === undefined) onChange(next);
  };
  return (
    <form
      className="filters"
      data-testid="run-filters"
      onSubmit={(e) => {
        e.preventDefault();
        onChange(f);
      }}
    >
      <select aria-label="market" value={f.market} onChange={(e) => set({ market: e.target.value })}>
        <option value="">any market</option>
        {MARKETS.map((m) => (
          <option key={m}>{m}</option>
        ))}
      </select>
      <select aria-label="outcome" value={f.businessStatus} onChange={(e) => set({ businessStatus: e.target.value })}>
        <option value="">any outcome</option>
        {STATUSES.map((s) => (
          <option key={s}>{s}</option>
        ))}
      </select>
      <input
        aria-label="correlation id"
        placeholder="correlation id"
        value={f.correlationId}
        onChange={(e) => set({ correlationId: e.target.value })}
      />
      <button type="submit">Filter</button>
    </form>
  );
}
