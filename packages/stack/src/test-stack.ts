import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startStack, type ServiceName, type Stack, type StackOptions } from './stack';

/** Test stacks run Prometheus and Alertmanager only when a test asks for them. */
const DEFAULT_SERVICES: ServiceName[] = ['redis', 'temporal', 'devnet', 'worker', 'web'];

/**
 * A whole stack for one test file: free ports, a throwaway data dir, logs in files, and its own
 * event stream, audit stream and task queue names, so test files never see each other's events.
 */
export async function startTestStack(
  opts: {
    services?: ServiceName[];
    env?: Record<string, string | undefined>;
    devnetArgs?: string[];
    monitoring?: StackOptions['monitoring'];
  } = {},
): Promise<
  Stack & {
    dataDir: string;
    names: { events: string; audit: string; taskQueue: string; accounts: string; alerts: string; emergency: string; breakers: string };
  }
> {
  const root = path.resolve(__dirname, '../../..');
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'blockops-test-'));
  const id = randomUUID().slice(0, 8);
  const names = {
    events: `test:${id}:events`,
    audit: `test:${id}:audit`,
    taskQueue: `test-${id}`,
    accounts: `test:${id}:acct`,
    alerts: `test:${id}:alerts`,
    emergency: `test:${id}:emergency`,
    // under the accounts prefix, so a test's cleanup of `${names.accounts}*` removes the breakers too
    breakers: `test:${id}:acct:breaker`,
  };
  const stack = await startStack({
    root,
    dataDir,
    services: opts.services ?? DEFAULT_SERVICES,
    ports: { temporal: 0, temporalUi: 0, temporalMetrics: 0, devnet: 0, web: 0, workerMetrics: 0, prometheus: 0, alertmanager: 0 },
    monitoring: opts.monitoring,
    output: 'files',
    env: {
      EVENTS_STREAM: names.events,
      AUDIT_STREAM: names.audit,
      TEMPORAL_TASK_QUEUE: names.taskQueue,
      ACCOUNTS_PREFIX: names.accounts,
      ALERTS_PREFIX: names.alerts,
      EMERGENCY_PREFIX: names.emergency,
      BREAKER_PREFIX: names.breakers,
      LOG_LEVEL: 'warn',
      ...opts.env,
    },
    devnetArgs: opts.devnetArgs ?? ['--block-interval-ms', '200'],
  });
  return {
    ...stack,
    env: {
      ...stack.env,
      EVENTS_STREAM: names.events,
      AUDIT_STREAM: names.audit,
      TEMPORAL_TASK_QUEUE: names.taskQueue,
      ACCOUNTS_PREFIX: names.accounts,
      ALERTS_PREFIX: names.alerts,
      EMERGENCY_PREFIX: names.emergency,
      BREAKER_PREFIX: names.breakers,
    },
    dataDir,
    names,
  };
}
