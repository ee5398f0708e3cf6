'use client';

import { useState } from 'react';
import Link from 'next/link';
import { api, ApiError } from '@/lib/client/api';

interface JsonSchemaProperty {
  type?: string;
  description?: string;
  default?: unknown;
  minimum?: number;
  maximum?: number;
  enum?: unknown[];
}

export interface CatalogEntry {
  name: string;
  title: string;
  description: string;
  inputSchema: { properties?: Record<string, JsonSchemaProperty>; required?: string[] };
}

interface Started {
  workflowId: string;
  runId: string;
  temporalUrl: string;
  consoleUrl: string;
}

/** A start form generated from the workflow's input JSON Schema; server-side errors show by their field. */
export function StartRunForm({ workflows, onStarted }: { workflows: CatalogEntry[]; onStarted: () => void }) {
  const [name, setName] = useState(workflows[0]?.name ?? '');
  const [values, setValues] = useState<Record<string, string>>({});
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [formError, setFormError] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);
  const [started, setStarted] = useState<Started | undefined>();
  const wf = workflows.find((w) => w.name === name);
  const props = Object.entries(wf?.inputSchema.properties ?? {});

  async function submit(e: React.FormEvent) {
    e.preventDefault();
    setBusy(true);
    setErrors({});
    setFormError(undefined);
    const input: Record<string, unknown> = {};
    for (const [key, p] of props) {
      const raw = values[key];
      if (raw === undefined || raw === '') continue;
      input[key] = p.type === 'number' || p.type === 'integer' ? Number(raw) : p.type === 'boolean' ? raw === 'true' : raw;
    }
    try {
      const res = await api<Started>('/api/runs', { method: 'POST', body: JSON.stringify({ workflowType: name, input }) });
      setStarted(res);
      onStarted();
    } catch (err) {
      if (err instanceof ApiError && err.issues.length) {
        setErrors(Object.fromEntries(err.issues.map((i) => [i.field.replace(/^input\./, ''), i.message])));
      }
      setFormError((err as Error).message);
    } finally {
      setBusy(false);
    }
  }

  return (
    // noValidate: the server names the field and the limit; the browser would only block silently.
    <form onSubmit={submit} className="form" data-testid="start-run-form" noValidate>
      <label>
        Workflow
        <select
          value={name}
          onChange={(e) => {
            setName(e.target.value);
            setValues({});
            setErrors({});
          }}
          name="workflowType"
        >
          {workflows.map((w) => (
            <option key={w.name} value={w.name}>
              {w.title}
            </option>
          ))}
        </select>
      </label>
      {wf && <p className="muted">{wf.description}</p>}
      {props.map(([key, p]) => (
        <label key={key}>
          {key}
          <input
            name={key}
            type={p.type === 'number' || p.type === 'integer' ? 'number' : 'text'}
            min={p.minimum}
            max={p.maximum}
            placeholder={p.default !== undefined ? String(p.default) : ''}
            value={values[key] ?? ''}
            onChange={(e) => setValues({ ...values, [key]: e.target.value })}
            aria-invalid={Boolean(errors[key])}
          />
          {p.description && <small className="muted">{p.description}</small>}
          {errors[key] && <small className="error">{errors[key]}</small>}
        </label>
      ))}
      <button type="submit" disabled={busy || !wf}>
        {busy ? 'Starting…' : 'Start run'}
      </button>
      {formError && <p className="error">{formError}</p>}
      {started && (
        <p className="ok" data-testid="started">
          Started <Link href={started.consoleUrl}>{started.workflowId}</Link> ·{' '}
          <a href={started.temporalUrl} target="_blank" rel="noreferrer" data-testid="temporal-link">
            Temporal Web
          </a>
        </p>
      )}
    </form>
  );
}
