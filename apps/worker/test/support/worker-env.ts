/**
 * The servers a worker integration test file runs against, started once per file: the pinned
 * Temporal dev server (blockops' search attributes and dynamic config), a devnet process on a free
 * port, Redis, and the workflow bundle. `useWorkerTestEnv` registers the file's beforeAll/afterAll;
 * read the fields inside tests (they are set before the first test runs).
 */
import { randomUUID } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode, DefaultLogger, Runtime, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import type { Client } from '@temporalio/client';
import { connectRedis, type RedisClient } from '@blockops/events';
import { DEV_SERVER_ARGS, resolveTemporalCli, startStack, type Stack } from '@blockops/stack';
import { workflowInterceptorModules, workflowsPath } from '@blockops/workflows/public';
import { harness, type HarnessOptions } from './worker-harness';

const root = path.resolve(__dirname, '../../../..');

export interface WorkerTestEnv {
  env: TestWorkflowEnvironment;
  devnet: Stack;
  redis: RedisClient;
  bundle: WorkflowBundleWithSourceMap;
  client: Client;
  /** this file's event stream (deleted after it) */
  stream: string;
  /** key prefixes this file wrote under (deleted after it) */
  prefixes: string[];
  /** A worker harness on these servers (its keys deleted after the file); `extra` overrides. */
  harness(extra?: Partial<HarnessOptions>): ReturnType<typeof harness>;
}

export interface WorkerTestEnvOptions {
  /** the devnet's arguments (startStack funds our account and makes it a provider) */
  devnetArgs?: string[];
  /** another workflows module to bundle (default: blockops' workflows with their interceptors) */
  workflows?: string;
}

export function useWorkerTestEnv(opts: WorkerTestEnvOptions = {}): WorkerTestEnv {
  const t = { stream: `test:${randomUUID().slice(0, 8)}:events`, prefixes: [] as string[] } as unknown as WorkerTestEnv;
  t.harness = (extra = {}) => {
    const h = harness({
      connection: t.env.nativeConnection,
      namespace: t.env.namespace ?? 'default',
      redis: t.redis,
      chainUrl: t.devnet.urls.devnet!,
      stream: t.stream,
      bundle: t.bundle,
      ...extra,
    });
    t.prefixes.push(h.prefix);
    return h;
  };
  beforeAll(async () => {
    Runtime.install({ logger: new DefaultLogger('ERROR') });
    // Redis first: bundling the workflow code blocks the event loop long enough to time out a connect
    t.redis = await connectRedis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
    [t.env, t.devnet, t.bundle] = await Promise.all([
      TestWorkflowEnvironment.createLocal({
        server: { executable: { type: 'existing-path', path: resolveTemporalCli(root) }, extraArgs: DEV_SERVER_ARGS },
      }),
      startStack({
        root,
        dataDir: path.join(os.tmpdir(), `blockops-devnet-${randomUUID()}`),
        services: ['devnet'],
        ports: { devnet: 0 },
        output: 'files',
        devnetArgs: opts.devnetArgs,
      }),
      opts.workflows
        ? bundleWorkflowCode({ workflowsPath: opts.workflows, logger: new DefaultLogger('WARN') })
        : bundleWorkflowCode({ workflowsPath, workflowInterceptorModules, logger: new DefaultLogger('WARN') }),
    ]);
    t.client = t.env.client;
  }, 120_000);

  afterAll(async () => {
    if (t.redis) {
      for (const p of t.prefixes) {
        for await (const keys of t.redis.scanIterator({ MATCH: `${p}*`, COUNT: 1000 })) if (keys.length) await t.redis.del(keys);
      }
      await t.redis.del(t.stream);
      t.redis.destroy();
    }
    await t.devnet?.stop();
    await t.env?.teardown();
  });
  return t;
}
