/**
 * The live path end to end, without a browser: start a run through the HTTP API, receive its
 * events with socket.io-client in order and schema-valid; then the reconnect contract: a client
 * that drops mid-run and comes back with its last event id misses nothing and sees nothing twice.
 */
import { io, type Socket } from 'socket.io-client';
import { poll, startTestStack } from '@blockops/stack';
import {
  compareStreamIds,
  connectRedis,
  createEventPublisher,
  EVENT_FIELD,
  eventSchema,
  lastStreamId,
  type BlockopsEvent,
  type ClientToServerEvents,
  type HandshakeAuth,
  type ServerToClientEvents,
} from '@blockops/events';

type TestStack = Awaited<ReturnType<typeof startTestStack>>;
let stack: TestStack;

beforeAll(async () => {
  stack = await startTestStack();
}, 240_000);

afterAll(async () => {
  await stack?.stop();
});

async function startRun(workflowType: string, input: Record<string, unknown> = {}) {
  const res = await fetch(`${stack.urls.web}/api/runs`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-actor': 'jest' },
    body: JSON.stringify({ workflowType, input }),
  });
  return { status: res.status, body: (await res.json()) as Record<string, any> };
}

type ClientSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

function connect(auth: HandshakeAuth): ClientSocket {
  return io(stack.urls.web!, { path: '/socket.io', transports: ['websocket'], auth, reconnection: false });
}

function collect(socket: ClientSocket, until: (e: BlockopsEvent) => boolean, timeoutMs = 30_000): Promise<BlockopsEvent[]> {
  const seen: BlockopsEvent[] = [];
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`timed out; saw ${seen.map((e) => e.type).join(', ')}`)), timeoutMs);
    socket.on('events', (batch) => {
      seen.push(...batch);
      if (batch.some(until)) {
        clearTimeout(timer);
        resolve(seen);
      }
    });
  });
}

const ready = (s: ClientSocket) =>
  new Promise<void>((resolve, reject) => {
    s.once('ready', () => resolve());
    s.once('connect_error', reject);
  });

test('a run started over HTTP streams its events in order, each schema-valid', async () => {
  const socket = connect({ rooms: ['all'] });
  await ready(socket);
  const started = await startRun('networkCheck', { minPeers: 1 });
  expect(started.status).toBe(202);
  const { workflowId, runId, correlationId, temporalUrl } = started.body;
  expect(workflowId).toMatch(/^network-check-/);
  expect(temporalUrl).toContain(`/workflows/${workflowId}/${runId}/history`);

  const events = (await collect(socket, (e) => e.workflowId === workflowId && e.type === 'execution_completed')).filter(
    (e) => e.workflowId === workflowId,
  );
  socket.close();

  expect(events.map((e) => `${e.type}${'node_name' in e ? ':' + e.node_name : ''}`)).toEqual([
    'execution_started',
    'node_started:readLatestHeader',
    'node_completed:readLatestHeader',
    'node_started:readNetStats',
    'node_completed:readNetStats',
    'execution_completed',
  ]);
  for (const e of events) {
    expect(eventSchema.safeParse(e).success).toBe(true);
    expect(e).toMatchObject({ workflowId, runId, workflowType: 'networkCheck', correlationId });
  }
  for (let i = 1; i < events.length; i++) expect(compareStreamIds(events[i - 1]!.id, events[i]!.id)).toBe(-1);
  const done = events.at(-1) as Extract<BlockopsEvent, { type: 'execution_completed' }>;
  expect(done.result).toMatchObject({ healthy: expect.any(Boolean), height: expect.any(Number) });

  // The run is in Temporal visibility and its Temporal Web page answers.
  const run = await (await fetch(`${stack.urls.web}/api/runs/${workflowId}`)).json();
  expect(run).toMatchObject({ workflowId, status: 'COMPLETED' });
  expect((await fetch(temporalUrl)).status).toBe(200);
});

test('reconnecting with the last event id replays the gap: no event missed, none twice', async () => {
  // A reference client that stays connected sees everything.
  const reference = connect({ rooms: ['all'] });
  await ready(reference);
  const first = connect({ rooms: ['all'] });
  await ready(first);

  // listen before the runs start, so no client misses their first events
  const refSeen: BlockopsEvent[] = [];
  reference.on('events', (batch) => refSeen.push(...batch));
  const firstSeen: BlockopsEvent[] = [];
  first.on('events', (batch) => firstSeen.push(...batch));

  const runs = await Promise.all([startRun('networkCheck'), startRun('noop'), startRun('networkCheck')]);
  const ids = new Set(runs.map((r) => r.body.workflowId as string));
  const allDone = (seen: BlockopsEvent[]) =>
    [...ids].every((id) => seen.some((e) => e.workflowId === id && e.type === 'execution_completed'));

  // The first client disconnects once it has an event of these runs.
  await poll(() => firstSeen.some((e) => ids.has(e.workflowId)), {
    description: 'the first client to see an event of the runs',
    intervalMs: 1, // promptly: most of the runs' events should come while it is away
  });
  first.close();
  const before = [...firstSeen];
  const lastEventId = before.at(-1)!.id;

  // Events of these runs are published while it is away; then it reconnects with its last id.
  await poll(() => refSeen.some((e) => ids.has(e.workflowId) && compareStreamIds(e.id, lastEventId) > 0), {
    description: 'events published while the first client is away',
  });
  const second = connect({ rooms: ['all'], lastEventId });
  const afterSeen: BlockopsEvent[] = [];
  second.on('events', (batch) => afterSeen.push(...batch));
  await poll(() => allDone(refSeen) && allDone([...before, ...afterSeen]), { description: 'both clients to see every run complete' });
  // a straggling duplicate would come before any later event: wait until both clients have seen one
  const marker = (await startRun('noop')).body.workflowId as string;
  const sawMarker = (seen: BlockopsEvent[]) => seen.some((e) => e.workflowId === marker && e.type === 'execution_completed');
  await poll(() => sawMarker(refSeen) && sawMarker(afterSeen), { description: 'both clients to see a later run' });
  reference.close();
  second.close();

  const mine = (list: BlockopsEvent[]) => list.filter((e) => ids.has(e.workflowId)).map((e) => e.id);
  const combined = [...mine(before), ...mine(afterSeen)];
  expect(new Set(combined).size).toBe(combined.length); // nothing twice
  expect(combined).toEqual(mine(refSeen)); // nothing missed, same order
  expect(mine(afterSeen).length).toBeGreaterThan(0);
});

test('a burst reaches every client once and in order; a client that drops mid-burst and reconnects with its last id gets the rest exactly once', async () => {
  const redis = await connectRedis(stack.env.REDIS_URL!);
  try {
    const pub = createEventPublisher(redis, { stream: stack.names.events, maxLen: 100_000 });
    const workflowId = `burst-${Date.now()}`;
    const rooms = [`workflow:${workflowId}`];
    const total = 3000;
    const event = (i: number) => ({
      type: 'node_started' as const,
      timestamp: new Date().toISOString(),
      workflowId,
      runId: 'burst',
      workflowType: 'burst',
      correlationId: 'burst',
      node_id: String(i),
      node_name: 'burst',
      attempt: 1,
    });
    const indexes = (seen: BlockopsEvent[]) => seen.map((e) => Number((e as { node_id: string }).node_id));
    const everyIndex = Array.from({ length: total }, (_, i) => i);

    // several clients that stay connected, one of them subscribed through `all` as well
    const steady = [connect({ rooms }), connect({ rooms }), connect({ rooms: ['all', ...rooms] })];
    await Promise.all(steady.map(ready));
    const steadySeen = steady.map((s) => {
      const seen: BlockopsEvent[] = [];
      s.on('events', (batch) => seen.push(...batch.filter((e) => e.workflowId === workflowId)));
      return seen;
    });

    // the dropping client reconnects like the console: the handshake sends the newest id it has seen
    let lastId: string | undefined;
    const dropperSeen: BlockopsEvent[] = [];
    const readies: { replayed: number }[] = [];
    const dropper: ClientSocket = io(stack.urls.web!, {
      path: '/socket.io',
      transports: ['websocket'],
      reconnection: false,
      auth: (cb) => cb({ rooms, ...(lastId ? { lastEventId: lastId } : {}) } satisfies HandshakeAuth),
    });
    dropper.on('ready', (r) => readies.push(r));
    dropper.on('events', (batch) => {
      dropperSeen.push(...batch); // everything it is sent, duplicates included
      for (const e of batch) if (!lastId || compareStreamIds(e.id, lastId) > 0) lastId = e.id;
    });
    await poll(() => readies.length === 1, { description: 'the dropping client to be live' });

    let away!: () => void;
    const isAway = new Promise<void>((resolve) => (away = resolve));
    let back!: () => void;
    const isBack = new Promise<void>((resolve) => (back = resolve));
    const ids: string[] = [];
    const publishing = (async () => {
      for (let from = 0; from < total; from += 100) {
        if (from === 1500) await isAway; // some of the burst is published while the client is gone,
        if (from === 2000) await isBack; // the rest while it replays what it missed and goes live
        ids.push(...(await Promise.all(Array.from({ length: 100 }, (_, k) => pub.publish(event(from + k))))));
      }
    })();

    await poll(() => dropperSeen.length >= 1000, { description: 'the dropping client to see part of the burst' });
    dropper.disconnect();
    const before = dropperSeen.length;
    away();
    // back once events it has not seen were published; the burst goes on meanwhile
    await poll(() => (steadySeen[0]?.length ?? 0) >= Math.min(2000, before + 300), {
      description: 'events published while the client is away',
    });
    dropper.connect();
    back();
    await publishing;

    const all = (seen: BlockopsEvent[]) => seen.length >= total;
    await poll(() => steadySeen.every(all) && dropperSeen.length >= total, { description: 'every client to see the whole burst' });
    // a straggling duplicate would come before any later event: wait until every client has seen one
    const marker = await pub.publish(event(total));
    const sawMarker = (seen: BlockopsEvent[]) => seen.some((e) => e.id === marker);
    await poll(() => steadySeen.every(sawMarker) && sawMarker(dropperSeen), { description: 'every client to see a later event' });
    for (const s of [...steady, dropper]) s.close();

    const burstOnly = (seen: BlockopsEvent[]) => seen.filter((e) => e.id !== marker);
    for (const seen of [...steadySeen, dropperSeen]) {
      expect(indexes(burstOnly(seen))).toEqual(everyIndex); // none lost, none twice, in order
      expect(burstOnly(seen).map((e) => e.id)).toEqual(ids);
    }
    expect(readies).toHaveLength(2);
    expect(readies[1]!.replayed).toBeGreaterThan(0); // the reconnect replayed what it missed
  } finally {
    redis.destroy();
  }
});

test('a malformed stream entry is skipped by the live relay and by replay, logged and counted; the feed goes on', async () => {
  const redis = await connectRedis(stack.env.REDIS_URL!);
  try {
    const live = connect({ rooms: ['all'] });
    await ready(live);
    const mark = await lastStreamId(redis, stack.names.events);
    const broken = await redis.xAdd(stack.names.events, '*', { [EVENT_FIELD]: '{"type":"node_started",' });
    const run = await startRun('noop');
    const done = (e: BlockopsEvent) => e.workflowId === run.body.workflowId && e.type === 'execution_completed';
    const liveSeen = await collect(live, done);
    live.close();
    // a client replaying from before the bad entry gets past it too
    const replaying = connect({ rooms: ['all'], lastEventId: mark });
    const replayed = await collect(replaying, done);
    replaying.close();
    for (const seen of [liveSeen, replayed]) {
      expect(seen.some(done)).toBe(true);
      expect(seen.map((e) => e.id)).not.toContain(broken);
    }
    const metrics = await (await fetch(`${stack.urls.web}/metrics`)).text();
    expect(metrics).toMatch(/blockops_events_malformed_total\{reader="tail"\} 1\b/);
    expect(metrics).toMatch(/blockops_events_malformed_total\{reader="replay"\} [1-9]/);
  } finally {
    redis.destroy();
  }
});

test('bad input is refused with the field named, and audited', async () => {
  const unknown = await startRun('nope');
  expect(unknown.status).toBe(400);
  expect(unknown.body.error).toContain('workflowType');
  const bad = await startRun('networkCheck', { minPeers: -1 });
  expect(bad.status).toBe(400);
  expect(bad.body.issues).toEqual([{ field: 'input.minPeers', message: expect.stringContaining('0') }]);
  const extra = await startRun('networkCheck', { bogus: 1 });
  expect(extra.status).toBe(400);

  const audit = await (await fetch(`${stack.urls.web}/api/audit?limit=10`)).json();
  const actions = audit.entries.map((e: any) => `${e.action}:${e.outcome}`);
  expect(actions).toContain('workflow.start:rejected');
  expect(actions).toContain('workflow.start:accepted');
  expect(audit.entries[0].actor).toBe('operator:jest');
});

test('a handshake with a malformed last event id is refused with the reason', async () => {
  const s = connect({ rooms: ['all'], lastEventId: 'yesterday' });
  const err = await new Promise<Error>((resolve) => s.once('connect_error', resolve));
  expect(err.message).toContain('lastEventId');
  s.close();
});

test('both processes serve Prometheus metrics with the relay figures', async () => {
  const web = await (await fetch(`${stack.urls.web}/metrics`)).text();
  expect(web).toMatch(/blockops_events_relayed_total\{type="node_completed"\} \d+/);
  expect(web).toContain('blockops_event_relay_latency_seconds_bucket');
  expect(web).toContain('process_cpu_user_seconds_total');
  const worker = await (await fetch(stack.urls.workerMetrics!)).text();
  expect(worker).toMatch(/blockops_events_published_total\{type="execution_completed"\} \d+/);
  expect(worker).toMatch(/blockops_activity_executions_total\{activity="readNetStats",status="completed"\} \d+/);
});
