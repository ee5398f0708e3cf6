/**
 * Workflows against the real Temporal dev server (the pinned CLI binary), the real devnet process
 * and real Redis, wired exactly as main.ts wires them (createWorker).
 */
import { randomUUID } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { Worker } from '@temporalio/worker';
import { WorkflowFailedError } from '@temporalio/client';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import { createChainClient } from '@blockops/chain';
import { readRange } from '@blockops/events';
import { useWorkerTestEnv } from './support/worker-env';
import { harness } from './support/worker-harness';

const root = path.resolve(__dirname, '../../..');
// Replay never calls sinks (callDuringReplay: false), but the workflow references them.
const noopSinks = { events: { emit: { fn: () => {}, callDuringReplay: false } } };
const servers = useWorkerTestEnv({ devnetArgs: ['--block-interval-ms', '100'] });

function withWorker<T>(fn: (taskQueue: string) => Promise<T>, chainUrl = servers.devnet.urls.devnet!): Promise<T> {
  return harness({
    connection: servers.env.nativeConnection,
    namespace: servers.env.namespace ?? 'default',
    redis: servers.redis,
    chainUrl,
    stream: servers.stream,
    bundle: servers.bundle,
  }).withWorker(fn);
}

test('networkCheck reads the servers.devnet and emits its events in order through sinks and the interceptor', async () => {
  const workflowId = `network-check-${randomUUID()}`;
  const result = await withWorker((taskQueue) =>
    servers.env.client.workflow.execute('networkCheck', {
      taskQueue,
      workflowId,
      args: [{ minPeers: 1 }],
      memo: { correlationId: 'corr-123' },
    }),
  );
  const head = await createChainClient({ url: servers.devnet.urls.devnet! }).light.latestHeader();
  expect(result).toMatchObject({ healthy: expect.any(Boolean), networkStrength: expect.any(Number) });
  expect((result as { height: number }).height).toBeGreaterThan(0);
  expect((result as { height: number }).height).toBeLessThanOrEqual(head.height);

  const { events } = await readRange(servers.redis, servers.stream, '0-0', '+', 10_000);
  const mine = events.filter((e) => e.workflowId === workflowId);
  expect(mine.map((e) => e.type)).toEqual([
    'execution_started',
    'node_started',
    'node_completed',
    'node_started',
    'node_completed',
    'execution_completed',
  ]);
  expect(new Set(mine.map((e) => e.correlationId))).toEqual(new Set(['corr-123']));
  expect(new Set(mine.map((e) => e.workflowType))).toEqual(new Set(['networkCheck']));

  // Save the history: the replay test (workflows/test/replay.test.ts) replays this file.
  const history = await servers.env.client.workflow.getHandle(workflowId).fetchHistory();
  if (process.env.UPDATE_FIXTURES) {
    // Temporal's canonical JSON (the same format `temporal workflow show --output json` writes)
    writeFileSync(path.join(root, 'workflows/test/fixtures/network-check.history.json'), historyToJSON(history));
  }
  // and it replays deterministically against the current code right now, too
  await Worker.runReplayHistory({ workflowBundle: servers.bundle, sinks: noopSinks }, history, workflowId);
});

test('an unreachable node fails the activity as transient, retried by policy, then the run fails', async () => {
  const workflowId = `network-check-${randomUUID()}`;
  await expect(
    withWorker(
      (taskQueue) => servers.env.client.workflow.execute('networkCheck', { taskQueue, workflowId, args: [{}] }),
      'http://127.0.0.1:1', // nothing listens: connection refused
    ),
  ).rejects.toBeInstanceOf(WorkflowFailedError);
  const { events } = await readRange(servers.redis, servers.stream, '0-0', '+', 10_000);
  const failed = events.filter((e) => e.workflowId === workflowId && e.type === 'node_failed');
  expect(failed).toHaveLength(5); // maximumAttempts
  expect(failed.map((e) => (e as { attempt: number }).attempt)).toEqual([1, 2, 3, 4, 5]);
  expect(failed.every((e) => (e as { retryable: boolean }).retryable)).toBe(true);
  expect(failed[0]).toMatchObject({ error: expect.stringContaining('TransientError') });
  expect(events.filter((e) => e.workflowId === workflowId).at(-1)?.type).toBe('execution_failed');
});

test('noop: the baseline workflow emits start and completion only', async () => {
  const workflowId = `noop-${randomUUID()}`;
  expect(await withWorker((taskQueue) => servers.env.client.workflow.execute('noop', { taskQueue, workflowId }))).toBe('ok');
  const { events } = await readRange(servers.redis, servers.stream, '0-0', '+', 10_000);
  expect(events.filter((e) => e.workflowId === workflowId).map((e) => e.type)).toEqual(['execution_started', 'execution_completed']);
});
