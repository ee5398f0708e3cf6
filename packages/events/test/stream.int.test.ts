import { randomUUID } from 'node:crypto';
import { poll } from '@blockops/stack';
import {
  connectRedis,
  createAuditLog,
  createEventPublisher,
  EVENT_FIELD,
  readRange,
  tailStream,
  firstStreamId,
  type BlockopsEvent,
  type MalformedEntry,
  type RedisClient,
} from '../src';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

describe('events over a real Redis stream', () => {
  let redis: RedisClient;
  const stream = `test:events:${randomUUID()}`;
  beforeAll(async () => {
    redis = await connectRedis(REDIS_URL);
  });
  afterAll(async () => {
    await redis.del([stream, `${stream}:audit`, `${stream}:cap`]);
    redis.destroy();
  });

  const ev = (n: number) => ({
    type: 'node_started' as const,
    timestamp: new Date().toISOString(),
    workflowId: 'wf',
    runId: 'run',
    workflowType: 'networkCheck',
    correlationId: 'corr',
    node_id: `n${n}`,
    node_name: 'fetchLatestHeader',
    attempt: 1,
  });

  it('publishes validated events and reads them back in order', async () => {
    const pub = createEventPublisher(redis, { stream, maxLen: 1000 });
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push(await pub.publish(ev(i)));
    const { events: all, lastId } = await readRange(redis, stream, '0-0');
    expect(lastId).toBe(ids[4]);
    expect(all.map((e) => e.id)).toEqual(ids);
    expect(all.map((e) => (e as Extract<BlockopsEvent, { type: 'node_started' }>).node_id)).toEqual(['n0', 'n1', 'n2', 'n3', 'n4']);
    // exclusive start: after the 2nd id come the last three
    expect((await readRange(redis, stream, ids[1]!)).events.map((e) => e.id)).toEqual(ids.slice(2));
    // inclusive end
    expect((await readRange(redis, stream, ids[0]!, ids[2]!)).events.map((e) => e.id)).toEqual(ids.slice(1, 3));
  });

  it('refuses an invalid event before it reaches the stream', async () => {
    const pub = createEventPublisher(redis, { stream, maxLen: 1000 });
    const before = await redis.xLen(stream);
    await expect(pub.publish({ ...ev(9), attempt: 0 })).rejects.toThrow(/attempt/);
    expect(await redis.xLen(stream)).toBe(before);
  });

  it('tails new events', async () => {
    const pub = createEventPublisher(redis, { stream, maxLen: 1000 });
    const seen: string[] = [];
    const tail = await tailStream(redis, { stream, fromId: '$', blockMs: 200, onEvents: (evs) => seen.push(...evs.map((e) => e.id)) });
    const id = await pub.publish(ev(42));
    await poll(() => seen.includes(id), { description: 'the tail to deliver the new event' });
    await tail.stop();
    expect(seen).toEqual([id]);
  });

  it('tails a burst: every entry once, in order, in batches, lastId in step with what it handed on', async () => {
    const burst = `${stream}:burst`;
    const pub = createEventPublisher(redis, { stream: burst, maxLen: 100_000 });
    const seen: string[] = [];
    const calls: { n: number; lastId: string; reported: string }[] = [];
    const ref: { tail?: Awaited<ReturnType<typeof tailStream>> } = {};
    const tail = (ref.tail = await tailStream(redis, {
      stream: burst,
      fromId: '$',
      blockMs: 200,
      count: 100,
      onEvents: (evs, lastId) => {
        seen.push(...evs.map((e) => e.id));
        calls.push({ n: evs.length, lastId, reported: ref.tail!.lastId() });
      },
    }));
    const ids = await Promise.all(Array.from({ length: 3000 }, (_, i) => pub.publish(ev(i))));
    await poll(() => seen.length >= ids.length, { description: 'the tail to hand on the whole burst' });
    await tail.stop();
    expect(seen).toEqual(ids);
    expect(calls.every((c) => c.n <= 100 && c.lastId === c.reported)).toBe(true);
    expect(calls.length).toBeLessThan(ids.length); // batched: more than one entry per read
    await redis.del(burst);
  });

  it('skips malformed entries in replay and tail, reports each, and goes on past them', async () => {
    const bad = `${stream}:bad`;
    const pub = createEventPublisher(redis, { stream: bad, maxLen: 1000 });
    const good1 = await pub.publish(ev(1));
    const notJson = await redis.xAdd(bad, '*', { [EVENT_FIELD]: '{"type": "node_started", ' });
    const noField = await redis.xAdd(bad, '*', { other: 'x' });
    const notEvent = await redis.xAdd(bad, '*', { [EVENT_FIELD]: JSON.stringify({ type: 'node_started', workflowId: 'wf' }) });
    const notObject = await redis.xAdd(bad, '*', { [EVENT_FIELD]: '42' });
    const good2 = await pub.publish(ev(2));

    const skipped: MalformedEntry[] = [];
    const { events, lastId } = await readRange(redis, bad, '0-0', '+', 1000, (m) => skipped.push(m));
    expect(events.map((e) => e.id)).toEqual([good1, good2]);
    expect(lastId).toBe(good2);
    expect(skipped.map((m) => m.id)).toEqual([notJson, noField, notEvent, notObject]);
    expect(skipped[0]!.reason).toMatch(/^not JSON/);
    expect(skipped[1]!.reason).toBe(`no "${EVENT_FIELD}" field`);
    expect(skipped[2]!.reason).toMatch(/^not an event: /);
    expect(skipped[3]!.reason).toBe('not a JSON object');

    // the tail reads past a malformed entry written while it follows, and keeps delivering
    const seen: string[] = [];
    const tailSkipped: string[] = [];
    const tail = await tailStream(redis, {
      stream: bad,
      fromId: good2,
      blockMs: 200,
      onEvents: (evs) => seen.push(...evs.map((e) => e.id)),
      onMalformed: (m) => tailSkipped.push(m.id),
    });
    try {
      const broken = await redis.xAdd(bad, '*', { [EVENT_FIELD]: 'garbage' });
      const good3 = await pub.publish(ev(3));
      for (let i = 0; i < 600 && !seen.includes(good3); i++) await new Promise((r) => setTimeout(r, 50));
      expect(seen).toEqual([good3]);
      expect(tailSkipped).toEqual([broken]);
    } finally {
      await tail.stop();
      await redis.del(bad);
    }
  });

  it('caps the stream length (MAXLEN ~)', async () => {
    const capped = `${stream}:cap`;
    const pub = createEventPublisher(redis, { stream: capped, maxLen: 10 });
    for (let i = 0; i < 500; i++) await pub.publish(ev(i));
    const len = await redis.xLen(capped);
    expect(len).toBeLessThan(500);
    expect(len).toBeGreaterThanOrEqual(10);
    expect(await firstStreamId(redis, capped)).toBeDefined();
  });

  it('keeps an audit log, newest first', async () => {
    const audit = createAuditLog(redis, `${stream}:audit`);
    await audit.append({ actor: 'alice', action: 'workflow.start', target: 'a', outcome: 'accepted' });
    await audit.append({ actor: 'bob', action: 'workflow.start', target: 'b', outcome: 'rejected', reason: 'bad input' });
    const list = await audit.list();
    expect(list.map((e) => e.actor)).toEqual(['bob', 'alice']);
    expect(list[0]).toMatchObject({ outcome: 'rejected', reason: 'bad input' });
  });
});
