'use client';

import { useEffect, useState } from 'react';
import type { BlockopsEvent } from '@blockops/events/schemas';
import { openEventSocket, type StreamStatus } from './event-socket';

export type { StreamStatus } from './event-socket';

/**
 * Live events for `rooms`, newest first, at most `max` kept (see openEventSocket for replay and
 * de-duplication). Renders are batched: thousands of events per second stay smooth.
 */
export function useEventStream(opts: { rooms: string[]; since?: string; max?: number }) {
  const { rooms, since, max = 500 } = opts;
  const [events, setEvents] = useState<BlockopsEvent[]>([]);
  const [status, setStatus] = useState<StreamStatus>('connecting');
  const [gap, setGap] = useState<string | undefined>();
  const roomsKey = rooms.join(',');

  useEffect(() => {
    setEvents([]);
    return openEventSocket({
      rooms: roomsKey.split(','),
      since,
      onEvents: (batch) => setEvents((prev) => [...batch.reverse(), ...prev].slice(0, max)),
      onStatus: setStatus,
      onGap: setGap,
    });
  }, [roomsKey, since, max]);

  return { events, status, gap };
}
