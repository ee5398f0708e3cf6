import type { BlockopsEvent } from '@blockops/events';
import { operationWorkflowId } from '@blockops/domain';

/** Every room an event belongs to (the rooms a client may join: `handshakeSchema` in @blockops/events). */
export function roomsOf(event: BlockopsEvent): string[] {
  const rooms = ['all', `workflow:${event.workflowId}`, `type:${event.workflowType}`];
  if (event.type === 'emergency_state_changed') rooms.push('emergency');
  if (event.type === 'breaker_state_changed') rooms.push('breakers');
  // an operation's status belongs to its run and to the operations view, whoever announced it
  // (the receipt poller announces late confirmations of operations that had already ended)
  if (event.type === 'operation_status_changed') {
    for (const room of [`workflow:${operationWorkflowId(event.operation_id)}`, 'type:operation'])
      if (!rooms.includes(room)) rooms.push(room);
  }
  return rooms;
}

export function matchesAny(event: BlockopsEvent, rooms: string[]): boolean {
  const own = roomsOf(event);
  return rooms.some((r) => own.includes(r));
}

/** The Socket.IO room of every client that asked for exactly `rooms` (order and repeats aside). */
export function subscriptionRoom(rooms: readonly string[]): string {
  return `sub:${[...new Set(rooms)].sort().join(',')}`;
}

/**
 * The distinct subscriptions of a gateway's clients. Clients that asked for the same rooms share
 * one Socket.IO room, so a read of the stream is filtered once per subscription (each event's rooms
 * computed once), encoded once, and sent to each of them as one message.
 */
export function createSubscriptions() {
  /** subscription room → the rooms its clients asked for */
  const subs = new Map<string, string[]>();
  return {
    /** The room to join for `rooms` (remembered until it is found empty). */
    roomFor(rooms: readonly string[]): string {
      const room = subscriptionRoom(rooms);
      if (!subs.has(room)) subs.set(room, [...new Set(rooms)]);
      return room;
    },
    /**
     * For each subscription with clients (`occupied`), the events it gets, in order; none for a
     * subscription that gets nothing. Subscriptions left without clients are forgotten.
     */
    route(events: BlockopsEvent[], occupied: (room: string) => boolean): { room: string; events: BlockopsEvent[] }[] {
      let own: string[][] | undefined; // each event's rooms, computed once, only when some subscription filters
      const out: { room: string; events: BlockopsEvent[] }[] = [];
      for (const [room, wanted] of subs) {
        if (!occupied(room)) {
          subs.delete(room);
          continue;
        }
        let batch = events; // `all` holds every event
        if (!wanted.includes('all')) {
          own ??= events.map(roomsOf);
          const rooms = own;
          batch = events.filter((_, i) => rooms[i]!.some((r) => wanted.includes(r)));
        }
        if (batch.length > 0) out.push({ room, events: batch });
      }
      return out;
    },
  };
}
