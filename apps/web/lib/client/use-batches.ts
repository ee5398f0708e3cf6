'use client';

import { useCallback, useEffect, useRef, useState } from 'react';
import { api } from './api';
import { openEventSocket, type StreamStatus } from './event-socket';
import { disbursementChange, type BatchesPage } from './treasury-types';

const REFRESH_MS = 1000;
const DISBURSE_WORKFLOW_TYPE = 'disburse';

/**
 * The batches list, live: each `disbursement_status_changed` event carries its batch's counts,
 * applied at once; the list itself (new batches, timings, items/s, status) is re-read at most once
 * a second while events flow — throttled, not debounced, so a busy batch never starves it.
 */
export function useBatches(limit: number, offset: number) {
  const [page, setPage] = useState<BatchesPage | undefined>();
  const [error, setError] = useState<string | undefined>();
  const [status, setStatus] = useState<StreamStatus>('connecting');
  const path = `/api/disbursements/batches?limit=${limit}&offset=${offset}`;
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);

  const load = useCallback(() => {
    api<BatchesPage>(path)
      .then((p) => {
        setPage(p);
        setError(undefined);
      })
      .catch((e: Error) => setError(e.message));
  }, [path]);

  useEffect(() => {
    load();
    const refreshSoon = () => {
      timer.current ??= setTimeout(() => {
        timer.current = undefined;
        load();
      }, REFRESH_MS);
    };
    const close = openEventSocket({
      // every event of a `disburse` workflow (its status changes and its start/end), nothing else
      rooms: [`type:${DISBURSE_WORKFLOW_TYPE}`],
      onStatus: setStatus,
      onEvents(events) {
        let touched = false;
        const latest = new Map<string, NonNullable<ReturnType<typeof disbursementChange>>>();
        for (const e of events) {
          const change = disbursementChange(e);
          if (change) latest.set(change.batch_id, change);
          if (change || e.type.startsWith('execution_')) touched = true;
        }
        if (latest.size)
          setPage(
            (p) =>
              p && {
                ...p,
                batches: p.batches.map((b) => {
                  const c = latest.get(b.batchId);
                  return c ? { ...b, counts: c.counts } : b;
                }),
              },
          );
        if (touched) refreshSoon();
      },
    });
    return () => {
      close();
      if (timer.current) clearTimeout(timer.current);
      timer.current = undefined;
    };
  }, [load]);

  return { page, error, status, reload: load };
}
