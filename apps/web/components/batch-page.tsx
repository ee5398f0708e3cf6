'use client';

import { useCallback, useEffect, useMemo, useRef, useState, useSyncExternalStore } from 'react';
import { api } from '@/lib/client/api';
import { openEventSocket, type StreamStatus } from '@/lib/client/event-socket';
import { buildDag } from '@/lib/client/dag/model';
import { DagStatusStore } from '@/lib/client/dag/status-store';
import { useDagLayout } from '@/lib/client/dag/use-dag-layout';
import { money, num, time } from '@/lib/client/format';
import {
  batchRoom,
  disbursementChange,
  DISBURSEMENT_STATUSES,
  type BatchGraph,
  type BatchSummary,
  type Disbursement,
  type DisbursementStatus,
  type ItemChange,
  type ItemsPage,
  type StatusCounts,
} from '@/lib/client/treasury-types';
import { BatchProgress } from './batch-progress';
import { DagView } from './dag-view';
import { DisbursementPanel } from './disbursement-panel';
import { DisbursementTable } from './disbursement-table';

const SUMMARY_REFRESH_MS = 1000;
/** If the live stream has not answered by then, read the graph anyway (it says why in the header). */
const GRAPH_WAIT_MS = 3000;
const MAX_MATCHES = 8;

type Loaded = { store: DagStatusStore; edges: Int32Array };

/**
 * One batch, live: its graph (read once, laid out in a worker), then every
 * `disbursement_status_changed` event applied to the status store. The graph is read only once
 * the event stream is live, and events that arrive meanwhile are applied on top of it, so no
 * change falls between the snapshot and the stream.
 */
export function BatchPage({ batchId, initialItem }: { batchId: string; initialItem?: string }) {
  const [loaded, setLoaded] = useState<Loaded | undefined>();
  const [summary, setSummary] = useState<BatchSummary | undefined>();
  const [details, setDetails] = useState<Map<string, Disbursement> | undefined>();
  const [stream, setStream] = useState<StreamStatus>('connecting');
  const [error, setError] = useState<string | undefined>();
  const [selectedId, setSelectedId] = useState<string | undefined>(initialItem);
  const [focus, setFocus] = useState<{ i: number; seq: number } | undefined>();
  const [filter, setFilter] = useState<DisbursementStatus | undefined>();
  const [query, setQuery] = useState('');
  const storeRef = useRef<DagStatusStore | undefined>(undefined);

  useEffect(() => {
    let alive = true;
    let graphRequested = false;
    let live = false;
    let summaryTimer: ReturnType<typeof setTimeout> | undefined;
    const pending: ItemChange[] = [];
    const loadSummary = () =>
      api<BatchSummary>(`/api/disbursements/batches/${encodeURIComponent(batchId)}`)
        .then((s) => {
          if (!alive) return;
          setSummary(s);
          setError(undefined);
          // a page opened before its batch existed read no graph: read it now
          if (live && !storeRef.current) loadGraph();
        })
        .catch((e: Error) => alive && setError(e.message));
    const refreshSummarySoon = () => {
      summaryTimer ??= setTimeout(() => {
        summaryTimer = undefined;
        void loadSummary();
      }, SUMMARY_REFRESH_MS);
    };
    const loadGraph = () => {
      if (graphRequested) return;
      graphRequested = true;
      api<BatchGraph>(`/api/disbursements/batches/${encodeURIComponent(batchId)}/graph`)
        .then((g) => {
          if (!alive) return;
          const edges = new Int32Array(g.edges.length * 2);
          g.edges.forEach(([a, b], k) => {
            edges[2 * k] = a;
            edges[2 * k + 1] = b;
          });
          const store = new DagStatusStore(g.ids, g.status, buildDag(g.ids.length, edges));
          store.apply(pending.splice(0));
          storeRef.current = store;
          setLoaded({ store, edges });
        })
        .catch((e: Error) => {
          graphRequested = false; // read again once the batch shows up (loadSummary)
          if (alive) setError(e.message);
        });
    };
    const fallback = setTimeout(loadGraph, GRAPH_WAIT_MS);
    const close = openEventSocket({
      rooms: [batchRoom(batchId)],
      onStatus(s) {
        setStream(s);
        live = s === 'live';
        if (s === 'live' || s.startsWith('error')) loadGraph();
      },
      onEvents(events) {
        for (const e of events) {
          const change = disbursementChange(e);
          if (change?.batch_id === batchId) {
            if (storeRef.current) storeRef.current.apply(change.items);
            else pending.push(...change.items);
          }
        }
        refreshSummarySoon();
      },
    });
    void loadSummary();
    return () => {
      alive = false;
      close();
      clearTimeout(fallback);
      if (summaryTimer) clearTimeout(summaryTimer);
      storeRef.current = undefined;
      setLoaded(undefined);
      setDetails(undefined);
    };
  }, [batchId]);

  // The rest of each item (amount, destination, …) for the table, after the graph is on screen.
  useEffect(() => {
    if (!loaded) return;
    let alive = true;
    api<ItemsPage>(`/api/disbursements/batches/${encodeURIComponent(batchId)}/items?limit=10000`)
      .then((p) => alive && setDetails(new Map(p.items.map((d) => [d.id, d]))))
      .catch((e: Error) => alive && setError(e.message));
    return () => {
      alive = false;
    };
  }, [loaded, batchId]);

  const store = loaded?.store;
  const layoutInput = useMemo(() => loaded && { n: loaded.store.n, edges: loaded.edges }, [loaded]);
  const { layout: rawLayout, error: layoutError } = useDagLayout(layoutInput);
  const layout = useMemo(() => {
    if (rawLayout && store && rawLayout.mode === 'groups') store.setGroups(rawLayout.groupOf, rawLayout.groups.length);
    return rawLayout;
  }, [rawLayout, store]);

  const selected = selectedId !== undefined ? (store?.index.get(selectedId) ?? -1) : -1;
  useEffect(() => store?.select(selected), [store, selected]);
  useEffect(() => store?.setFilter(filter), [store, filter]);

  const choose = useCallback((id: string, centre: boolean) => {
    setSelectedId(id);
    window.history.replaceState(null, '', `?item=${encodeURIComponent(id)}`);
    const i = storeRef.current?.index.get(id);
    if (centre && i !== undefined) setFocus((f) => ({ i, seq: (f?.seq ?? 0) + 1 }));
  }, []);
  const chooseIndex = useCallback((i: number, centre: boolean) => storeRef.current && choose(storeRef.current.ids[i]!, centre), [choose]);
  const onGraphSelect = useCallback((i: number) => chooseIndex(i, false), [chooseIndex]);
  const onTableSelect = useCallback((i: number) => chooseIndex(i, true), [chooseIndex]);
  const onPanelSelect = useCallback((id: string) => choose(id, true), [choose]);

  // An item named in the URL is centred once the layout is there.
  const focusedInitial = useRef(false);
  useEffect(() => {
    if (!layout || !store || focusedInitial.current || !initialItem) return;
    focusedInitial.current = true;
    const i = store.index.get(initialItem);
    if (i !== undefined) setFocus({ i, seq: 1 });
  }, [layout, store, initialItem]);

  const matches = useMemo(() => {
    const q = query.trim();
    if (!q || !store) return [];
    const out: string[] = [];
    const exact = store.index.has(q);
    if (exact) out.push(q);
    for (const id of store.ids) {
      if (out.length >= MAX_MATCHES) break;
      if (id !== q && id.includes(q)) out.push(id);
    }
    return out;
  }, [query, store]);

  return (
    <div className="batch-page">
      <section className="panel">
        <h2>
          Batch <span className="mono">{batchId}</span>
          {summary && (
            <span className={`badge badge-${summary.status.toLowerCase()}`} data-testid="batch-status">
              {summary.status}
            </span>
          )}
          <span className={`status status-${stream.split(':')[0]}`} data-testid="stream-status">
            {stream}
          </span>
          {summary && (
            <a href={summary.temporalUrl} target="_blank" rel="noreferrer" data-testid="temporal-link" className="push-right">
              Temporal Web ↗
            </a>
          )}
        </h2>
        {error && <p className="error">{error}</p>}
        {summary?.status === 'HALTED' && (
          <p className="warning" data-testid="halted-reason">
            Submissions held{summary.haltedReason ? `: ${summary.haltedReason}` : ''}. Queued items wait; nothing is failed.
          </p>
        )}
        {summary && (
          <dl className="facts inline">
            <dt>Items</dt>
            <dd>{num(summary.total)}</dd>
            <dt>Amount</dt>
            <dd className="mono">
              {money(summary.executedAmount)} of {money(summary.totalAmount)} executed
            </dd>
            <dt>Speed</dt>
            <dd data-testid="items-per-second">
              {summary.timings.itemsPerSecond === undefined ? '—' : `${num(summary.timings.itemsPerSecond, 1)} items/s`}
            </dd>
            <dt>Created</dt>
            <dd>{time(summary.createdAt)}</dd>
            <dt>First submit</dt>
            <dd>{time(summary.timings.firstSubmitAt)}</dd>
            <dt>{summary.completedAt ? 'Completed' : 'Last executed'}</dt>
            <dd>{time(summary.completedAt ?? summary.timings.lastExecutedAt)}</dd>
          </dl>
        )}
        <LiveProgress store={store} summary={summary} />
        <div className="toolbar">
          <FilterChips store={store} summary={summary} filter={filter} onFilter={setFilter} />
          <form
            className="search"
            onSubmit={(e) => {
              e.preventDefault();
              if (matches[0]) {
                choose(matches[0], true);
                setQuery('');
              }
            }}
          >
            <input
              type="search"
              name="search"
              placeholder="find an item by id"
              aria-label="find an item by id"
              value={query}
              onChange={(e) => setQuery(e.target.value)}
              disabled={!store}
            />
            {matches.length > 0 && (
              <ul className="matches" data-testid="search-matches">
                {matches.map((id) => (
                  <li key={id}>
                    <button
                      type="button"
                      className="link"
                      onClick={() => {
                        choose(id, true);
                        setQuery('');
                      }}
                    >
                      {id}
                    </button>
                  </li>
                ))}
              </ul>
            )}
            {query.trim() && store && matches.length === 0 && <span className="muted">no item matches</span>}
          </form>
        </div>
      </section>
      <div className="dag-layout">
        <section
          className="panel dag-panel"
          data-testid="dag-panel"
          data-layout={layout ? layout.mode : 'pending'}
          data-layout-ms={layout?.ms}
        >
          {layoutError && <p className="error">Layout failed: {layoutError}</p>}
          {store && layout ? (
            <DagView store={store} layout={layout} selected={selected} focus={focus} onSelect={onGraphSelect} />
          ) : (
            <p className="muted dag-wait">{store ? `Laying out ${num(store.n)} items…` : 'Reading the batch…'}</p>
          )}
        </section>
        <div className="dag-side">
          <section className="panel">
            <h2>
              Items <span className="status">{store ? <ItemsCount store={store} filter={filter} /> : '…'}</span>
              {filter && <span className="muted">{filter.toLowerCase()}</span>}
            </h2>
            {store && (
              <DisbursementTable
                store={store}
                details={details}
                level={layout?.level}
                filter={filter}
                selected={selected}
                onSelect={onTableSelect}
              />
            )}
          </section>
          <section className="panel">
            {selectedId && store ? (
              <DisbursementPanel id={selectedId} batchId={batchId} store={store} onSelect={onPanelSelect} />
            ) : (
              <p className="muted">Select an item in the graph or the table to see its details and its root cause.</p>
            )}
          </section>
        </div>
      </div>
    </div>
  );
}

const noSubscribe = () => () => {};
const zero = () => 0;

/** Counts straight from the live store (re-rendering only the components that show them), else the summary's. */
function useLiveCounts(store: DagStatusStore | undefined, fallback: StatusCounts | undefined): StatusCounts | undefined {
  const version = useSyncExternalStore(store?.subscribe ?? noSubscribe, store?.getVersion ?? zero, zero);
  return useMemo(() => store?.countsObject() ?? fallback, [store, version, fallback]); // version: a new flush
}

function LiveProgress({ store, summary }: { store: DagStatusStore | undefined; summary: BatchSummary | undefined }) {
  const counts = useLiveCounts(store, summary?.counts);
  return counts ? <BatchProgress counts={counts} total={store?.n ?? summary?.total ?? 0} /> : null;
}

function ItemsCount({ store, filter }: { store: DagStatusStore; filter: DisbursementStatus | undefined }) {
  const counts = useLiveCounts(store, undefined);
  return <>{num(filter ? (counts?.[filter] ?? 0) : store.n)}</>;
}

function FilterChips(props: {
  store: DagStatusStore | undefined;
  summary: BatchSummary | undefined;
  filter: DisbursementStatus | undefined;
  onFilter: (f: DisbursementStatus | undefined) => void;
}) {
  const { filter, onFilter } = props;
  const counts = useLiveCounts(props.store, props.summary?.counts);
  return (
    <div className="chips" role="group" aria-label="filter by status">
      <button type="button" className={`chip${filter ? '' : ' on'}`} onClick={() => onFilter(undefined)} data-filter="">
        all
      </button>
      {DISBURSEMENT_STATUSES.map((s) => (
        <button
          key={s}
          type="button"
          className={`chip st-chip-${s.toLowerCase()}${filter === s ? ' on' : ''}`}
          onClick={() => onFilter(filter === s ? undefined : s)}
          data-filter={s}
        >
          {s.toLowerCase()} {counts ? num(counts[s]) : ''}
        </button>
      ))}
    </div>
  );
}
