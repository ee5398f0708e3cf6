'use client';

import { useEffect, useRef, useState } from 'react';
import { io, type Socket } from 'socket.io-client';
import type { BlockopsEvent } from '@blockops/events/schemas';
import type { ClientToServerEvents, HandshakeAuth, ServerToClientEvents } from '@blockops/events/socket';
import { compareStreamIds } from '@blockops/events/stream-id';
import { getApiKey } from './api';

type StreamStatus = 'connecting' | 'replaying' | 'live' | 'disconnected' | `error: ${string}`;

/**
 * Live events for `rooms`. On every (re)connect it sends the last id it has seen, so the gateway
 * replays what was missed before going live; ids are monotonic, so anything not newer is a
 * duplicate and dropped. Renders are batched: thousands of events per second stay smooth.
 */
export function useEventStream(opts: { rooms: string[]; since?: string; max?: number }) {
  const { rooms, since, max = 500 } = opts;
  const [events, setEvents] = useState<BlockopsEvent[]>([]);
  const [status, setStatus] = useState<StreamStatus>('connecting');
  const [gap, setGap] = useState<string | undefined>();
  const roomsKey = rooms.join(',');
  const lastId = useRef<string | undefined>(since);

  useEffect(() => {
    lastId.current = since;
    setEvents([]);
    let buffer: BlockopsEvent[] = [];
    let timer: ReturnType<typeof setTimeout> | undefined;
    const flush = () => {
      timer = undefined;
      const batch = buffer;
      buffer = [];
      setEvents((prev) => [...batch.reverse(), ...prev].slice(0, max));
    };
    const socket: Socket<ServerToClientEvents, ClientToServerEvents> = io({
      path: '/socket.io',
      transports: ['websocket'],
      // called on every (re)connect, so a reconnect sends the last id seen
      auth: (cb) =>
        cb({
          token: getApiKey(),
          rooms: roomsKey.split(','),
          ...(lastId.current ? { lastEventId: lastId.current } : {}),
        } satisfies HandshakeAuth),
    });
    socket.on('connect', () => setStatus(lastId.current ? 'replaying' : 'connecting'));
    socket.on('ready', () => setStatus('live'));
    socket.on('disconnect', () => setStatus('disconnected'));
    socket.on('connect_error', (err) => setStatus(`error: ${err.message}`));
    socket.on('replay_gap', (g) => setGap(`Some older events were trimmed from the stream; history starts at ${g.oldestAvailable}.`));
    socket.on('replay_error', (e) => setGap(e.message));
    socket.on('event', (event) => {
      if (lastId.current && compareStreamIds(event.id, lastId.current) <= 0) return;
      lastId.current = event.id;
      buffer.push(event);
      timer ??= setTimeout(flush, 50);
    });
    return () => {
      if (timer) clearTimeout(timer);
      socket.disconnect();
    };
  }, [roomsKey, since, max]);

  return { events, status, gap };
}
