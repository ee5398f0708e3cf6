'use client';

import { useCallback, useEffect, useState } from 'react';
import { api } from '@/lib/client/api';
import { useEventStream } from '@/lib/client/use-event-stream';
import { StartRunForm, type CatalogEntry } from './start-run-form';
import { RunsList, type RunSummary } from './runs-list';
import { NO_RUN_FILTERS, RunFilters, runFilterQuery, type RunFilterValues } from './run-filters';
import { EventFeed } from './event-feed';
import { AlertsPanel } from './alerts-panel';

const ROOMS = ['all'];

export function ConsoleHome() {
  const [catalog, setCatalog] = useState<{ workflows: CatalogEntry[] } | undefined>();
  const [runs, setRuns] = useState<RunSummary[]>([]);
  const [error, setError] = useState<string | undefined>();
  const [filters, setFilters] = useState<RunFilterValues>(NO_RUN_FILTERS);
  const { events, status, gap } = useEventStream({ rooms: ROOMS, max: 300 });
  const query = runFilterQuery(filters);

  const loadRuns = useCallback(() => {
    api<{ runs: RunSummary[] }>(`/api/runs?limit=25${query ? `&${query}` : ''}`)
      .then((r) => setRuns(r.runs))
      .catch((e) => setError(e.message));
  }, [query]);

  useEffect(() => {
    api<{ workflows: CatalogEntry[] }>('/api/workflows')
      .then(setCatalog)
      .catch((e) => setError(e.message));
    loadRuns();
  }, [loadRuns]);

  // A run started or ended: refresh the list (visibility lags events slightly, so once more later).
  const lastExecEvent = events.find((e) => e.type.startsWith('execution_'))?.id;
  useEffect(() => {
    if (!lastExecEvent) return;
    loadRuns();
    const t = setTimeout(loadRuns, 1500);
    return () => clearTimeout(t);
  }, [lastExecEvent, loadRuns]);

  return (
    <div className="grid">
      <AlertsPanel />
      <section className="panel">
        <h2>Start a run</h2>
        {error && <p className="error">{error}</p>}
        {catalog ? <StartRunForm workflows={catalog.workflows} onStarted={loadRuns} /> : <p className="muted">Loading…</p>}
      </section>
      <section className="panel">
        <h2>Runs</h2>
        <RunFilters onChange={setFilters} />
        <RunsList runs={runs} filtered={query !== ''} />
      </section>
      <section className="panel wide">
        <h2>
          Live events{' '}
          <span className={`status status-${status.split(':')[0]}`} data-testid="stream-status">
            {status}
          </span>
        </h2>
        {gap && <p className="warning">{gap}</p>}
        <EventFeed events={events} showWorkflow />
      </section>
    </div>
  );
}
