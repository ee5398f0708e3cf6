/**
 * A batch stored without its workflow (the web died right after storing it) is started by a running
 * worker's periodic check, once the batch is older than the grace, and executes; a batch whose
 * workflow ever existed (or ever ran, as the store marks it) is left alone. Real Temporal dev server, devnet and Redis.
 */
import { randomUUID } from 'node:crypto';
import { WorkflowNotFoundError } from '@temporalio/client';
import { acceptBatch } from '@blockops/treasury';
import { poll } from '@blockops/stack';
import { disbursementWorkflowId } from '@blockops/domain';
import { startDisbursementReconciler } from '../src/disbursement-reconciler';
import { ensureDisbursementWorkflows } from '../src/singletons';
import { useWorkerTestEnv } from './support/worker-env';
import { chainBatch } from './support/batches';

const servers = useWorkerTestEnv({ devnetArgs: ['--block-interval-ms', '3600000', '--seed', '23', '--treasury-balance', '100000000'] });

async function workflowExists(workflowId: string) {
  try {
    await servers.client.workflow.getHandle(workflowId).describe();
    return true;
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) return false;
    throw err;
  }
}

test('a stored batch without its workflow is started by the periodic check once older than the grace, and executes', async () => {
  const h = servers.harness();
  await h.withWorker(async (taskQueue) => {
    const store = async (tag: string) => {
      const batchId = `rc-${tag}-${randomUUID().slice(0, 8)}`;
      const accepted = await acceptBatch(
        h.treasury,
        { batchId, items: chainBatch({ tag: batchId, chains: 3, depth: 3, fanIn: true }) },
        {
          newBatchId: () => batchId,
        },
      );
      if (accepted.kind !== 'accepted') throw new Error(JSON.stringify(accepted));
      return batchId;
    };
    // a batch whose workflow existed and was terminated by an operator stays as it is
    const ended = await store('ended');
    const endedHandle = await servers.client.workflow.start('disburse', {
      taskQueue: `nobody-${randomUUID()}`,
      workflowId: disbursementWorkflowId(ended),
      args: [{ batchId: ended }],
    });
    await endedHandle.terminate('operator stopped it');
    // its workflow ran once (prepareBatch marked it) and Temporal no longer remembers it (retention):
    // the store's mark alone keeps it from being started again
    const forgotten = await store('forgotten');
    await h.treasury.markWorkflowStarted(forgotten);
    // the web "died" right after storing this one
    const orphan = await store('orphan');

    const warned: object[] = [];
    const start = (batchIds: string[]) =>
      ensureDisbursementWorkflows({
        address: servers.env.address,
        namespace: servers.env.namespace ?? 'default',
        taskQueue,
        batchIds,
        input: { idlePollMs: 100, chunkTimeoutMs: 5000 },
      });
    // seen from ten days later, the batch is outside the check's window (a worker's start checks it)
    const later = startDisbursementReconciler({
      intervalMs: 3_600_000,
      graceMs: 3000,
      windowMs: 86_400_000,
      treasury: h.treasury,
      start,
      log: { warn: (obj) => warned.push(obj) },
      now: () => Date.now() + 10 * 86_400_000,
    });
    expect(await later.check()).toEqual([]);
    await later.stop();
    const reconciler = startDisbursementReconciler({
      intervalMs: 200,
      graceMs: 3000,
      treasury: h.treasury,
      start,
      log: { warn: (obj) => warned.push(obj) },
    });
    try {
      // younger than the grace: left to the web
      expect(await reconciler.check()).toEqual([]);
      expect(await workflowExists(disbursementWorkflowId(orphan))).toBe(false);

      const result = await poll(
        async () => {
          if (!(await workflowExists(disbursementWorkflowId(orphan)))) return undefined;
          return servers.client.workflow.getHandle(disbursementWorkflowId(orphan)).result();
        },
        { description: 'the orphaned batch’s workflow to be started and to finish', timeoutMs: 30_000, intervalMs: 100 },
      );
      expect(result).toMatchObject({ batchId: orphan, counts: { EXECUTED: 9, QUEUED: 0, CANCELLED: 0, FAILED: 0 } });
      expect(await h.treasury.batchSummary(orphan)).toMatchObject({ counts: { EXECUTED: 9 } });
      expect(warned).toContainEqual({ batches: [orphan] });
      // every item paid once at the node
      const paid = await h.chain.dev.treasuryPayments({
        disbursement_ids: chainBatch({ tag: orphan, chains: 3, depth: 3 }).map((i) => i.id),
      });
      expect(paid.payments).toHaveLength(9);

      // the terminated batch's workflow is never started again, nor the forgotten one's, and nothing else is due
      expect(await reconciler.check()).toEqual([]);
      expect(await workflowExists(disbursementWorkflowId(forgotten))).toBe(false);
      expect((await servers.client.workflow.getHandle(disbursementWorkflowId(ended)).describe()).status.name).toBe('TERMINATED');
      expect(warned.flatMap((w) => (w as { batches?: string[] }).batches ?? [])).not.toContain(ended);
    } finally {
      await reconciler.stop();
    }
  });
}, 90_000);
