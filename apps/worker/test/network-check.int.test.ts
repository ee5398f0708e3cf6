/**
 * Workflows against the real Temporal dev server (the pinned CLI binary), the real devnet process
 * and real Redis, wired exactly as main.ts wires them (createWorker).
 */
import { randomUUID } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode, DefaultLogger, Runtime, Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { WorkflowFailedError } from '@temporalio/client';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import { createChainClient } from '@blockops/chain';
import { connectRedis, readRange, type RedisClient } from '@blockops/events';
import { DEV_SERVER_ARGS, resolveTemporalCli, startStack, type Stack } from '@blockops/stack';
import { workflowInterceptorModules, workflowsPath } from '@blockops/workflows/public';
import { harness } from './support/worker-harness';

const root = path.resolve(__dirname, '../../..');
// Replay never calls sinks (callDuringReplay: false), but the workflow references them.
const noopSinks = { events: { emit: { fn: () => {}, callDuringReplay: false } } };
let env: TestWorkflowEnvironment;
let devnet: Stack;
let redis: RedisClient;
let bundle: WorkflowBundleWithSourceMap;
const stream = `test:${randomUUID().slice(0, 8)}:events`;

beforeAll(async () => {
  Runtime.install({ logger: new DefaultLogger('WARN') });
  // Redis first: bundling the workflow code blocks the event loop long enough to time out a connect
  redis = await connectRedis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
  [env, devnet, bundle] = await Promise.all([
    TestWorkflowEnvironment.createLocal({
      server: { executable: { type: 'existing-path', path: resolveTemporalCli(root) }, extraArgs: DEV_SERVER_ARGS },
    }),
    startStack({
      root,
      dataDir: path.join(os.tmpdir(), `blockops-devnet-${randomUUID()}`),
      services: ['devnet'],
      ports: { devnet: 0 },
      output: 'files',
      devnetArgs: ['--block-interval-ms', '100'],
    }),
    bundleWorkflowCode({ workflowsPath, workflowInterceptorModules, logger: new DefaultLogger('WARN') }),
  ]);
}, 120_000);

afterAll(async () => {
  await redis?.del(stream);
  redis?.destroy();
  await devnet?.stop();
  await env?.teardown();
});

function withWorker<T>(fn: (taskQueue: string) => Promise<T>, chainUrl = devnet.urls.devnet!): Promise<T> {
  return harness({ connection: env.nativeConnection, namespace: env.namespace ?? 'default', redis, chainUrl, stream, bundle }).withWorker(
    fn,
  );
}

test('networkCheck reads the devnet and emits its events in order through sinks and the interceptor', async () => {
  const workflowId = `network-check-${randomUUID()}`;
  const result = await withWorker((taskQueue) =>
    env.client.workflow.execute('networkCheck', {
      taskQueue,
      workflowId,
      args: [{ minPeers: 1 }],
      memo: { correlationId: 'corr-123' },
    }),
  );
  const head = await createChainClient({ url: devnet.urls.devnet! }).light.latestHeader();
  expect(result).toMatchObject({ healthy: expect.any(Boolean), networkStrength: expect.any(Number) });
  expect((result as { height: number }).height).toBeGreaterThan(0);
  expect((result as { height: number }).height).toBeLessThanOrEqual(head.height);

  const { events } = await readRange(redis, stream, '0-0', '+', 10_000);
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
  const history = await env.client.workflow.getHandle(workflowId).fetchHistory();
  if (process.env.UPDATE_FIXTURES) {
    // Temporal's canonical JSON (the same format `temporal workflow show --output json` writes)
    writeFileSync(path.join(root, 'workflows/test/fixtures/network-check.history.json'), historyToJSON(history));
  }
  // and it replays deterministically against the current code right now, too
  await Worker.runReplayHistory({ workflowBundle: bundle, sinks: noopSinks }, history, workflowId);
});

test('an unreachable node fails the activity as transient, retried by policy, then the run fails', async () => {
  const workflowId = `network-check-${randomUUID()}`;
  await expect(
    withWorker(
      (taskQueue) => env.client.workflow.execute('networkCheck', { taskQueue, workflowId, args: [{}] }),
      'http://127.0.0.1:1', // nothing listens: connection refused
    ),
  ).rejects.toBeInstanceOf(WorkflowFailedError);
  const { events } = await readRange(redis, stream, '0-0', '+', 10_000);
  const failed = events.filter((e) => e.workflowId === workflowId && e.type === 'node_failed');
  expect(failed).toHaveLength(5); // maximumAttempts
  expect(failed.map((e) => (e as { attempt: number }).attempt)).toEqual([1, 2, 3, 4, 5]);
  expect(failed.every((e) => (e as { retryable: boolean }).retryable)).toBe(true);
  expect(failed[0]).toMatchObject({ error: expect.stringContaining('TransientError') });
  expect(events.filter((e) => e.workflowId === workflowId).at(-1)?.type).toBe('execution_failed');
});

test('noop: the baseline workflow emits start and completion only', async () => {
  const workflowId = `noop-${randomUUID()}`;
  expect(await withWorker((taskQueue) => env.client.workflow.execute('noop', { taskQueue, workflowId }))).toBe('ok');
  const { events } = await readRange(redis, stream, '0-0', '+', 10_000);
  expect(events.filter((e) => e.workflowId === workflowId).map((e) => e.type)).toEqual(['execution_started', 'execution_completed']);
});
