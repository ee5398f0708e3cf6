'use client';

import { useEffect, useState } from 'react';
import { api, ApiError } from '@/lib/client/api';
import { THROTTLE_LIMITS, type Throttle } from '@/lib/client/treasury-types';
import { count } from '@/lib/client/format';

/** The executor's throttle, changeable while batches run (operator key; audited with the reason). */
export function ThrottleForm() {
  const [current, setCurrent] = useState<Throttle | undefined>();
  const [values, setValues] = useState({ maxInFlightChunks: '', chunkSize: '', reason: '' });
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [message, setMessage] = useState<{ ok: boolean; text: string } | undefined>();

  useEffect(() => {
    api<Throttle>('/api/disbursements/throttle')
      .then(setCurrent)
      .catch((e: Error) => setMessage({ ok: false, text: e.message }));
  }, []);

  async function submit(e: React.FormEvent) {
    e.preventDefault();
    setErrors({});
    setMessage(undefined);
    const body: Record<string, unknown> = {};
    if (values.maxInFlightChunks) body.maxInFlightChunks = Number(values.maxInFlightChunks);
    if (values.chunkSize) body.chunkSize = Number(values.chunkSize);
    if (values.reason) body.reason = values.reason;
    try {
      const t = await api<Throttle>('/api/disbursements/throttle', { method: 'PUT', body: JSON.stringify(body) });
      setCurrent(t);
      setValues({ maxInFlightChunks: '', chunkSize: '', reason: '' });
      setMessage({
        ok: true,
        text: `Throttle changed${t.signalled !== undefined ? `; ${t.signalled} running batch${t.signalled === 1 ? '' : 'es'} told` : ''}.`,
      });
    } catch (err) {
      if (err instanceof ApiError) setErrors(Object.fromEntries(err.issues.map((i) => [i.field, i.message])));
      setMessage({ ok: false, text: err instanceof ApiError ? `Error ${err.status}: ${err.message}` : (err as Error).message });
    }
  }

  const field = (key: 'maxInFlightChunks' | 'chunkSize', label: string) => (
    <label>
      {label}
      <input
        name={key}
        type="number"
        min={THROTTLE_LIMITS[key].min}
        max={THROTTLE_LIMITS[key].max}
        placeholder={current ? String(current[key]) : ''}
        value={values[key]}
        onChange={(e) => setValues({ ...values, [key]: e.target.value })}
        aria-invalid={Boolean(errors[key])}
      />
      <small className="muted">
        {THROTTLE_LIMITS[key].min}–{THROTTLE_LIMITS[key].max}
      </small>
      {errors[key] && <small className="error">{errors[key]}</small>}
    </label>
  );

  return (
    <form className="form" onSubmit={submit} data-testid="throttle-form" noValidate>
      <div className="form-row">
        {field('maxInFlightChunks', 'chunks in flight')}
        {field('chunkSize', 'items per chunk')}
      </div>
      <label>
        reason
        <input name="reason" value={values.reason} onChange={(e) => setValues({ ...values, reason: e.target.value })} />
      </label>
      <button type="submit">Change throttle</button>
      {current && (
        <small className="muted" data-testid="throttle-now">
          now {count(current.maxInFlightChunks, 'chunk')} × {count(current.chunkSize, 'item')}
          {current.executors !== undefined ? ` · ${current.executors} executors` : ''} ·{' '}
          {current.updatedAt
            ? `set by ${current.actor} at ${new Date(current.updatedAt).toLocaleString()}${current.reason ? ` (${current.reason})` : ''}`
            : 'configured defaults'}
        </small>
      )}
      {message && <p className={message.ok ? 'ok' : 'error'}>{message.text}</p>}
    </form>
  );
}
