/**
 * The emergency-controller workflow on the Temporal dev server with its real activities (Redis):
 * transitions written before they are acknowledged, validators refusing without touching history,
 * concurrent updates serialised, a risk breach halting once, continue-as-new carrying the state,
 * and a fresh controller starting from the latched state in Redis. Saves the replay fixture.
 */
import { randomUUID } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { Worker } from '@temporalio/worker';
import { WorkflowUpdateFailedError } from '@temporalio/client';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import { emergencyStatusQuery, riskBreachSignal, transitionUpdate } from '@blockops/workflows/public';
import { useWorkerTestEnv } from './support/worker-env';

const root = path.resolve(__dirname, '../../..');
const noopSinks = { events: { emit: { fn: () => {}, callDuringReplay: false } } };
const servers = useWorkerTestEnv();

function setup() {
  return servers.harness();
}

const start = (taskQueue: string, workflowId = `emergency-${randomUUID()}`, maxHistoryEvents?: number) =>
  servers.client.workflow.start('emergencyController', { workflowId, taskQueue, args: [maxHistoryEvents ? { maxHistoryEvents } : {}] });

const refusal = async (p: Promise<unknown>) => {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(WorkflowUpdateFailedError);
  return ((err as WorkflowUpdateFailedError).cause as Error).message;
};

test('each transition is in Redis when acknowledged; refused ones leave state and history untouched', async () => {
  const h = setup();
  await h.withWorker(async (taskQueue) => {
    const handle = await start(taskQueue);
    const t = await handle.executeUpdate(transitionUpdate, { args: [{ action: 'halt', reason: 'incident 42', actor: 'operator:ana' }] });
    expect(t).toMatchObject({ previous: 'NORMAL', state: 'HALT', action: 'halt', reason: 'incident 42', actor: 'operator:ana' });
    // acknowledged ⇒ already where every activity reads it
    expect(await h.emergency.status()).toMatchObject({ state: 'HALT', reason: 'incident 42', actor: 'operator:ana', since: t.since });
    expect(await h.emergency.permit(['op:x'])).toEqual({ ok: false, state: 'HALT', reason: 'incident 42' });

    const events = (await handle.fetchHistory()).events?.length ?? 0;
    expect(
      await refusal(handle.executeUpdate(transitionUpdate, { args: [{ action: 'halt', reason: 'again', actor: 'operator:ana' }] })),
    ).toBe('cannot halt from HALT: halt is allowed from NORMAL, ALERT');
    expect(
      await refusal(handle.executeUpdate(transitionUpdate, { args: [{ action: 'resume', reason: ' ', actor: 'operator:ana' }] })),
    ).toBe('reason is required to resume');
    // a validator's refusal is not written to the history
    expect((await handle.fetchHistory()).events?.length ?? 0).toBe(events);
    expect(await handle.query(emergencyStatusQuery)).toMatchObject({ state: 'HALT' });

    await handle.executeUpdate(transitionUpdate, { args: [{ action: 'resume', reason: 'fixed', actor: 'operator:ana' }] });
    expect(await h.emergency.permit(['op:y'])).toEqual({ ok: true });
    expect((await h.emergency.history(10)).map((x) => `${x.previous}>${x.state}`)).toEqual(['HALT>NORMAL', 'NORMAL>HALT']);

    await handle.terminate('test over');
    const history = await handle.fetchHistory();
    if (process.env.UPDATE_FIXTURES)
      writeFileSync(path.join(root, 'workflows/test/fixtures/emergency-controller.history.json'), historyToJSON(history));
    await Worker.runReplayHistory({ workflowBundle: servers.bundle, sinks: noopSinks }, history, handle.workflowId);
  });
});

test('concurrent transitions are serialised: exactly one of two HALTs wins', async () => {
  const h = setup();
  await h.withWorker(async (taskQueue) => {
    const handle = await start(taskQueue);
    const results = await Promise.allSettled(
      ['a', 'b'].map((who) =>
        handle.executeUpdate(transitionUpdate, { args: [{ action: 'halt', reason: `by ${who}`, actor: `operator:${who}` }] }),
      ),
    );
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    expect(results.filter((r) => r.status === 'rejected')).toHaveLength(1);
    expect(await h.emergency.history(10)).toHaveLength(1);
    await handle.terminate('test over');
  });
});

test('a risk breach halts with actor risk:<limit>; a second breach while halted changes nothing', async () => {
  const h = setup();
  await h.withWorker(async (taskQueue) => {
    const handle = await start(taskQueue);
    await handle.signal(riskBreachSignal, { limit: 'daily_loss', reason: 'risk limit daily_loss breached: 600 against a limit of 500' });
    await handle.signal(riskBreachSignal, {
      limit: 'max_drawdown',
      reason: 'risk limit max_drawdown breached: 2000 bps against a limit of 1500 bps',
    });
    // Wait on the workflow's own state, not Redis: the activity writes Redis before its completion
    // reaches the server, so a query in that gap still (rightly) answers NORMAL.
    let status = await handle.query(emergencyStatusQuery);
    for (let i = 0; i < 400 && status?.state !== 'HALT'; i++) {
      await new Promise((r) => setTimeout(r, 50));
      status = await handle.query(emergencyStatusQuery);
    }
    expect(status).toMatchObject({ state: 'HALT', actor: 'risk:daily_loss' });
    expect(await h.emergency.status()).toMatchObject({ state: 'HALT', actor: 'risk:daily_loss' });
    // the second breach was queued behind the first and refused there: the HALT is still the first one
    expect(await h.emergency.history(10)).toEqual([
      expect.objectContaining({
        previous: 'NORMAL',
        state: 'HALT',
        actor: 'risk:daily_loss',
        reason: 'risk limit daily_loss breached: 600 against a limit of 500',
      }),
    ]);
    await handle.terminate('test over');
  });
});

test('continue-as-new carries the latched state; a controller started afresh reads it from Redis', async () => {
  const h = setup();
  await h.withWorker(async (taskQueue) => {
    const workflowId = `emergency-${randomUUID()}`;
    const handle = await start(taskQueue, workflowId, 10);
    await handle.executeUpdate(transitionUpdate, { args: [{ action: 'alert', reason: 'one', actor: 'operator:ana' }] });
    await handle.executeUpdate(transitionUpdate, { args: [{ action: 'halt', reason: 'two', actor: 'operator:ana' }] });
    await handle.executeUpdate(transitionUpdate, { args: [{ action: 'shutdown', reason: 'three', actor: 'operator:ana' }] });
    const firstRun = handle.firstExecutionRunId;
    let latest = servers.client.workflow.getHandle(workflowId);
    for (let i = 0; i < 300 && (await latest.describe()).runId === firstRun; i++) {
      await new Promise((r) => setTimeout(r, 100));
      latest = servers.client.workflow.getHandle(workflowId);
    }
    expect((await latest.describe()).runId).not.toBe(firstRun);
    expect(await latest.query(emergencyStatusQuery)).toMatchObject({ state: 'SHUTDOWN', reason: 'three' });
    await latest.terminate('simulating lost Temporal state');

    const fresh = await start(taskQueue);
    let loaded = await fresh.query(emergencyStatusQuery);
    for (let i = 0; i < 600 && loaded === null; i++) {
      await new Promise((r) => setTimeout(r, 50));
      loaded = await fresh.query(emergencyStatusQuery);
    }
    expect(loaded).toMatchObject({ state: 'SHUTDOWN', reason: 'three' });
    expect(await refusal(fresh.executeUpdate(transitionUpdate, { args: [{ action: 'halt', reason: 'x', actor: 'operator:ana' }] }))).toBe(
      'cannot halt from SHUTDOWN: halt is allowed from NORMAL, ALERT',
    );
    await fresh.terminate('test over');
  });
});
