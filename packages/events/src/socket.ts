import { z } from 'zod';
import type { Role } from '@blockops/domain';
import { streamIdSchema, type BlockopsEvent } from './schemas';

/**
 * The Socket.IO contract between the gateway (apps/web/lib/server/gateway.ts) and its clients (the
 * console's useEventStream, the tests): events each side emits, and the handshake a client sends.
 */

/** Rooms a client may subscribe to (DESIGN.md §5). */
const roomSchema = z.union([
  z.literal('all'),
  z.literal('emergency'),
  z.literal('breakers'),
  z.string().regex(/^workflow:[\w.:-]{1,200}$/, 'workflow:<id>'),
  z.string().regex(/^type:[\w.-]{1,100}$/, 'type:<workflowType>'),
]);

/** The handshake `auth` a client sends, validated by the gateway before the connection is accepted. */
export const handshakeSchema = z.object({
  token: z.string().max(512).optional(),
  rooms: z.array(roomSchema).max(20, 'at most 20 rooms').default(['all']),
  /** The last event id the client has seen: missed events are replayed first. */
  lastEventId: streamIdSchema.optional(),
});
/** What a client sends (rooms may be left out: `all`). */
export type HandshakeAuth = z.input<typeof handshakeSchema>;
/** What the gateway keeps after validation. */
export type Handshake = z.output<typeof handshakeSchema>;

export interface ServerToClientEvents {
  /**
   * Events of the subscribed rooms, replayed or live, oldest first: one message carries every
   * matching event of one read of the stream (a live XREAD batch or a replay page), so a burst costs
   * one frame per client per read, not one per event. Each event carries its stream id (`id`);
   * ids only grow, across messages too, so a client keeps the last id it has seen for its
   * reconnect and drops any id not newer than it. Never empty.
   */
  events: (events: BlockopsEvent[]) => void;
  /** replay is over (or there was none): what follows is live */
  ready: (info: { replayed: number; lastEventId: string }) => void;
  /** the stream was trimmed past the client's last event id: some events are gone */
  replay_gap: (info: { lastEventId: string; oldestAvailable: string }) => void;
  /** the replay failed; the client is live from now on and should reload to resync */
  replay_error: (info: { message: string }) => void;
}

/** Clients only listen: they subscribe through the handshake. */
export type ClientToServerEvents = Record<string, never>;

/** Between gateway processes: nothing (each tails the stream itself, see docs/ARCHITECTURE.md). */
export type InterServerEvents = Record<string, never>;

/** What the gateway keeps per socket, set once the handshake is validated. */
export interface SocketData {
  handshake: Handshake;
  role: Role;
}
