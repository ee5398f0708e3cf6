'use client';

import { useState } from 'react';
import type { EmergencyAction } from '@blockops/domain';
import { api, ApiError } from '@/lib/client/api';
import { useLiveData } from '@/lib/client/use-live-data';
import { EMERGENCY_LIVE, type EmergencyDocument } from '@/lib/client/emergency';
import { ThrottleForm } from './throttle-form';

const LIVE = { rooms: [...EMERGENCY_LIVE.rooms, 'type:receiptPoller'], types: [...EMERGENCY_LIVE.types, 'pnl_updated' as const] };

/** What each action is allowed from (the controller refuses the rest with a clear message too). */
const ACTIONS: { action: EmergencyAction; label: string; from: string[]; tone: string; says: string }[] = [
  { action: 'halt', label: 'HALT', from: ['NORMAL', 'ALERT'], tone: 'bad', says: 'Nothing new reaches the chain; queued work waits.' },
  {
    action: 'resume',
    label: 'RESUME',
    from: ['ALERT', 'HALT', 'SHUTDOWN'],
    tone: 'ok',
    says: 'Back to NORMAL: everything continues where it stopped.',
  },
  { action: 'alert', label: 'ALERT', from: ['NORMAL', 'ALERT'], tone: 'warn', says: 'Everything runs, with a banner on every page.' },
  {
    action: 'shutdown',
    label: 'SHUTDOWN',
    from: ['NORMAL', 'ALERT', 'HALT'],
    tone: 'bad',
    says: 'As HALT, and the receipt poller pauses too.',
  },
];

export function EmergencyPage() {
  const { data, error, reload, status } = useLiveData<{ e: EmergencyDocument }>({ e: '/api/emergency' }, LIVE);
  const e = data.e;
  const [pending, setPending] = useState<EmergencyAction | undefined>();
  const [reason, setReason] = useState('');
  const [message, setMessage] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);

  const confirm = async () => {
    if (!pending) return;
    setBusy(true);
    setMessage(undefined);
    try {
      await api(`/api/emergency/${pending}`, { method: 'POST', body: JSON.stringify({ reason }) });
      setPending(undefined);
      setReason('');
      reload();
    } catch (err) {
      setMessage(err instanceof ApiError ? err.message : String(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="grid">
      <section className="panel">
        <h2>
          Emergency state <span className={`status status-${status.split(':')[0]}`}>{status}</span>
        </h2>
        {error && <p className="error">{error}</p>}
        {e && (
          <div className={`emergency-state emergency-${e.state.toLowerCase()}`} data-testid="emergency-state">
            <div className="emergency-state-name">{e.state}</div>
            <div>{e.reason}</div>
            <div className="muted">
              {e.actor} · since {new Date(e.since).toLocaleString()}
            </div>
          </div>
        )}
        <div className="emergency-actions">
          {ACTIONS.map((a) => (
            <button
              key={a.action}
              className={`btn btn-${a.tone}`}
              disabled={!e || !a.from.includes(e.state) || busy}
              title={a.says}
              onClick={() => {
                setPending(a.action);
                setMessage(undefined);
              }}
            >
              {a.label}
            </button>
          ))}
        </div>
        {pending && (
          <form
            className="emergency-confirm"
            onSubmit={(ev) => {
              ev.preventDefault();
              void confirm();
            }}
          >
            <p>
              <strong>{pending.toUpperCase()}</strong>: {ACTIONS.find((a) => a.action === pending)?.says}
            </p>
            <label>
              Reason (recorded in the audit log)
              <input
                name="reason"
                value={reason}
                onChange={(ev) => setReason(ev.target.value)}
                placeholder="why"
                required
                maxLength={500}
                autoFocus
              />
            </label>
            <div className="emergency-actions">
              <button type="submit" className="btn btn-bad" disabled={busy || reason.trim() === ''}>
                Confirm {pending.toUpperCase()}
              </button>
              <button type="button" className="btn" onClick={() => setPending(undefined)}>
                Cancel
              </button>
            </div>
          </form>
        )}
        {message && <p className="error">{message}</p>}
      </section>
      <section className="panel">
        <h2>Treasury throttle</h2>
        <p className="muted">
          Seed 001&apos;s set-throttle: how many disbursement chunks run at once and how many items each carries, for every running batch
          from its next chunk on. Audited with the reason.
        </p>
        <ThrottleForm />
      </section>
      <section className="panel">
        <h2>Risk limits</h2>
        <p className="muted">
          Checked on every P&amp;L update; a breach halts everything with the limit, value and threshold as the reason.
        </p>
        <div data-testid="risk-gauges">
          {e?.risk.map((r) => (
            <div key={r.limit} className="gauge">
              <div className="gauge-label">
                <span>
                  {r.limit.replace('_', ' ')}
                  {r.market ? ` (${r.market})` : ''}
                </span>
                <span className="muted">
                  {r.value} / {r.threshold}
                </span>
              </div>
              <div className="gauge-track">
                <div
                  className={`gauge-fill ${r.utilization >= 1 ? 'bad' : r.utilization >= 0.8 ? 'warn' : 'ok'}`}
                  style={{ width: `${Math.min(100, r.utilization * 100)}%` }}
                />
              </div>
              <div className="muted">{(r.utilization * 100).toFixed(1)}% used</div>
            </div>
          ))}
        </div>
        {e && <LimitsForm limits={e.limits} onSaved={reload} />}
      </section>
      {/* its own panel beside the limits: the wide column holds a reason without cutting the table off */}
      <section className="panel">
        <h2>Transitions</h2>
        <div className="table-scroll">
          <table className="table" data-testid="emergency-history">
            <thead>
              <tr>
                <th>when</th>
                <th>from → to</th>
                <th>actor</th>
                <th>reason</th>
              </tr>
            </thead>
            <tbody>
              {(e?.history ?? []).map((t) => (
                <tr key={`${t.since}-${t.state}`}>
                  <td>{new Date(t.since).toLocaleString()}</td>
                  <td>
                    {t.previous} → {t.state}
                  </td>
                  <td>{t.actor}</td>
                  <td title={t.reason}>{t.reason}</td>
                </tr>
              ))}
              {e?.history.length === 0 && (
                <tr>
                  <td colSpan={4} className="muted">
                    No transitions yet.
                  </td>
                </tr>
              )}
            </tbody>
          </table>
        </div>
      </section>
    </div>
  );
}

function LimitsForm({ limits, onSaved }: { limits: EmergencyDocument['limits']; onSaved: () => void }) {
  const [form, setForm] = useState({
    dailyLoss: limits.dailyLoss,
    maxPosition: limits.maxPosition,
    maxDrawdownPct: String(limits.maxDrawdownPct),
    reason: '',
  });
  const [message, setMessage] = useState<string | undefined>();
  const save = async () => {
    try {
      await api('/api/emergency/limits', {
        method: 'PUT',
        body: JSON.stringify({
          dailyLoss: form.dailyLoss,
          maxPosition: form.maxPosition,
          maxDrawdownPct: Number(form.maxDrawdownPct),
          reason: form.reason,
        }),
      });
      setMessage('saved');
      onSaved();
    } catch (err) {
      setMessage(err instanceof ApiError ? err.message : String(err));
    }
  };
  const field = (k: keyof typeof form, label: string) => (
    <label>
      {label}
      <input name={k} value={form[k]} onChange={(ev) => setForm({ ...form, [k]: ev.target.value })} />
    </label>
  );
  return (
    <form
      className="limits-form"
      onSubmit={(ev) => {
        ev.preventDefault();
        void save();
      }}
    >
      {field('dailyLoss', 'Daily loss')}
      {field('maxPosition', 'Max position per market')}
      {field('maxDrawdownPct', 'Max drawdown %')}
      {field('reason', 'Reason')}
      <button type="submit" className="btn" disabled={form.reason.trim() === ''}>
        Change limits
      </button>
      {limits.updatedAt && (
        <span className="muted">
          last changed by {limits.actor} at {new Date(limits.updatedAt).toLocaleString()}
        </span>
      )}
      {message && <span className={message === 'saved' ? 'muted' : 'error'}>{message}</span>}
    </form>
  );
}
