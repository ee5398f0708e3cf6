'use client';

import { useEffect, useState } from 'react';
import { api, ApiError } from '@/lib/client/api';
import { useLiveData } from '@/lib/client/use-live-data';
import type { BreakerJson } from '@/lib/server/breakers';

type Action = 'force-open' | 'force-close' | 'reset';
const ACTIONS: { action: Action; label: string }[] = [
  { action: 'force-open', label: 'Force open' },
  { action: 'force-close', label: 'Force close' },
  { action: 'reset', label: 'Reset' },
];
const LABEL: Record<BreakerJson['state'], string> = {
  closed: 'closed',
  open: 'open',
  half_open: 'half-open',
  forced_open: 'forced open',
  forced_closed: 'forced closed',
};
const LIVE = { rooms: ['breakers'], types: ['breaker_state_changed' as const] };

function seconds(ms: number) {
  const s = Math.max(0, Math.ceil(ms / 1000));
  return s >= 120 ? `${Math.floor(s / 60)} min ${s % 60} s` : `${s} s`;
}

/** A ticking clock for countdowns. */
function useNow(everyMs = 1000) {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), everyMs);
    return () => clearInterval(t);
  }, [everyMs]);
  return now;
}

function Breaker({ b, now, onChanged }: { b: BreakerJson; now: number; onChanged: () => void }) {
  const [asking, setAsking] = useState<Action | undefined>();
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | undefined>();
  const t = b.thresholds;
  const nextProbe = b.nextProbeAt ? Date.parse(b.nextProbeAt) : undefined;
  const act = async () => {
    if (!asking) return;
    setBusy(true);
    setError(undefined);
    try {
      await api(`/api/breakers/${encodeURIComponent(b.name)}/${asking}`, { method: 'POST', body: JSON.stringify({ reason }) });
      setAsking(undefined);
      setReason('');
      onChanged();
    } catch (e) {
      setError(e instanceof ApiError ? e.message : String(e));
    } finally {
      setBusy(false);
    }
  };
  return (
    <div className={`breaker breaker-${b.state}`} data-breaker={b.name} data-state={b.state}>
      <strong>{b.name}</strong>
      <span className={`badge badge-breaker-${b.state}`} data-testid="breaker-state">
        {LABEL[b.state]}
      </span>
      <span className="breaker-facts">
        {(b.state === 'closed' || b.state === 'forced_closed') && (
          <span data-testid="breaker-failures">
            failures {b.failures}/{t.failureThreshold} in {t.windowMs / 1000} s
          </span>
        )}
        {b.state === 'open' && nextProbe !== undefined && (
          <span data-testid="breaker-countdown">
            {nextProbe > now ? `half-open in ${seconds(nextProbe - now)}` : 'half-open due'} (open {t.openMs / 1000} s)
          </span>
        )}
        {b.state === 'half_open' && (
          <span>
            probes {b.activeProbes}/{t.halfOpenProbes} · successes {b.successes}/{t.successThreshold}
          </span>
        )}
        {b.state === 'forced_open' && <span>no chain write goes until reset</span>}
        {b.openedAt && b.state !== 'closed' && <span className="muted">since {new Date(b.openedAt).toLocaleTimeString()}</span>}
        {b.lastTransition && (
          <span className="muted" data-testid="breaker-reason" title={b.lastTransition.cause ?? ''}>
            {b.lastTransition.reason}
            {b.lastTransition.actor ? ` — ${b.lastTransition.actor}` : ''}
          </span>
        )}
      </span>
      {asking ? (
        <form
          className="breaker-ask"
          onSubmit={(e) => {
            e.preventDefault();
            void act();
          }}
        >
          <input
            aria-label="Reason"
            placeholder="reason (required, audited)"
            value={reason}
            onChange={(e) => setReason(e.target.value)}
            autoFocus
          />
          <button type="submit" disabled={busy || reason.trim() === ''}>
            Confirm {ACTIONS.find((a) => a.action === asking)!.label.toLowerCase()}
          </button>
          <button type="button" className="secondary" onClick={() => setAsking(undefined)}>
            Cancel
          </button>
        </form>
      ) : (
        <span className="breaker-actions">
          {ACTIONS.filter(
            (a) =>
              !(a.action === 'force-open' && b.state === 'forced_open') && !(a.action === 'force-close' && b.state === 'forced_closed'),
          ).map((a) => (
            <button key={a.action} type="button" className="secondary" onClick={() => setAsking(a.action)}>
              {a.label}
            </button>
          ))}
        </span>
      )}
      {error && <span className="error">{error}</span>}
    </div>
  );
}

/** Every circuit breaker, on every page: state, counts, time to half-open, and the operator's controls. Live from the `breakers` room. */
export function BreakersPanel() {
  const { data, error, reload } = useLiveData<{ list: { breakers: BreakerJson[] } }>({ list: '/api/breakers' }, LIVE);
  const now = useNow();
  const breakers = data.list?.breakers ?? [];
  // the open period ends on the server's clock; fetch again when it should have (the event follows)
  const due = breakers.some((b) => b.state === 'open' && b.nextProbeAt && Date.parse(b.nextProbeAt) <= now);
  useEffect(() => {
    if (!due) return;
    const t = setInterval(reload, 2000);
    return () => clearInterval(t);
  }, [due, reload]);
  return (
    <section className="breakers" data-testid="breakers-panel" aria-label="Circuit breakers">
      <span className="muted">circuit breakers</span>
      {error && <span className="error">{error}</span>}
      {!error && breakers.length === 0 && <span className="muted">…</span>}
      {breakers.map((b) => (
        <Breaker key={b.name} b={b} now={now} onChanged={reload} />
      ))}
    </section>
  );
}
