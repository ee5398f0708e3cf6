import type { BlockopsEvent } from '@blockops/events';

/** Every room an event belongs to (the rooms a client may join: `handshakeSchema` in @blockops/events). */
export function roomsOf(event: BlockopsEvent): string[] {
  const rooms = ['all', `workflow:${event.workflowId}`, `type:${event.workflowType}`];
  if (event.type === 'emergency_state_changed') rooms.push('emergency');
  if (event.type === 'breaker_state_changed') rooms.push('breakers');
  return rooms;
}

export function matchesAny(event: BlockopsEvent, rooms: string[]): boolean {
  const own = roomsOf(event);
  return rooms.some((r) => own.includes(r));
}
