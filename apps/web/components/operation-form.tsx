'use client';

import { useEffect, useState } from 'react';
import Link from 'next/link';
import { api, ApiError } from '@/lib/client/api';

interface Prop {
  type?: string;
  description?: string;
  default?: unknown;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  enum?: string[];
}
interface Schema {
  properties?: Record<string, Prop>;
}
interface Submitted {
  operationId: string;
  workflowId: string;
  txHash: string;
  temporalUrl: string;
  consoleUrl: string;
}

/** The operation submit form, generated from the input JSON Schema; the server's answer decides. */
export function OperationForm({ onSubmitted }: { onSubmitted: () => void }) {
  const [schema, setSchema] = useState<Schema | undefined>();
  const [values, setValues] = useState<Record<string, string>>({});
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [refusal, setRefusal] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);
  const [done, setDone] = useState<Submitted | undefined>();

  useEffect(() => {
    api<{ inputSchema: Schema }>('/api/operations/schema')
      .then((r) => setSchema(r.inputSchema))
      .catch((e: Error) => setRefusal(e.message));
  }, []);
  const props = Object.entries(schema?.properties ?? {});

  async function submit(e: React.FormEvent) {
    e.preventDefault();
    setBusy(true);
    setErrors({});
    setRefusal(undefined);
    setDone(undefined);
    const body: Record<string, unknown> = {};
    for (const [key, p] of props) {
      const raw = values[key] ?? (p.enum ? p.enum[0] : undefined);
      if (raw === undefined || raw === '') continue;
      body[key] = p.type === 'number' || p.type === 'integer' ? Number(raw) : raw;
    }
    try {
      const res = await api<Submitted>('/api/operations', { method: 'POST', body: JSON.stringify(body) });
      setDone(res);
      onSubmitted();
    } catch (err) {
      if (err instanceof ApiError && err.issues.length) setErrors(Object.fromEntries(err.issues.map((i) => [i.field, i.message])));
      setRefusal(
        err instanceof ApiError
          ? `${err.status === 409 ? 'Refused (409)' : err.status === 402 ? 'Insufficient balance (402)' : err.status === 503 ? 'Unavailable, nothing submitted (503)' : `Error ${err.status}`}: ${err.message}`
          : (err as Error).message,
      );
    } finally {
      setBusy(false);
    }
  }

  if (!schema) return <p className="muted">{refusal ?? 'Loading…'}</p>;
  return (
    // noValidate: the server names the field and the limit
    <form onSubmit={submit} className="form" data-testid="operation-form" noValidate>
      {props.map(([key, p]) => (
        <label key={key}>
          {key}
          {p.enum ? (
            <select name={key} value={values[key] ?? p.enum[0]} onChange={(e) => setValues({ ...values, [key]: e.target.value })}>
              {p.enum.map((v) => (
                <option key={v} value={v}>
                  {v}
                </option>
              ))}
            </select>
          ) : (
            <input
              name={key}
              type={p.type === 'number' || p.type === 'integer' ? 'number' : 'text'}
              placeholder={p.default !== undefined ? String(p.default) : key === 'operationId' ? 'generated when empty' : ''}
              value={values[key] ?? ''}
              onChange={(e) => setValues({ ...values, [key]: e.target.value })}
              aria-invalid={Boolean(errors[key])}
            />
          )}
          {p.description && <small className="muted">{p.description}</small>}
          {errors[key] && (
            <small className="error" data-error-for={key}>
              {errors[key]}
            </small>
          )}
        </label>
      ))}
      <button type="submit" disabled={busy}>
        {busy ? 'Submitting…' : 'Submit operation'}
      </button>
      {refusal && (
        <p className="error" data-testid="operation-refusal">
          {refusal}
        </p>
      )}
      {done && (
        <p className="ok" data-testid="operation-submitted">
          Submitted <Link href={done.consoleUrl}>{done.operationId}</Link> · tx {done.txHash.slice(0, 14)}… ·{' '}
          <a href={done.temporalUrl} target="_blank" rel="noreferrer">
            Temporal Web
          </a>
        </p>
      )}
    </form>
  );
}
