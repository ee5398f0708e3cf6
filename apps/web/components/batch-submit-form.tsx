'use client';

import { useMemo, useState } from 'react';
import Link from 'next/link';
import { formatUnits, parseAmount, amountProblem } from '@blockops/domain';
import { api, ApiError } from '@/lib/client/api';
import { money, num } from '@/lib/client/format';
import type { SubmitAccepted, SubmitBatch, SubmitIssue } from '@/lib/client/treasury-types';

const MAX_ITEMS = 10_000;
/** Larger pastes or files are kept out of the textarea: typing into a megabyte of text is slow. */
const MAX_EDITABLE_CHARS = 256 * 1024;
const SHOWN_ISSUES = 200;

const EXAMPLE = `{
  "items": [
    { "id": "pay-1", "destination": "0xalice", "amount": "120.50" },
    { "id": "pay-2", "destination": "0xbob", "amount": "80", "memo": "depends_on=pay-1" },
    { "id": "pay-3", "destination": "0xcarol", "amount": "15.25", "memo": "{\\"depends_on\\": [\\"pay-1\\", \\"pay-2\\"]}" }
  ]
}`;

type Parsed = { batch: SubmitBatch; error?: undefined } | { batch?: undefined; error: string };

/** The batch as pasted: `{ batchId?, items: [...] }` or a bare array of items. */
function parseBatch(text: string): Parsed | undefined {
  if (!text.trim()) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    return { error: `Not JSON: ${(e as Error).message}` };
  }
  if (Array.isArray(value)) return { batch: { items: value as SubmitBatch['items'] } };
  if (value && typeof value === 'object' && Array.isArray((value as SubmitBatch).items)) return { batch: value as SubmitBatch };
  return { error: 'Expected { "items": [ { "id", "destination", "amount", "memo"? }, … ] } or an array of items.' };
}

/** Count, total and a few client-side hints; the server validates everything and has the last word. */
function preview(batch: SubmitBatch) {
  let total = 0n;
  let badAmounts = 0;
  let withMemo = 0;
  for (const item of batch.items) {
    const amount = typeof item?.amount === 'string' ? item.amount : '';
    if (amountProblem(amount)) badAmounts++;
    else total += parseAmount(amount);
    if (typeof item?.memo === 'string' && /depends_on/.test(item.memo)) withMemo++;
  }
  return { count: batch.items.length, total: formatUnits(total), badAmounts, withDependencies: withMemo };
}

/** Submit a disbursement batch: paste or upload JSON; a refused batch shows every problem by item id. */
export function BatchSubmitForm({ onSubmitted }: { onSubmitted: () => void }) {
  const [text, setText] = useState('');
  const [file, setFile] = useState<{ name: string; text: string } | undefined>();
  const [batchId, setBatchId] = useState('');
  const [busy, setBusy] = useState(false);
  const [issues, setIssues] = useState<SubmitIssue[]>([]);
  const [refusal, setRefusal] = useState<string | undefined>();
  const [accepted, setAccepted] = useState<SubmitAccepted | undefined>();

  const source = file?.text ?? text;
  const parsed = useMemo(() => parseBatch(source), [source]);
  const stats = useMemo(() => (parsed?.batch ? preview(parsed.batch) : undefined), [parsed]);

  async function load(f: File | undefined) {
    if (!f) return;
    const content = await f.text();
    if (content.length > MAX_EDITABLE_CHARS) {
      setFile({ name: f.name, text: content });
      setText('');
    } else {
      setFile(undefined);
      setText(content);
    }
  }

  async function submit(e: React.FormEvent) {
    e.preventDefault();
    if (!parsed?.batch) return;
    setBusy(true);
    setIssues([]);
    setRefusal(undefined);
    setAccepted(undefined);
    const body: SubmitBatch = { ...parsed.batch, ...(batchId.trim() ? { batchId: batchId.trim() } : {}) };
    try {
      const res = await api<SubmitAccepted>('/api/disbursements', { method: 'POST', body: JSON.stringify(body) });
      setAccepted(res);
      onSubmitted();
    } catch (err) {
      if (!(err instanceof ApiError)) {
        setRefusal((err as Error).message);
        return;
      }
      setIssues(err.issues as SubmitIssue[]);
      const ids = Array.isArray(err.body.ids) ? (err.body.ids as string[]) : [];
      const label =
        err.status === 400
          ? `Refused (400): ${err.issues.length ? `${num(err.issues.length)} problem${err.issues.length === 1 ? '' : 's'} — nothing was stored` : err.message}`
          : err.status === 409
            ? `Refused (409): ${err.message}${ids.length ? ` — ${ids.slice(0, 20).join(', ')}${ids.length > 20 ? ` and ${ids.length - 20} more` : ''}` : ''}`
            : err.status === 413
              ? `Too large (413): ${err.message}`
              : err.status === 503 && typeof err.body.consoleUrl === 'string'
                ? `Stored, not started yet (503): ${err.message} — a worker start picks it up; it is at ${err.body.consoleUrl}`
                : `Error ${err.status}: ${err.message}`;
      setRefusal(label);
    } finally {
      setBusy(false);
    }
  }

  return (
    <form onSubmit={submit} className="form" data-testid="batch-form" noValidate>
      <label>
        batch JSON
        {file ? (
          <span className="file-loaded">
            {file.name} ({num(file.text.length / 1024, 0)} KiB) loaded{' '}
            <button type="button" className="link" onClick={() => setFile(undefined)}>
              clear
            </button>
          </span>
        ) : (
          <textarea
            name="batch"
            rows={10}
            spellCheck={false}
            placeholder={EXAMPLE}
            value={text}
            onChange={(e) => setText(e.target.value)}
            aria-invalid={Boolean(parsed?.error)}
          />
        )}
      </label>
      <div className="form-row">
        <label className="file-input">
          or upload a .json file
          <input type="file" name="file" accept=".json,application/json" onChange={(e) => void load(e.target.files?.[0])} />
        </label>
        <label>
          batch id (optional)
          <input name="batchId" placeholder="generated when empty" value={batchId} onChange={(e) => setBatchId(e.target.value)} />
        </label>
      </div>
      {parsed?.error && (
        <small className="error" data-error-for="batch">
          {parsed.error}
        </small>
      )}
      {stats && (
        <p className="muted" data-testid="batch-preview" data-count={stats.count}>
          {num(stats.count)} item{stats.count === 1 ? '' : 's'} · total {money(stats.total)}
          {stats.withDependencies ? ` · ${num(stats.withDependencies)} with dependencies` : ''}
          {stats.badAmounts ? <span className="warning"> · {num(stats.badAmounts)} amounts not exact decimals</span> : null}
          {stats.count > MAX_ITEMS ? <span className="warning"> · over the {num(MAX_ITEMS)}-item limit</span> : null}
        </p>
      )}
      <button type="submit" disabled={busy || !parsed?.batch}>
        {busy ? 'Submitting…' : 'Submit batch'}
      </button>
      {refusal && (
        <p className="error" data-testid="batch-refusal">
          {refusal}
        </p>
      )}
      {issues.length > 0 && (
        <ul className="issues" data-testid="batch-issues">
          {issues.slice(0, SHOWN_ISSUES).map((issue, k) => (
            <li key={k} data-issue-id={issue.id ?? ''} data-field={issue.field}>
              <b>{issue.id ?? 'batch'}</b> <span className="muted">{issue.field}</span> {issue.message}
              {issue.path && issue.path.length > 0 && (
                <span className="cycle" data-testid="cycle-path">
                  {' '}
                  cycle: {[...issue.path, ...(issue.path[0] !== issue.path.at(-1) ? [issue.path[0]] : [])].join(' → ')}
                </span>
              )}
            </li>
          ))}
          {issues.length > SHOWN_ISSUES && <li className="muted">and {num(issues.length - SHOWN_ISSUES)} more</li>}
        </ul>
      )}
      {accepted && (
        <p className="ok" data-testid="batch-accepted" data-batch-id={accepted.batchId}>
          Accepted {num(accepted.items)} items as <Link href={accepted.consoleUrl}>{accepted.batchId}</Link> ·{' '}
          <Link href={accepted.consoleUrl}>watch it live →</Link> ·{' '}
          <a href={accepted.temporalUrl} target="_blank" rel="noreferrer">
            Temporal Web ↗
          </a>
          {accepted.cancelledAtIntake && accepted.cancelledAtIntake.length > 0 && (
            <span className="warning" data-testid="cancelled-at-intake">
              {' '}
              · {num(accepted.cancelledAtIntake.length)} cancelled at intake (a dependency from an earlier batch did not execute):{' '}
              {accepted.cancelledAtIntake
                .slice(0, 10)
                .map((c) => `${c.id} ← ${c.rootCause ?? c.reason ?? 'a dependency'}`)
                .join(', ')}
              {accepted.cancelledAtIntake.length > 10 ? ' …' : ''}
            </span>
          )}
        </p>
      )}
    </form>
  );
}
