'use client';

import { useCallback, useEffect, useState } from 'react';
import type { AlertRecord } from '@blockops/events/alerts';
import { api } from '@/lib/client/api';

const POLL_MS = 5000;

/** Labels worth showing beside an alert (the rest are on its Prometheus link). */
const SHOWN_LABELS = ['service', 'breaker', 'reason', 'limit', 'market', 'job', 'instance', 'task_type'];

function ago(iso: string): string {
  const s = Math.max(0, Math.round((Date.now() - Date.parse(iso)) / 1000));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m`;
  if (s < 86400) return `${Math.floor(s / 3600)}h ${Math.floor((s % 3600) / 60)}m`;
  return `${Math.floor(s / 86400)}d`;
}

function Runbook({ url }: { url?: string }) {
  if (!url) return null;
  return /^https?:\/\//.test(url) ? (
    <a href={url} target="_blank" rel="noreferrer">
      runbook
    </a>
  ) : (
    <span className="muted" title="runbook in the repository">
      runbook: <code>{url}</code>
    </span>
  );
}

/**
 * Firing alerts as Alertmanager delivered them to the console's webhook (GET /api/alerts), polled;
 * with `history`, recent changes of state below.
 */
export function AlertsPanel({ history = false }: { history?: boolean }) {
  const [data, setData] = useState<{ firing: AlertRecord[]; history: AlertRecord[] } | undefined>();
  const [error, setError] = useState<string | undefined>();
  const load = useCallback(() => {
    api<{ firing: AlertRecord[]; history: AlertRecord[] }>(`/api/alerts?history=${history ? 50 : 1}`)
      .then((d) => {
        setData(d);
        setError(undefined);
      })
      .catch((e: Error) => setError(e.message));
  }, [history]);
  useEffect(() => {
    load();
    const t = setInterval(load, POLL_MS);
    return () => clearInterval(t);
  }, [load]);

  const firing = data?.firing ?? [];
  const lastHeard = data?.history[0]?.receivedAt;
  return (
    <section className="panel wide alerts-panel" data-testid="alerts-panel">
      <h2>
        Alerts{' '}
        <span className={`status ${firing.length ? 'status-error' : 'status-live'}`} data-testid="alerts-count">
          {data ? `${firing.length} firing` : '…'}
        </span>
        {lastHeard && <span className="muted small">last notification {ago(lastHeard)} ago</span>}
      </h2>
      {error && <p className="error">{error}</p>}
      {data && firing.length === 0 && <p className="muted">No alert is firing.</p>}
      <ul className="alerts">
        {firing.map((a) => (
          <li key={a.fingerprint} className={`alert alert-${a.severity ?? 'none'}`} data-testid="alert" data-alertname={a.name}>
            <div className="alert-head">
              <span className={`badge badge-sev-${a.severity ?? 'none'}`}>{a.severity ?? 'no severity'}</span>
              <strong>{a.name}</strong>
              <span className="muted">for {ago(a.startsAt)}</span>
              {SHOWN_LABELS.filter((l) => a.labels[l]).map((l) => (
                <span key={l} className="label">
                  {l}={a.labels[l]}
                </span>
              ))}
            </div>
            {a.summary && <div>{a.summary}</div>}
            {a.description && <div className="muted">{a.description}</div>}
            <div className="alert-links">
              <Runbook url={a.runbookUrl} />
              {a.generatorURL && (
                <a href={a.generatorURL} target="_blank" rel="noreferrer">
                  query
                </a>
              )}
            </div>
          </li>
        ))}
      </ul>
      {history && data && (
        <>
          <h2 className="section">Recent changes</h2>
          <table className="table">
            <thead>
              <tr>
                <th>Received</th>
                <th>Alert</th>
                <th>Severity</th>
                <th>Status</th>
                <th>Summary</th>
              </tr>
            </thead>
            <tbody>
              {data.history.map((a, i) => (
                <tr key={`${a.fingerprint}-${a.receivedAt}-${i}`}>
                  <td>{new Date(a.receivedAt).toLocaleString()}</td>
                  <td>{a.name}</td>
                  <td>{a.severity}</td>
                  <td>
                    <span className={`badge badge-alert-${a.status}`}>{a.status}</span>
                  </td>
                  <td className="muted">{a.summary}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </section>
  );
}
