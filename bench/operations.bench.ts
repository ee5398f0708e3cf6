/**
 * Issue 4 and 14 figures, each beside a baseline from the same run (receipts/s: receipts.bench.ts):
 * - POST /api/operations latency beside POST /api/runs of a no-op workflow on the same Temporal
 *   server, and operations confirmed/s end to end (HTTP → workflow → devnet → receipt → poller →
 *   signal → CONFIRMED).
 */
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import { MARKETS } from '@blockops/domain';
import { startTestStack } from '@blockops/stack';
import { Client, Connection } from '@temporalio/client';
import { cpuMeter, redisServerPid } from './process-cpu';
import { prefixed, temporalWorkMeter } from './temporal-tasks';
import type { BenchSection } from './run';
import { percentile, round } from './stats';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function operationsEndToEnd(): Promise<BenchSection[]> {
  const stack = await startTestStack({
    env: { RECEIPT_POLL_INTERVAL_MS: '200', OPERATION_POLL_INTERVAL_MS: '2000', TB_STARTING_BALANCE: '100000000' },
    devnetArgs: ['--block-interval-ms', '100', '--confirm-blocks', '2', '--seed', '9'],
  });
  try {
    const web = stack.urls.web!;
    const post = async (path: string, body: unknown) => {
      const t = performance.now();
      const res = await fetch(`${web}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      const json = (await res.json()) as Record<string, unknown>;
      return { ms: performance.now() - t, status: res.status, json };
    };
    // warm-up
    for (let i = 0; i < 3; i++) {
      await post('/api/runs', { workflowType: 'noop' });
      await post('/api/operations', { market: 'compute', estimatedCost: '1' });
    }
    const connection = await Connection.connect({ address: stack.env.TEMPORAL_ADDRESS! });
    const metricsUrl = stack.urls.temporalMetrics!;
    const client = new Client({ connection });
    const N = 40;
    const noop: number[] = [];
    const noopRun: number[] = [];
    const ops: number[] = [];
    for (let i = 0; i < N; i++) {
      noop.push((await post('/api/runs', { workflowType: 'noop' })).ms);
      // a whole no-op run, start to result: what any answer that waits for a workflow task pays at least
      const n0 = performance.now();
      await client.workflow.execute('noop', { taskQueue: stack.names.taskQueue, workflowId: `bench-noop-run-${Date.now()}-${i}` });
      noopRun.push(performance.now() - n0);
      const r = await post('/api/operations', {
        market: MARKETS[i % MARKETS.length],
        estimatedCost: String(1 + (i % 5)),
      });
      if (r.status !== 202) throw new Error(`operation not accepted: ${r.status} ${JSON.stringify(r.json)}`);
      ops.push(r.ms);
    }

    // throughput at each concurrency: M operations submitted c at a time; confirmed/s from the first
    // submit to the last confirmation, beside no-op workflows run to completion c at a time
    const M = 160;
    let expected = 3 + N; // every operation of this run, warm-up included
    const throughput: BenchSection[] = [];
    // where the work goes: CPU of each process per operation (admission to CONFIRMED) and per no-op
    const redisPid = redisServerPid();
    const procs = [
      ...stack.processes.map((p) => ({ name: p.name, pid: p.child.pid! })),
      ...(redisPid ? [{ name: 'redis', pid: redisPid }] : []),
    ];
    const perItem = (used: Record<string, number>, prefix: string) =>
      Object.fromEntries(Object.entries(used).map(([name, ms]) => [`${prefix}_cpu_ms_${name}`, round(ms / M, 1)]));
    for (const concurrency of [8, 32]) {
      const opsCpu = cpuMeter(procs);
      const opsWork = await temporalWorkMeter(metricsUrl);
      const t0 = performance.now();
      let next = 0;
      await Promise.all(
        Array.from({ length: concurrency }, async () => {
          while (next < M) {
            const i = next++;
            const r = await post('/api/operations', { market: 'compute', estimatedCost: String(1 + (i % 3)) });
            if (r.status !== 202) throw new Error(`operation not accepted: ${r.status}`);
          }
        }),
      );
      const submittedS = (performance.now() - t0) / 1000;
      expected += M;
      let confirmed = 0;
      for (let i = 0; i < 1200 && confirmed < expected; i++) {
        confirmed = ((await (await fetch(`${web}/api/operations/confirmed?limit=1`)).json()) as { total: number }).total;
        if (confirmed < expected) await sleep(50);
      }
      const allS = (performance.now() - t0) / 1000;
      const opsUsed = opsCpu();
      const opWork = await opsWork(M);

      let nextNoop = 0;
      const noopCpu = cpuMeter(procs);
      const noopsWork = await temporalWorkMeter(metricsUrl);
      const n0 = performance.now();
      await Promise.all(
        Array.from({ length: concurrency }, async () => {
          while (nextNoop < M) {
            const i = nextNoop++;
            await client.workflow.execute('noop', {
              taskQueue: stack.names.taskQueue,
              workflowId: `bench-noop-${Date.now()}-${concurrency}-${i}`,
            });
          }
        }),
      );
      const noopPerS = M / ((performance.now() - n0) / 1000);
      const noopUsed = noopCpu();
      const noopWork = await noopsWork(M);
      const total = (used: Record<string, number>) => Object.values(used).reduce((a, b) => a + b, 0) / M;
      throughput.push({
        title: `Operations end to end: submitted → confirmed by receipt, concurrency ${concurrency}`,
        figures: {
          operations: M,
          concurrency,
          submitted_per_s: round(M / submittedS, 1),
          confirmed_of_all_submitted: `${confirmed} of ${expected}`,
          confirmed_per_s: round(M / allS, 1),
          noop_workflows_completed_per_s: round(noopPerS, 1),
          ratio_confirmed_vs_noop: round(M / allS / noopPerS, 2),
          goal_ratio: 0.5,
          ...perItem(opsUsed, 'op'),
          op_cpu_ms_total: round(total(opsUsed), 1),
          ...perItem(noopUsed, 'noop'),
          noop_cpu_ms_total: round(total(noopUsed), 1),
          cpu_ratio_op_vs_noop: round(total(opsUsed) / total(noopUsed), 2),
          // what the confirmed/s ÷ no-ops/s ratio can reach when both phases keep every core busy
          ratio_ceiling_from_cpu: round(total(noopUsed) / total(opsUsed), 2),
          ...prefixed(opWork, 'op'),
          ...prefixed(noopWork, 'noop'),
          machine_load_avg_1m: round(os.loadavg()[0]!, 1),
        },
        notes: [
          'Devnet blocks every 100 ms, receipts 2 blocks after submit; the poller polls every 200 ms when caught up.',
          "Temporal work per operation / per no-op (*_temporal_*): the dev server's own metrics (service_requests and persistence_requests of its history service) between two scrapes around each phase, divided by the count; an operation's include the receipt poller's share (its polls and signals). state_writes = mutable-state transactions (SQLite).",
          'Least work per operation: an Update-with-Start, two workflow tasks (admission with its four local activities; the confirmation signal with the local settle) and one signal, beside a start and one task per no-op. ratio_ceiling_from_cpu = no-op CPU ÷ operation CPU: what the ratio can reach when both phases keep the two cores busy (a phase that leaves CPU idle can beat it).',
          'Profile: *_cpu_ms_<process> is the CPU (user + system, /proc, the process and its children) that process spent per operation (admission to CONFIRMED, the receipt poller included) or per no-op, in the same run. With 2 cores busy, confirmed/s ÷ no-ops/s cannot exceed no-op CPU ÷ operation CPU (1 ÷ cpu_ratio_op_vs_noop): the Temporal dev server (Update-with-Start, search-attribute upserts, the signal) and the worker (two tasks, five local activities, events) carry most of it.',
          `Subject: ${M} POST /api/operations, ${concurrency} at a time, timed from the first submit until /api/operations/confirmed counts them all.`,
          `Baseline: client.workflow.execute(noop), ${concurrency} at a time, same Temporal dev server (SQLite) and worker, right after; everything shares 2 cores.`,
        ],
      });
    }
    await connection.close();
    return [
      {
        title: 'POST /api/operations (Update-with-Start: gate, reservation, submit) vs POST /api/runs noop, same server',
        figures: {
          requests_each: N,
          operations_p50_ms: round(percentile(ops, 50)),
          operations_p99_ms: round(percentile(ops, 99)),
          noop_start_p50_ms: round(percentile(noop, 50)),
          noop_start_p99_ms: round(percentile(noop, 99)),
          ratio_p50_vs_noop_start: round(percentile(ops, 50) / percentile(noop, 50), 2),
          noop_run_p50_ms: round(percentile(noopRun, 50)),
          ratio_p50_vs_noop_run: round(percentile(ops, 50) / percentile(noopRun, 50), 2),
          // no answer that waits for a workflow task can beat a whole no-op run: the goal is below this floor
          floor_ratio_noop_run_vs_noop_start: round(percentile(noopRun, 50) / percentile(noop, 50), 2),
          goal_ratio_vs_noop_start: 3,
        },
        notes: [
          'noop start (POST /api/runs) answers once the server has recorded the start, before any worker runs; an admission must also run a workflow task. noop run = client.workflow.execute of the same no-op (one workflow task, start to result), timed in the same loop: the floor of any answer that waits for a task.',
          'Sequential requests over loopback; the operation answer waits for admission: the emergency check, gate, reservation and the devnet submit, all local activities of the first workflow task (no server round trip between them).',
        ],
      },
      ...throughput,
    ];
  } finally {
    await stack.stop();
  }
}

export async function run(): Promise<BenchSection[]> {
  return operationsEndToEnd();
}
