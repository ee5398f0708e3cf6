import {
  ApplicationFailure,
  condition,
  continueAsNew,
  getExternalWorkflowHandle,
  log,
  proxyActivities,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import { disbursementWorkflowId, type DisburseInput } from '@blockops/domain';
import type { BatchProgress, ChunkSummary, TreasuryActivities } from './activity-types';
import { disburseStatusQuery, throttleSignal, wakeSignal, type DisburseResult } from './disburse-messages';

// Store reads and the nonce sync: retried until they work (a Redis or node outage only delays the batch).
const { prepareBatch, batchProgress, finishBatch } = proxyActivities<TreasuryActivities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '200 ms', backoffCoefficient: 2, maximumInterval: '10 seconds' },
});

/**
 * One chunk = one activity whose id names the batch and the chunk, so Temporal Web shows what ran.
 * A chunk submits rounds of ready items (each round one JSON-RPC submission) for up to its budget:
 * items its own rounds make ready go out without a trip through the workflow.
 * Every failure is retried (transient node errors, a killed worker, a held submission with its
 * own delay): the loop itself never fails an item; the node's answers do, recorded by the activity.
 */
const chunkActivity = (batchId: string, n: number, timeoutMs: number) =>
  proxyActivities<TreasuryActivities>({
    activityId: `${batchId}/chunk-${n}`,
    startToCloseTimeout: timeoutMs,
    retry: { initialInterval: '200 ms', backoffCoefficient: 2, maximumInterval: '10 seconds' },
  }).executeChunk;

/**
 * `disburse-<batchId>`: executes a stored batch. Ready items go out in chunks, several in flight up
 * to the throttle (an operator may change it while this runs: signal `throttle`, and every chunk
 * reports the current value). Items, the DAG and every status live in the treasury store; this
 * history holds chunk summaries only and continues-as-new (after draining) before it grows past
 * `maxHistoryEvents`, carrying only the chunk cursor.
 */
export async function disburse(input: DisburseInput): Promise<DisburseResult> {
  const { batchId } = input;
  const idlePollMs = input.idlePollMs ?? 1000;
  const chunkTimeoutMs = input.chunkTimeoutMs ?? 30_000;
  const chunkBudgetMs = Math.min(input.chunkBudgetMs ?? 2000, Math.floor(chunkTimeoutMs / 3));
  const maxHistoryEvents = input.maxHistoryEvents ?? 4000;
  const run = input.run ?? 0;
  const correlationId = input.correlationId ?? workflowInfo().workflowId;
  let nextChunk = input.nextChunk ?? 0;

  let progress: BatchProgress = {
    exists: true,
    counts: { QUEUED: 0, EXECUTED: 0, CANCELLED: 0, FAILED: 0 },
    readyLeft: 0,
    throttle: { maxInFlightChunks: 1, chunkSize: 1 },
  };
  const inFlight = new Set<number>();
  const completed: { n: number; summary?: ChunkSummary; error?: unknown }[] = [];
  let woken = false;
  let throttleChanged = false;
  setHandler(throttleSignal, (t) => {
    progress.throttle = t;
    throttleChanged = true;
  });
  setHandler(wakeSignal, () => {
    woken = true;
  });
  setHandler(disburseStatusQuery, () => ({
    batchId,
    counts: progress.counts,
    inFlight: [...inFlight],
    nextChunk,
    run,
    throttle: progress.throttle,
  }));

  const absorb = (p: BatchProgress) => {
    const signalled = throttleChanged ? progress.throttle : undefined;
    progress = signalled ? { ...p, throttle: signalled } : p;
    throttleChanged = false;
  };
  absorb(await prepareBatch(batchId));
  if (!progress.exists) throw ApplicationFailure.nonRetryable(`batch ${batchId} is not in the treasury store`, 'BatchNotFound');

  /** no free executor (other batches hold them all): wait for a chunk to finish, or poll */
  let starved = false;
  const launch = () => {
    const { counts, throttle } = progress;
    while (counts.QUEUED > 0 && progress.readyLeft > 0 && !starved && inFlight.size < throttle.maxInFlightChunks) {
      const n = nextChunk++;
      progress.readyLeft = Math.max(0, progress.readyLeft - throttle.chunkSize);
      inFlight.add(n);
      const execute = chunkActivity(batchId, n, chunkTimeoutMs);
      execute({ batchId, chunk: n, size: throttle.chunkSize, budgetMs: chunkBudgetMs, correlationId }).then(
        (summary) => completed.push({ n, summary }),
        (error: unknown) => completed.push({ n, error }),
      );
    }
  };
  const take = () => {
    const c = completed.shift()!;
    inFlight.delete(c.n);
    if (c.error !== undefined) throw c.error; // not reached while retries are unlimited; never swallowed
    const s = c.summary!;
    absorb(s);
    starved = s.claimed === 0 && s.readyLeft > 0;
    for (const other of s.wake) wake(other);
  };
  const wantsNewRun = () => workflowInfo().historyLength >= maxHistoryEvents || workflowInfo().continueAsNewSuggested;

  for (;;) {
    if (progress.counts.QUEUED === 0 && inFlight.size === 0) {
      const fin = await finishBatch(batchId);
      if (fin.completed) return { batchId, counts: fin.counts, chunks: nextChunk, runs: run + 1 };
      absorb(await batchProgress(batchId));
      continue;
    }
    if (wantsNewRun()) {
      // drain, so no chunk is abandoned mid-flight by the new run
      while (inFlight.size > 0) {
        await condition(() => completed.length > 0);
        take();
      }
      if (progress.counts.QUEUED > 0) await continueAsNew<typeof disburse>({ ...input, nextChunk, run: run + 1, correlationId });
      continue;
    }
    launch();
    if (inFlight.size === 0) {
      // nothing ready here: waiting on items of other batches, or on free executors
      woken = false;
      await condition(() => woken, idlePollMs);
      absorb(await batchProgress(batchId));
      starved = false;
      continue;
    }
    await condition(() => completed.length > 0 || throttleChanged);
    while (completed.length > 0) take();
    if (throttleChanged) throttleChanged = false; // applied by the next launch()
  }
}

/** Tells another batch that some of its items became ready (or were cancelled); it may have ended. */
function wake(batchId: string) {
  getExternalWorkflowHandle(disbursementWorkflowId(batchId))
    .signal(wakeSignal)
    .catch((err: unknown) => log.debug('batch not woken', { batchId, error: err instanceof Error ? err.message : String(err) }));
}
