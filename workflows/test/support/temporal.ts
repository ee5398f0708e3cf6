/**
 * The real workflow code on the Temporal dev server (the pinned CLI binary), with stub activities:
 * workflow logic tested in seconds, without the devnet or Redis.
 */
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import {
  bundleWorkflowCode,
  DefaultLogger,
  Runtime,
  Worker,
  type InjectedSinks,
  type WorkflowBundleWithSourceMap,
} from '@temporalio/worker';
import { DEV_SERVER_DYNAMIC_CONFIG, resolveTemporalCli } from '@blockops/stack';
import { workflowEmitDeduper } from '@blockops/events';
import { workflowInterceptorModules, workflowsPath, type EventSinks, type WorkflowEvent } from '../../src/public';

const root = path.resolve(__dirname, '../../..');

/** A workflow event as the sink received it, with the run it came from. */
export type RecordedEvent = WorkflowEvent & { workflowId: string; runId: string };

export interface WorkflowTestEnv {
  env: TestWorkflowEnvironment;
  /**
   * Runs `fn` while a worker polls a fresh task queue with the real workflow bundle (interceptors
   * included) and `activities`; workflow events emitted through the sink land in `events`.
   */
  withWorker<T>(activities: object, fn: (taskQueue: string) => Promise<T>): Promise<T>;
  events: RecordedEvent[];
  teardown(): Promise<void>;
}

export async function startWorkflowTestEnv(): Promise<WorkflowTestEnv> {
  Runtime.install({ logger: new DefaultLogger('ERROR') });
  const [env, bundle]: [TestWorkflowEnvironment, WorkflowBundleWithSourceMap] = await Promise.all([
    TestWorkflowEnvironment.createLocal({
      server: { executable: { type: 'existing-path', path: resolveTemporalCli(root) }, extraArgs: DEV_SERVER_DYNAMIC_CONFIG },
    }),
    bundleWorkflowCode({ workflowsPath, workflowInterceptorModules, logger: new DefaultLogger('WARN') }),
  ]);
  const events: RecordedEvent[] = [];
  return {
    env,
    events,
    async withWorker(activities, fn) {
      const taskQueue = `wf-test-${randomUUID()}`;
      const fresh = workflowEmitDeduper(); // as the worker's sink does
      const worker = await Worker.create({
        connection: env.nativeConnection,
        namespace: env.namespace ?? 'default',
        taskQueue,
        workflowBundle: bundle,
        activities,
        sinks: {
          events: {
            emit: {
              fn(info, event, seq) {
                if (fresh(info.runId, seq)) events.push({ ...event, workflowId: info.workflowId, runId: info.runId });
              },
              callDuringReplay: false,
            },
          },
        } satisfies InjectedSinks<EventSinks>,
      });
      return worker.runUntil(fn(taskQueue));
    },
    teardown: () => env.teardown(),
  };
}
