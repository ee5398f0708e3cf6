/**
 * Temporal Web inspection against the real dev server: runs are found by blockops' search
 * attributes through the client's list() and the Temporal CLI operators use, and an idle receipt
 * poller polls inside one activity instead of writing history for every poll.
 */
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { promisify } from 'node:util';
import { WithStartWorkflowOperation } from '@temporalio/client';
import { defaultPayloadConverter, type Workflow } from '@temporalio/common';
import { resolveTemporalCli } from '@blockops/stack';
import type { PollResult, SubmitAnswer } from '@blockops/workflows/public';
import { useWorkerTestEnv } from './support/worker-env';

const root = path.resolve(__dirname, '../../..');
const ACCOUNT = '0xblockops';
const servers = useWorkerTestEnv({ devnetArgs: ['--block-interval-ms', '3600000', '--seed', '9'] });

function setup() {
  return servers.harness({ account: ACCOUNT });
}
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
async function until(what: string, check: () => Promise<boolean>, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

async function listIds(query: string): Promise<string[]> {
  const ids: string[] = [];
  for await (const wf of servers.client.workflow.list({ query })) ids.push(wf.workflowId);
  return ids.sort();
}

test('every EXPIRED compute operation is found by its search attributes, with list() and `temporal workflow list -q`', async () => {
  const h = setup();
  const correlationId = `corr-${randomUUID()}`;
  const submit = (taskQueue: string, input: Record<string, unknown>) => {
    const operationId = `insp${randomUUID().slice(0, 10)}`;
    const start = new WithStartWorkflowOperation('operation', {
      workflowId: `op-${operationId}`,
      taskQueue,
      args: [{ operationId, market: 'compute', estimatedCost: 5, units: 1, confirmTimeoutMs: 100, pollIntervalMs: 50, ...input }],
      workflowIdConflictPolicy: 'USE_EXISTING',
      workflowIdReusePolicy: 'ALLOW_DUPLICATE_FAILED_ONLY',
      // as the API starts them: the correlation id of the request (the workflow sets the search attribute from it)
      memo: { correlationId },
    });
    return servers.client.workflow
      .executeUpdateWithStart<Workflow, SubmitAnswer, []>('submit', { startWorkflowOperation: start })
      .then(async (answer) => {
        await servers.client.workflow
          .getHandle(`op-${operationId}`)
          .result()
          .catch(() => undefined);
        return { workflowId: `op-${operationId}`, answer };
      });
  };
  const runs = await h.withWorker(async (taskQueue) => ({
    computeExpired: await Promise.all([submit(taskQueue, {}), submit(taskQueue, {})]),
    storageExpired: await submit(taskQueue, { market: 'storage' }),
    computeRejected: await submit(taskQueue, { estimatedCost: 9_000_000 }), // 402
  }));
  expect(runs.computeRejected.answer.code).toBe(402);
  const expiredCompute = runs.computeExpired.map((r) => r.workflowId).sort();

  // the operator's query, exactly as in the README (plus this test's correlation id, since the server is shared)
  const query = `BlockopsMarket='compute' AND BlockopsStatus='EXPIRED' AND BlockopsCorrelationId='${correlationId}'`;
  await until('visibility to index the runs', async () => (await listIds(query)).length === 2);
  expect(await listIds(query)).toEqual(expiredCompute);
  const issueQuery = `BlockopsMarket='compute' AND BlockopsStatus='EXPIRED'`;
  expect(await listIds(issueQuery)).toEqual(expect.arrayContaining(expiredCompute));
  expect(await listIds(issueQuery)).not.toContain(runs.storageExpired.workflowId);
  // what Temporal's own status cannot say: the rejection failed, the expiries completed
  expect(await listIds(`BlockopsStatus='REJECTED' AND BlockopsCorrelationId='${correlationId}'`)).toEqual([
    runs.computeRejected.workflowId,
  ]);
  expect(await listIds(`ExecutionStatus='Completed' AND BlockopsCorrelationId='${correlationId}'`)).toHaveLength(3);

  // the same query through the Temporal CLI an operator runs
  const { stdout } = await promisify(execFile)(resolveTemporalCli(root), [
    'workflow',
    'list',
    '--address',
    servers.env.address,
    '--namespace',
    servers.env.namespace ?? 'default',
    '--query',
    query,
    '--output',
    'json',
  ]);
  const cli = (JSON.parse(stdout) as Array<{ execution: { workflowId: string } }>).map((w) => w.execution.workflowId).sort();
  expect(cli).toEqual(expiredCompute);

  // the description carries them typed, and the current details say the outcome
  const d = await servers.client.workflow.getHandle(expiredCompute[0]!).describe();
  expect(d.typedSearchAttributes.get({ name: 'BlockopsMarket', type: 'KEYWORD' } as never)).toBe('compute');
});

test('an idle poller polls inside one activity: a handful of history events per idle period, not a dozen per poll', async () => {
  const before = setup();
  const after = setup();
  // both catch up first, then idle on a chain where nothing happens
  await before.chain.dev.mine({ blocks: 5 });
  const window = 6000;
  const measured = await Promise.all(
    [
      { h: before, input: { idleMaxMs: 0 } }, // every poll an activity and a timer, as before
      { h: after, input: { idleMaxMs: 2000 } },
    ].map(({ h, input }) =>
      h.withWorker(async (taskQueue) => {
        const handle = await servers.client.workflow.start('receiptPoller', {
          taskQueue,
          workflowId: `receipt-poller-${randomUUID()}`,
          args: [{ pollIntervalMs: 100, batchSize: 1000, ...input }],
        });
        const head = (await h.chain.light.latestHeader()).height;
        await until('caught up', async () => (await h.store.checkpoint()) >= head);
        const atStart = (await handle.fetchHistory()).events?.length ?? 0;
        await sleep(window);
        const events = ((await handle.fetchHistory()).events ?? []).slice(atStart);
        await handle.terminate('test over');
        // head checks made by the polls completed in the window (each result says how many it made)
        const checks = events
          .flatMap((e) => (e.activityTaskCompletedEventAttributes ? [e.activityTaskCompletedEventAttributes.result?.payloads?.[0]] : []))
          .map((p) => (p ? ((defaultPayloadConverter.fromPayload(p as never) as PollResult).idleChecks ?? 1) : 1))
          .reduce((a, b) => a + b, 0);
        return { events: events.length, checks, perCheck: events.length / Math.max(1, checks) };
      }),
    ),
  );
  const [old, idle] = measured as unknown as Array<{ events: number; checks: number; perCheck: number }>;
  console.log(
    `idle poller history over ${window} ms: one activity per poll: ${old!.events} events for ${old!.checks} head checks ` +
      `(${old!.perCheck.toFixed(1)} per check); polling inside the activity: ${idle!.events} events for ${idle!.checks} head checks ` +
      `(${idle!.perCheck.toFixed(2)} per check)`,
  );
  expect(old!.perCheck).toBeGreaterThanOrEqual(9); // activity (3) + timer (2) + two workflow tasks (6) per poll
  expect(idle!.checks).toBeGreaterThan(2 * Math.max(1, idle!.events / 6)); // several head checks per activity
  expect(idle!.perCheck).toBeLessThan(old!.perCheck / 3);
});
