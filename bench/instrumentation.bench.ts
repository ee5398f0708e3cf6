/**
 * Issue 14 goal 3, the price of the live view: the same no-op workflow completed through our worker
 * (createWorker: workflow interceptors, event sinks, the activity interceptor, every event published
 * to Redis) and through a bare Worker with none of them, same Temporal dev server, same process,
 * same concurrency, alternating rounds. Goal: ours ≥ 0.8× the bare rate.
 */
import os from 'node:os';
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, Worker, bundleWorkflowCode, DefaultLogger, Runtime } from '@temporalio/worker';
import { connectRedis } from '@blockops/events';
import { startTestStack } from '@blockops/stack';
import { workflowInterceptorModules, workflowsPath } from '@blockops/workflows/public';
import { harness } from '../apps/worker/test/support/worker-harness';
import type { BenchSection } from './run';
import { median, round } from './stats';

const CONCURRENCY = 8;
const PER_ROUND = 200;
const ROUNDS = 5;

export async function run(): Promise<BenchSection[]> {
  Runtime.install({ logger: new DefaultLogger('ERROR') });
  const stack = await startTestStack({ services: ['temporal', 'redis', 'devnet'] });
  const redis = await connectRedis(stack.env.REDIS_URL!);
  const native = await NativeConnection.connect({ address: stack.env.TEMPORAL_ADDRESS! });
  const connection = await Connection.connect({ address: stack.env.TEMPORAL_ADDRESS! });
  const stream = `bench:instrumentation:${randomUUID().slice(0, 8)}:events`;
  try {
    const client = new Client({ connection });
    // ours: the bundle with our workflow interceptors; bare: the same workflows, no interceptors
    const [ourBundle, bareBundle] = await Promise.all([
      bundleWorkflowCode({ workflowsPath, workflowInterceptorModules, logger: new DefaultLogger('ERROR') }),
      bundleWorkflowCode({ workflowsPath, logger: new DefaultLogger('ERROR') }),
    ]);
    const h = harness({
      connection: native,
      namespace: 'default',
      redis,
      chainUrl: stack.env.THEBLOCK_RPC_URL!,
      stream,
      bundle: ourBundle,
    });
    const ourQueue = `bench-ours-${randomUUID().slice(0, 6)}`;
    const bareQueue = `bench-bare-${randomUUID().slice(0, 6)}`;
    const ours = await h.make(ourQueue);
    const bare = await Worker.create({ connection: native, namespace: 'default', taskQueue: bareQueue, workflowBundle: bareBundle });

    /** Completes `n` no-op workflows on `taskQueue`, `CONCURRENCY` at a time: completions per second. */
    const rate = async (taskQueue: string, n: number) => {
      let next = 0;
      const t0 = performance.now();
      await Promise.all(
        Array.from({ length: CONCURRENCY }, async () => {
          while (next < n) {
            next++;
            await client.workflow.execute('noop', { taskQueue, workflowId: `noop-${randomUUID()}`, args: [] });
          }
        }),
      );
      return n / ((performance.now() - t0) / 1000);
    };
    const both = Promise.all([ours.run(), bare.run()]);
    const oursRates: number[] = [];
    const bareRates: number[] = [];
    try {
      await rate(ourQueue, 30); // warm-up
      await rate(bareQueue, 30);
      for (let r = 0; r < ROUNDS; r++) {
        // alternate which goes first, so neither always meets a warmer server
        if (r % 2 === 0) {
          oursRates.push(await rate(ourQueue, PER_ROUND));
          bareRates.push(await rate(bareQueue, PER_ROUND));
        } else {
          bareRates.push(await rate(bareQueue, PER_ROUND));
          oursRates.push(await rate(ourQueue, PER_ROUND));
        }
      }
    } finally {
      ours.shutdown();
      bare.shutdown();
      await both;
    }
    const events = await redis.xLen(stream);
    const o = median(oursRates);
    const b = median(bareRates);
    return [
      {
        title: 'Instrumentation cost: a no-op workflow on our worker (interceptors, sinks, events) vs a bare worker, same server',
        figures: {
          concurrency: CONCURRENCY,
          workflows_per_round: PER_ROUND,
          rounds: ROUNDS,
          ours_completed_per_s: round(o, 1),
          bare_completed_per_s: round(b, 1),
          ratio_ours_vs_bare: round(o / b, 3),
          ours_min_per_s: round(Math.min(...oursRates), 1),
          bare_min_per_s: round(Math.min(...bareRates), 1),
          events_published: events,
          goal_ratio: 0.8,
          machine_load_avg_1m: round(os.loadavg()[0]!, 1),
        },
        notes: [
          'Ours: the worker as main.ts builds it (createWorker through the test harness): workflow interceptors in the bundle, event sinks, the activity interceptor, events XADDed to a Redis stream.',
          'Bare: Worker.create with the same workflows bundled without interceptors, no sinks, no activities.',
          `Medians of ${ROUNDS} alternating rounds of ${PER_ROUND} workflows, ${CONCURRENCY} at a time (client.workflow.execute), after a warm-up of 30 each.`,
        ],
      },
    ];
  } finally {
    await redis.del(stream);
    redis.destroy();
    await connection.close();
    await native.close();
    await stack.stop();
  }
}
