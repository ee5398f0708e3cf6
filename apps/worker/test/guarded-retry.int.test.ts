/**
 * A queued chain write (an activity Temporal retries with no cap, as the treasury's chunks are)
 * while the breaker is open: every attempt is refused without a call and comes back after the
 * breaker's nextRetryDelay, not the policy's 100 ms backoff, so it spends a handful of attempts
 * rather than its budget; once the breaker closes it completes. Real Temporal dev server, devnet
 * process, Redis; the worker runs in-process (the test bundles its own workflow).
 */
import { randomUUID } from 'node:crypto';
import { CHAIN_BREAKER } from '@blockops/domain';
import { useWorkerTestEnv } from './support/worker-env';

const servers = useWorkerTestEnv({
  devnetArgs: ['--block-interval-ms', '3600000', '--seed', '9', '--fund', '0xblockops=1000'],
  workflows: require.resolve('./support/guarded-write.workflow'),
});

test('a queued write waits out the open breaker (the next attempt scheduled an open period later) and completes after it closes', async () => {
  const openMs = 1500;
  const h = servers.harness({ breaker: { openMs } });
  const operationId = `queued-${randomUUID().slice(0, 8)}`;
  const statusAtNode = async () => (await h.chain.tx.status({ operation_id: operationId })).status;
  await h.breakers.forceOpen(CHAIN_BREAKER);
  const guard = await h.guard;
  while (guard.local(CHAIN_BREAKER)?.state !== 'forced_open') await new Promise((r) => setTimeout(r, 10));

  const result = await h.withWorker(async (taskQueue) => {
    const handle = await servers.env.client.workflow.start('guardedWrite', {
      taskQueue,
      workflowId: `guarded-${operationId}`,
      args: [{ operationId, market: 'storage', estimatedCost: '1', units: 1 }],
    });
    // refused (forced open: each refusal says "come back after an open period"), retried, refused again
    let pending;
    do {
      await new Promise((r) => setTimeout(r, 50));
      pending = (await handle.describe()).raw.pendingActivities?.[0];
    } while (!pending || (pending.attempt ?? 0) < 2 || !pending.nextAttemptScheduleTime);
    expect(pending.lastFailure?.applicationFailureInfo?.type).toBe('BreakerOpen');
    expect(await statusAtNode()).toBe('unknown'); // nothing reached the node
    // Temporal scheduled the next attempt an open period after the refusal, not the policy's 100 ms
    const ms = (t: { seconds?: unknown; nanos?: number | null } | null | undefined) =>
      Number(t?.seconds ?? 0) * 1000 + (t?.nanos ?? 0) / 1e6;
    const gap = ms(pending.nextAttemptScheduleTime) - ms(pending.lastAttemptCompleteTime);
    expect(gap).toBeGreaterThanOrEqual(openMs - 50);
    expect(gap).toBeLessThanOrEqual(openMs + 1000 + 50); // at most 1 s of jitter
    await h.breakers.reset(CHAIN_BREAKER);
    return handle.result();
  });
  expect(result.txHash).toMatch(/^0xtx/);
  expect(await statusAtNode()).toBe('pending');
});
