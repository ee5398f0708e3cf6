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
