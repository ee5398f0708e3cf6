import { z } from 'zod';
import type { BlockopsEvent } from '@blockops/events';

/** Rooms a client may subscribe to (DESIGN.md §5). */
export const roomSchema = z.union([
  z.literal('all'),
  z.literal('emergency'),
  z.literal('breakers'),
  z.string().regex(/^workflow:[\w.:-]{1,200}$/, 'workflow:<id>'),
  z.string().regex(/^type:[\w.-]{1,100}$/, 'type:<workflowType>'),
]);

export const handshakeSchema = z.object({
  token: z.string().max(512).optional(),
  rooms: z.array(roomSchema).max(20, 'at most 20 rooms').default(['all']),
  /** The last event id the client has seen: missed events are replayed first. */
  lastEventId: z
    .string()
    .regex(/^\d{1,20}-\d{1,20}$/, 'must be a stream id like 1700000000000-0')
    .optional(),
});
export type Handshake = z.infer<typeof handshakeSchema>;

/** Every room an event belongs to. */
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
