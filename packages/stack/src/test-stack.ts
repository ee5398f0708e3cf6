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
    names: {
      events: string;
      audit: string;
      taskQueue: string;
      accounts: string;
      alerts: string;
      emergency: string;
      treasury: string;
      breakers: string;
    };
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
    // the executor throttle, items and executor nonces are per stack: test files never share a throttle
    treasury: `test:${id}:treasury`,
    // under the accounts prefix, so a test's cleanup of `${names.accounts}*` removes the breakers too
    breakers: `test:${id}:acct:breaker`,
  };
  // every name a stack owns, as the env its processes read
  const namesEnv = {
    EVENTS_STREAM: names.events,
    AUDIT_STREAM: names.audit,
    TEMPORAL_TASK_QUEUE: names.taskQueue,
    ACCOUNTS_PREFIX: names.accounts,
    ALERTS_PREFIX: names.alerts,
    EMERGENCY_PREFIX: names.emergency,
    TREASURY_PREFIX: names.treasury,
    BREAKER_PREFIX: names.breakers,
  };
  const stack = await startStack({
    root,
    dataDir,
    services: opts.services ?? DEFAULT_SERVICES,
    ports: { temporal: 0, temporalUi: 0, temporalMetrics: 0, devnet: 0, web: 0, workerMetrics: 0, prometheus: 0, alertmanager: 0 },
    monitoring: opts.monitoring,
    output: 'files',
    env: { ...namesEnv, LOG_LEVEL: 'warn', ...opts.env },
    devnetArgs: opts.devnetArgs ?? ['--block-interval-ms', '200'],
  });
  return {
    ...stack,
    // the names as the processes got them (a test may give its own, e.g. TREASURY_PREFIX)
    env: {
      ...stack.env,
      ...Object.fromEntries(Object.entries(namesEnv).map(([k, v]) => [k, opts.env?.[k] ?? v])),
    },
    dataDir,
    names,
  };
}
