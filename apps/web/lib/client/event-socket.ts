'use client';

import { io, type Socket } from 'socket.io-client';
import type { BlockopsEvent } from '@blockops/events/schemas';
import type { ClientToServerEvents, HandshakeAuth, ServerToClientEvents } from '@blockops/events/socket';
import { compareStreamIds } from '@blockops/events/stream-id';
import { getApiKey } from './api';

export type StreamStatus = 'connecting' | 'replaying' | 'live' | 'disconnected' | `error: ${string}`;

export interface EventSocketOptions {
  rooms: string[];
  /** Replay from after this stream id on the first connect ('0-0': everything still in the stream). */
  since?: string;
  /** Called with events in arrival order, batched (at most one call per `batchMs`). */
  onEvents: (events: BlockopsEvent[]) => void;
  onStatus?: (status: StreamStatus) => void;
  /** events were trimmed from the stream, or the replay failed */
  onGap?: (message: string) => void;
  batchMs?: number;
}

/**
 * One Socket.IO connection to the gateway for `rooms`. On every reconnect it sends the last id it
 * has seen — an event's, or the stream position the gateway reported when it went live — so the
 * gateway replays whatever was missed; ids are monotonic, so anything not newer is a duplicate
 * and dropped. Returns a function that closes it.
 */
export function openEventSocket(opts: EventSocketOptions): () => void {
  const { rooms, onEvents, onStatus, onGap, batchMs = 50 } = opts;
  let lastId = opts.since;
  let buffer: BlockopsEvent[] = [];
  let timer: ReturnType<typeof setTimeout> | undefined;
  const flush = () => {
    timer = undefined;
    const batch = buffer;
    buffer = [];
    if (batch.length) onEvents(batch);
  };
  const socket: Socket<ServerToClientEvents, ClientToServerEvents> = io({
    path: '/socket.io',
    transports: ['websocket'],
    // called on every (re)connect, so a reconnect sends the last id seen
    auth: (cb) => cb({ token: getApiKey(), rooms, ...(lastId ? { lastEventId: lastId } : {}) } satisfies HandshakeAuth),
  });
  socket.on('connect', () => onStatus?.(lastId ? 'replaying' : 'connecting'));
  socket.on('ready', (r) => {
    if (r.lastEventId && (!lastId || compareStreamIds(r.lastEventId, lastId) > 0)) lastId = r.lastEventId;
    onStatus?.('live');
  });
  socket.on('disconnect', () => onStatus?.('disconnected'));
  socket.on('connect_error', (err) => onStatus?.(`error: ${err.message}`));
  socket.on('replay_gap', (g) => onGap?.(`Some older events were trimmed from the stream; history starts at ${g.oldestAvailable}.`));
  socket.on('replay_error', (e) => onGap?.(e.message));
  // a message carries several events, oldest first: the last id kept is exactly the newest one handed on
  socket.on('events', (events) => {
    for (const event of events) {
      if (lastId && compareStreamIds(event.id, lastId) <= 0) continue;
      lastId = event.id;
      buffer.push(event);
    }
    if (buffer.length) timer ??= setTimeout(flush, batchMs);
  });
  return () => {
    if (timer) clearTimeout(timer);
    socket.disconnect();
  };
}
