import type { Server as HttpServer } from 'node:http';
import { Server, type Socket } from 'socket.io';
import {
  chunkByLength,
  compareStreamIds,
  firstStreamId,
  handshakeSchema,
  readRange,
  tailStream,
  type ClientToServerEvents,
  type InterServerEvents,
  type OnMalformed,
  type ServerToClientEvents,
  type SocketData,
} from '@blockops/events';
import { bearer, roleForKey } from './auth';
import { crossOriginRefusal, nodeRequestLike } from './origin';
import { createSubscriptions, matchesAny } from './rooms';
import type { Services } from './services';

type GatewaySocket = Socket<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SocketData>;

const REPLAY_PAGE = 1000;
/** At most about this much JSON per `events` message (one larger event goes alone). */
const MESSAGE_BYTES = 1024 * 1024;

/**
 * The Socket.IO gateway: one tail of the Redis event stream per web process, relayed to rooms.
 * Every web process tails the stream itself, so N processes need no adapter between them.
 *
 * A client that connects with `lastEventId` first gets the events it missed, read from the stream
 * up to the tail's own position, and joins its rooms in the same tick that it catches up: nothing
 * falls in the gap and nothing comes twice.
 */
export async function attachGateway(httpServer: HttpServer, services: Services) {
  const { config, redis, metrics, log } = services;
  // WebSockets are not bound by CORS: a page on another site could open one and read the events
  // (auth off, or a key it holds). The handshake follows the control calls' origin rule.
  const io = new Server<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SocketData>(httpServer, {
    path: '/socket.io',
    serveClient: false,
    cors: { origin: false },
    // frames are small JSON and loopback/LAN: deflating them costs more CPU than it saves (also the default)
    perMessageDeflate: false,
    allowRequest: (req, callback) => {
      const refusal = crossOriginRefusal(nodeRequestLike(req), config.BLOCKOPS_ALLOWED_ORIGINS);
      callback(refusal ?? null, !refusal);
    },
  });
  // a malformed entry (a foreign writer, a bug, a hand edit) is skipped, never a stop for the feed
  const skip =
    (reader: 'tail' | 'replay'): OnMalformed =>
    (entry) => {
      metrics.eventsMalformed.inc({ reader });
      log.warn({ streamId: entry.id, reason: entry.reason, reader }, 'malformed event stream entry skipped');
    };
  const skipInReplay = skip('replay');

  // Clients with the same rooms share one Socket.IO room (`subscriptionRoom`): each read of the
  // stream is filtered once per distinct subscription, encoded once, and written as one frame per
  // client, however many events it holds.
  const subscriptions = createSubscriptions();
  const join = (socket: GatewaySocket, rooms: string[]) => void socket.join(subscriptions.roomFor(rooms));

  const tail = await tailStream(redis, {
    stream: config.EVENTS_STREAM,
    fromId: '$',
    blockMs: 1000,
    onEvents(events) {
      if (events.length === 0) return;
      for (const { room, events: batch } of subscriptions.route(events, (room) => io.sockets.adapter.rooms.has(room)))
        for (const message of chunkByLength(batch, MESSAGE_BYTES)) io.to(room).emit('events', message);
      const now = Date.now();
      const byType = new Map<string, number>();
      for (const event of events) {
        byType.set(event.type, (byType.get(event.type) ?? 0) + 1);
        metrics.relayLatency.observe(Math.max(0, now - Date.parse(event.timestamp)) / 1000);
      }
      for (const [type, n] of byType) metrics.eventsRelayed.inc({ type }, n);
      metrics.relayBatchSize.observe(events.length);
    },
    onError: (err) => log.warn({ err }, 'event stream tail failed; retrying'),
    onMalformed: skip('tail'),
  });

  io.use((socket, next) => {
    const parsed = handshakeSchema.safeParse(socket.handshake.auth ?? {});
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      return next(new Error(`invalid handshake: ${issue.path.join('.')}: ${issue.message}`));
    }
    const token = parsed.data.token ?? bearer(socket.handshake.headers.authorization);
    const role = roleForKey(config, token);
    if (!role) return next(new Error('unauthorized: a viewer or operator key is required'));
    socket.data = { handshake: parsed.data, role };
    next();
  });

  io.on('connection', (socket) => {
    metrics.socketConnections.inc();
    socket.on('disconnect', () => metrics.socketConnections.dec());
    const hs = socket.data.handshake;
    if (!hs.lastEventId) {
      // the in-memory adapter joins synchronously (the replay's check-and-join relies on it)
      join(socket, hs.rooms);
      socket.emit('ready', { replayed: 0, lastEventId: tail.lastId() });
      return;
    }
    replayThenJoin(socket, hs.rooms, hs.lastEventId).catch((err) => {
      log.warn({ err }, 'replay failed');
      socket.emit('replay_error', { message: 'could not replay missed events; reload to resync' });
      join(socket, hs.rooms);
    });
  });

  async function replayThenJoin(socket: GatewaySocket, rooms: string[], since: string) {
    const oldest = await firstStreamId(redis, config.EVENTS_STREAM);
    if (oldest && compareStreamIds(since, oldest) < 0 && since !== '0-0') {
      // The stream was trimmed (MAXLEN) past the client's position: say so rather than pretend.
      socket.emit('replay_gap', { lastEventId: since, oldestAvailable: oldest });
    }
    let cursor = since;
    let replayed = 0;
    for (;;) {
      const target = tail.lastId();
      while (compareStreamIds(cursor, target) < 0) {
        const { events, lastId } = await readRange(redis, config.EVENTS_STREAM, cursor, target, REPLAY_PAGE, skipInReplay);
        // one message per page, oldest first (ids keep growing across pages and into the live feed)
        const page = events.filter((event) => matchesAny(event, rooms));
        for (const message of chunkByLength(page, MESSAGE_BYTES)) socket.emit('events', message);
        replayed += page.length;
        cursor = lastId ?? target;
      }
      if (!socket.connected) return;
      // Check and join in one synchronous step: the tail cannot relay in between. If it moved on
      // while we were reading, read the difference first.
      if (compareStreamIds(cursor, tail.lastId()) >= 0) {
        join(socket, rooms);
        metrics.eventsReplayed.inc(replayed);
        socket.emit('ready', { replayed, lastEventId: cursor });
        return;
      }
    }
  }

  return {
    io,
    async close() {
      await tail.stop();
      await new Promise<void>((resolve) => io.close(() => resolve()));
    },
  };
}
