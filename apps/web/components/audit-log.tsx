'use client';

import { useEffect, useState } from 'react';
import { api } from '@/lib/client/api';

interface Entry {
  id: string;
  timestamp: string;
  actor: string;
  action: string;
  target?: string;
  outcome: string;
  reason?: string;
}

export function AuditLog() {
  const [entries, setEntries] = useState<Entry[]>([]);
  const [error, setError] = useState<string | undefined>();
  useEffect(() => {
    api<{ entries: Entry[] }>('/api/audit?limit=200')
      .then((r) => setEntries(r.entries))
      .catch((e) => setError(e.message));
  }, []);
  return (
    <section className="panel wide">
      <h2>Audit log</h2>
      {error && <p className="error">{error}</p>}
      <table className="table">
        <thead>
          <tr>
            <th>Time</th>
            <th>Actor</th>
            <th>Action</th>
            <th>Target</th>
            <th>Outcome</th>
            <th>Reason</th>
          </tr>
        </thead>
        <tbody>
          {entries.map((e) => (
            <tr key={e.id}>
              <td>{new Date(e.timestamp).toLocaleString()}</td>
              <td>{e.actor}</td>
              <td>{e.action}</td>
              <td>{e.target}</td>
              <td>
                <span className={`badge badge-${e.outcome}`}>{e.outcome}</span>
              </td>
              <td className="muted">{e.reason}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
