/**
 * Issue 2 figures, each beside a baseline from the same run:
 * - event latency, publish (the activity interceptor's publisher) → socket.io-client receiving it
 *   through the gateway, at 100 and 5,000 events/s, beside raw Redis XADD → XREAD BLOCK;
 * - start-to-complete of the live-path workflow (networkCheck) beside a no-op workflow on the
 *   same Temporal server and worker.
 */
import { performance } from 'node:perf_hooks';
import { Client, Connection } from '@temporalio/client';
import { io } from 'socket.io-client';
import { connectRedis, createEventPublisher, type BlockopsEvent } from '@blockops/events';
import { startTestStack } from '@blockops/stack';
import type { BenchSection } from './run';
import { percentile, round } from './stats';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Calls `send(i)` `rate` times a second for `seconds`, in 10 ms slices. */
async function paced(rate: number, seconds: number, send: (i: number) => void) {
  const total = rate * seconds;
  const start = performance.now();
  let sent = 0;
  while (sent < total) {
    const due = Math.min(total, Math.floor(((performance.now() - start) / 1000) * rate) + 1);
    while (sent < due) send(sent++);
    await sleep(10);
  }
}

export async function run(): Promise<BenchSection[]> {
  const stack = await startTestStack();
  try {
    const redis = await connectRedis(stack.env.REDIS_URL!);
    const stream = stack.names.events;
    const sections: BenchSection[] = [];

    for (const rate of [100, 5000]) {
      const seconds = rate >= 1000 ? 4 : 5;
      // Subject: publisher → Redis stream → gateway tail → Socket.IO → client
      const sentAt = new Map<string, number>();
      const lat: number[] = [];
      const socket = io(stack.urls.web!, { path: '/socket.io', transports: ['websocket'], auth: { rooms: ['workflow:bench'] } });
      await new Promise<void>((resolve) => socket.once('ready', () => resolve()));
      socket.on('events', (batch: BlockopsEvent[]) => {
        for (const e of batch) {
          const t = sentAt.get((e as { node_id: string }).node_id);
          if (t !== undefined) lat.push(performance.now() - t);
        }
      });
      const pub = createEventPublisher(redis, { stream, maxLen: 100_000 });
      await paced(rate, seconds, (i) => {
        const nodeId = `r${rate}-${i}`;
        sentAt.set(nodeId, performance.now());
        void pub.publish({
          type: 'node_started',
          timestamp: new Date().toISOString(),
          workflowId: 'bench',
          runId: 'bench',
          workflowType: 'bench',
          correlationId: 'bench',
          node_id: nodeId,
          node_name: 'bench',
          attempt: 1,
        });
      });
      for (let i = 0; i < 100 && lat.length < sentAt.size; i++) await sleep(50);
      socket.close();

      // Baseline: raw XADD → XREAD BLOCK on a second connection, same rate, same payload size.
      const rawKey = `${stream}:raw`;
      const reader = redis.duplicate();
      await reader.connect();
      const rawSent = new Map<string, number>();
      const rawLat: number[] = [];
      let cursor = '$';
      let reading = true;
      const loop = (async () => {
        while (reading) {
          const reply = (await reader.xRead({ key: rawKey, id: cursor }, { BLOCK: 200, COUNT: 1000 })) as
            { messages: { id: string; message: Record<string, string> }[] }[] | null;
          const now = performance.now();
          for (const m of reply?.[0]?.messages ?? []) {
            const t = rawSent.get(m.message.k!);
            if (t !== undefined) rawLat.push(now - t);
            cursor = m.id;
          }
        }
      })();
      await sleep(50);
      const payload = JSON.stringify({ type: 'node_started', workflowId: 'bench', pad: 'x'.repeat(200) });
      await paced(rate, seconds, (i) => {
        const k = String(i);
        rawSent.set(k, performance.now());
        void redis.xAdd(rawKey, '*', { k, e: payload }, { TRIM: { strategy: 'MAXLEN', strategyModifier: '~', threshold: 100_000 } });
      });
      for (let i = 0; i < 100 && rawLat.length < rawSent.size; i++) await sleep(50);
      reading = false;
      await loop;
      reader.destroy();
      await redis.del(rawKey);

      const p50 = percentile(lat, 50);
      const p99 = percentile(lat, 99);
      const r50 = percentile(rawLat, 50);
      const r99 = percentile(rawLat, 99);
      sections.push({
        title: `Event latency at ${rate} events/s (publish → socket.io-client)`,
        figures: {
          events_sent: sentAt.size,
          events_received: lat.length,
          p50_ms: round(p50),
          p99_ms: round(p99),
          raw_redis_p50_ms: round(r50),
          raw_redis_p99_ms: round(r99),
          ratio_p50_vs_raw: round(p50 / r50, 2),
          ratio_p99_vs_raw: round(p99 / r99, 2),
        },
        notes: ['Gateway path: XADD (zod-validated) → XREAD BLOCK tail → Socket.IO room emit → websocket client, all on loopback.'],
      });
    }

    // Workflow start-to-complete: networkCheck vs noop, same server and worker.
    const connection = await Connection.connect({ address: stack.env.TEMPORAL_ADDRESS! });
    const client = new Client({ connection });
    const time = async (type: string, n: number) => {
      const out: number[] = [];
      for (let i = 0; i < n; i++) {
        const t = performance.now();
        await client.workflow.execute(type, {
          taskQueue: stack.names.taskQueue,
          workflowId: `bench-${type}-${Date.now()}-${i}`,
          args: type === 'noop' ? [] : [{}],
        });
        out.push(performance.now() - t);
      }
      return out;
    };
    await time('noop', 3); // warm-up
    await time('networkCheck', 3);
    const noop = await time('noop', 30);
    const check = await time('networkCheck', 30);
    await connection.close();
    sections.push({
      title: 'Workflow start-to-complete (client.execute, same server and worker)',
      figures: {
        runs_each: 30,
        noop_p50_ms: round(percentile(noop, 50)),
        noop_p99_ms: round(percentile(noop, 99)),
        networkCheck_p50_ms: round(percentile(check, 50)),
        networkCheck_p99_ms: round(percentile(check, 99)),
        ratio_p50_vs_noop: round(percentile(check, 50) / percentile(noop, 50), 2),
      },
      notes: ['networkCheck = 2 activities (light.latest_header, net.stats against the devnet) + 6 events; noop = no activity, 2 events.'],
    });
    redis.destroy();
    return sections;
  } finally {
    await stack.stop();
  }
}
