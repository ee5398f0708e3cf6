'use client';

import { useCallback, useEffect, useState } from 'react';
import type { BlockopsEvent } from '@blockops/events/schemas';
import { api } from './api';
import { useEventStream } from './use-event-stream';

/**
 * GETs every path of `paths`, and again (debounced) whenever an event of one of `types` arrives
 * in `rooms`: pages update live from the event stream (one socket per page), not from polling.
 */
export function useLiveData<T extends Record<string, unknown>>(
  paths: { [K in keyof T]: string },
  opts: { rooms: string[]; types: BlockopsEvent['type'][] },
) {
  const [data, setData] = useState<Partial<T>>({});
  const [error, setError] = useState<string | undefined>();
  const { events, status } = useEventStream({ rooms: opts.rooms, max: 50 });
  const pathsKey = JSON.stringify(paths);
  const typesKey = opts.types.join(',');
  const load = useCallback(() => {
    const entries = Object.entries(JSON.parse(pathsKey) as Record<string, string>);
    Promise.all(entries.map(([k, p]) => api<unknown>(p).then((v) => [k, v] as const)))
      .then((pairs) => {
        setData(Object.fromEntries(pairs) as Partial<T>);
        setError(undefined);
      })
      .catch((e: Error) => setError(e.message));
  }, [pathsKey]);
  useEffect(load, [load]);
  const latest = events.find((e) => typesKey.split(',').includes(e.type))?.id;
  useEffect(() => {
    if (!latest) return;
    const t = setTimeout(load, 150);
    return () => clearTimeout(t);
  }, [latest, load]);
  return { data, error, reload: load, status, events };
}
