/**
 * Issue 12 figure: halt propagation under load. A 10,000-item disbursement batch runs at full
 * executor speed through the real web, worker, Temporal, Redis and devnet; it is halted and resumed
 * several times while it executes:
 * - from `POST /api/emergency/halt` to its acknowledgement (p50/p99), beside the same halt on an
 *   idle system (the baseline: the controller's Update round trip with nothing else running);
 * - from the acknowledgement on: submission intents recorded after it (the permit refuses every
 *   round that asks after the acknowledgement, so this must be 0), and the JSON-RPC submit requests
 *   that still reached the node after it (rounds permitted before the acknowledgement, in flight).
 * Every item is then paid exactly once (counted at the devnet).
 */
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import { createChainClient } from '@blockops/chain';
import { connectRedis } from '@blockops/events';
import { createEmergencyStore } from '@blockops/emergency';
import { startTestStack } from '@blockops/stack';
import { chainBatch } from '../apps/worker/test/support/batches';
import type { BenchSection } from './run';
import { median, percentile, round } from './stats';

const HALTS = Number(process.env.BENCH_HALTS ?? 8);

export async function run(): Promise<BenchSection[]> {
  const tag = Date.now().toString(36);
  const emergencyPrefix = `bench:emergency:${tag}`;
  const stack = await startTestStack({
    env: {
      RECEIPT_POLLER_AUTOSTART: 'false',
      EMERGENCY_PREFIX: emergencyPrefix,
      TREASURY_PREFIX: `bench:treasury-halt:${tag}`,
      TREASURY_EXECUTORS: '2048',
      TREASURY_CHUNK_SIZE: '250',
      TREASURY_MAX_IN_FLIGHT_CHUNKS: '8',
    },
    devnetArgs: ['--block-interval-ms', '3600000', '--seed', '41', '--treasury-balance', '1000000000'],
  });
  const redis = await connectRedis(stack.env.REDIS_URL!);
  try {
    const web = stack.urls.web!;
    const chain = createChainClient({ url: stack.env.THEBLOCK_RPC_URL!, timeoutMs: 30_000 });
    const emergency = createEmergencyStore({ redis, prefix: emergencyPrefix });
    const call = async (method: string, path: string, body?: unknown) => {
      const res = await fetch(`${web}${path}`, {
        method,
        headers: { 'content-type': 'application/json', 'x-actor': 'bench' },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const json = (await res.json()) as Record<string, unknown>;
      if (!res.ok) throw new Error(`${method} ${path} → ${res.status}: ${JSON.stringify(json)}`);
      return json;
    };
    const transition = async (action: 'halt' | 'resume', reason: string) => {
      const t0 = performance.now();
      await call('POST', `/api/emergency/${action}`, { reason });
      return { ms: performance.now() - t0, ackAt: Date.now() };
    };
    const submitCalls = async () => {
      const text = await (await fetch(`${stack.env.THEBLOCK_RPC_URL}/metrics`)).text();
      let n = 0;
      for (const m of text.matchAll(/^theblock_devnet_rpc_calls_total\{([^}]*)\} (\d+)$/gm))
        if (m[1]!.includes('method="treasury.submit_disbursement"')) n += Number(m[2]);
      return n;
    };
    const paid = async () => (await chain.dev.treasuryPayments({ limit: 1 })).total;
    const settle = () => new Promise((r) => setTimeout(r, 1500)); // rounds permitted before the ack land

    // baseline: halt + resume with nothing running (warms the controller and the web route too)
    const idle: number[] = [];
    for (let i = 0; i < HALTS + 2; i++) {
      const h = await transition('halt', `bench idle ${i}`);
      if (i >= 2) idle.push(h.ms);
      await transition('resume', `bench idle ${i}`);
    }

    const items = chainBatch({ tag: `halt${tag}`, chains: 1000, depth: 10, fanIn: true });
    const accepted = await call('POST', '/api/disbursements', { batchId: `halt-${tag}`, items });
    const batchId = accepted.batchId as string;

    const loaded: number[] = [];
    const intentsAfter: number[] = [];
    const requestsAfter: number[] = [];
    const paymentsAfter: number[] = [];
    let heldAtHalt = 0;
    for (let i = 0; i < HALTS; i++) {
      // let it run at full speed for a while
      const from = await paid();
      const target = Math.min(10_000, from + 400);
      for (let p = from; p < target && p < 10_000; p = await paid()) await new Promise((r) => setTimeout(r, 20));
      if ((await paid()) >= 10_000) break;
      const h = await transition('halt', `bench halt ${i}`);
      const [calls0, paid0] = await Promise.all([submitCalls(), paid()]);
      await settle();
      const [calls1, paid1, intents] = await Promise.all([submitCalls(), paid(), emergency.intentsSince(h.ackAt + 1)]);
      loaded.push(h.ms);
      intentsAfter.push(intents.length);
      requestsAfter.push(calls1 - calls0);
      paymentsAfter.push(paid1 - paid0);
      // nothing more while halted
      await settle();
      if ((await submitCalls()) !== calls1) throw new Error('a submission reached the node while halted');
      heldAtHalt = Math.max(heldAtHalt, 10_000 - paid1);
      await transition('resume', `bench resume ${i}`);
    }

    // the batch finishes exactly once
    for (;;) {
      const b = await call('GET', `/api/disbursements/batches/${batchId}`);
      if (b.status === 'COMPLETED') break;
      await new Promise((r) => setTimeout(r, 200));
    }
    const payments = await chain.dev.treasuryPayments({ disbursement_ids: items.map((i) => i.id), limit: 10_000 });
    const distinct = new Set(payments.payments.map((p) => p.disbursement_id)).size;
    if (payments.payments.length !== 10_000 || distinct !== 10_000)
      throw new Error(`expected 10,000 payments once each, got ${payments.payments.length} (${distinct} distinct)`);

    return [
      {
        title: 'Halt propagation under load: POST /api/emergency/halt during a 10,000-item batch, vs the same halt on an idle system',
        figures: {
          halts_during_batch: loaded.length,
          ack_p50_ms: round(median(loaded), 1),
          ack_p99_ms: round(percentile(loaded, 99), 1),
          ack_max_ms: round(Math.max(...loaded), 1),
          idle_ack_p50_ms: round(median(idle), 1),
          idle_ack_p99_ms: round(percentile(idle, 99), 1),
          ratio_ack_p50_vs_idle: round(median(loaded) / median(idle), 2),
          submissions_started_after_ack_total: intentsAfter.reduce((a, b) => a + b, 0),
          requests_in_flight_at_ack_max: Math.max(...requestsAfter),
          requests_in_flight_at_ack_median: median(requestsAfter),
          payments_landing_after_ack_max: Math.max(...paymentsAfter),
          items_paid_exactly_once: distinct,
          goal_ack_ms: 1000,
          machine_load_avg_1m: round(os.loadavg()[0]!, 1),
        },
        notes: [
          `${loaded.length} halts, each after ≥ 400 more payments at full speed (chunks of 250, 8 in flight, 2,048 executors); resumed after each.`,
          'ack = the HTTP answer to POST /api/emergency/halt, which the controller gives only once HALT is in Redis where every submit permit reads it.',
          'submissions started after ack = submission intents the permit recorded after the acknowledgement (the permit reads the state and records the intent in one Lua script): 0 means no round started after it.',
          'in flight at ack = JSON-RPC submit requests that reached the devnet after the acknowledgement: rounds permitted before it, already on their way (counted from the devnet’s /metrics). Payments landing after ack are their items.',
          'Every item was then paid exactly once (dev.treasury_payments, 10,000 distinct payments).',
        ],
      },
    ];
  } finally {
    for await (const keys of redis.scanIterator({ MATCH: `bench:*${tag}*`, COUNT: 1000 })) if (keys.length) await redis.del(keys);
    redis.destroy();
    await stack.stop();
  }
}
