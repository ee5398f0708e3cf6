import {
  ApplicationFailure,
  condition,
  continueAsNew,
  getExternalWorkflowHandle,
  log,
  patched,
  proxyActivities,
  proxyLocalActivities,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import { disbursementWorkflowId, type DisburseInput } from '@blockops/domain';
import type { BatchProgress, ChunkSummary, OperationActivities, TreasuryActivities } from './activity-types';
import { disburseStatusQuery, throttleSignal, wakeSignal, type DisburseResult } from './disburse-messages';
import { emergencyResumedSignal } from './emergency-messages';
import { emit } from './emit';

// Store reads and the nonce sync: retried until they work (a Redis or node outage only delays the batch).
const { prepareBatch, batchProgress, finishBatch } = proxyActivities<TreasuryActivities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '200 ms', backoffCoefficient: 2, maximumInterval: '10 seconds' },
});

// The same two as local activities (patched: runs started before keep the activities they recorded):
// preparing runs in the run's first workflow task, which then launches the first chunks, and
// finishing in the task that saw the last chunk end — two dispatches and two workflow tasks fewer.
const local = proxyLocalActivities<TreasuryActivities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '200 ms', backoffCoefficient: 2, maximumInterval: '10 seconds' },
});
const LOCAL_PREPARE_FINISH_PATCH = 'disburse-local-prepare-finish';
const PREPARED_START_PATCH = 'disburse-prepared-start';

// The emergency state while halted: a quick Redis read (the operations' admission check), retried until it answers.
const { checkEmergency } = proxyLocalActivities<OperationActivities>({
  startToCloseTimeout: '5 seconds',
  retry: { initialInterval: '200 ms', backoffCoefficient: 2, maximumInterval: '5 seconds' },
});

/** The failure type of a chunk refused by the emergency permit (as an operation's submit): items stay QUEUED. */
const EMERGENCY_HALTED = 'EmergencyHalted';
/** The halt a chunk failed with, or undefined for any other failure. */
function haltOf(err: unknown): { state: string; reason: string } | undefined {
  let e = err as { cause?: unknown; type?: string; details?: unknown[] } | undefined;
  while (e?.cause && !e.type) e = e.cause as typeof e;
  if (e?.type !== EMERGENCY_HALTED) return undefined;
  const d = e.details?.[0] as { state?: string; reason?: string } | undefined;
  return { state: d?.state ?? 'HALT', reason: d?.reason ?? '' };
}

/**
 * One chunk = one activity whose id names the batch and the chunk, so Temporal Web shows what ran.
 * A chunk submits rounds of ready items (each round one JSON-RPC submission) for up to its budget:
 * items its own rounds make ready go out without a trip through the workflow.
 * Every failure is retried (transient node errors, a killed worker, a held submission with its
 * own delay): the loop itself never fails an item; the node's answers do, recorded by the activity.
 */
const chunkActivity = (batchId: string, n: number, timeoutMs: number, resume?: number) =>
  proxyActivities<TreasuryActivities>({
    activityId: resume === undefined ? `${batchId}/chunk-${n}` : `${batchId}/chunk-${n}/resume-${resume}`,
    startToCloseTimeout: timeoutMs,
    retry: { initialInterval: '200 ms', backoffCoefficient: 2, maximumInterval: '10 seconds' },
  }).executeChunk;

/**
 * `disburse-<batchId>`: executes a stored batch. Ready items go out in chunks, several in flight up
 * to the throttle (an operator may change it while this runs: signal `throttle`, and every chunk
 * reports the current value). Items, the DAG and every status live in the treasury store; this
 * history holds chunk summaries only and continues-as-new (after draining) before it grows past
 * `maxHistoryEvents`, carrying only the chunk cursor.
 *
 * HALT / SHUTDOWN (the emergency controller): a chunk whose round the permit refuses ends with
 * `EmergencyHalted`, its items QUEUED with their executors and nonces. The run emits
 * `execution_halted`, launches nothing new, lets the other chunks finish (or be held too), and
 * waits (never fails) until the state allows submissions again; then it re-runs each held chunk
 * (`resume`), which resends only its still-QUEUED items with the same nonces, and goes on.
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
  const haltRecheckMs = input.haltRecheckMs ?? 1000;
  /** chunks refused by the emergency permit, re-run (resumed) after RESUME; carried across continue-as-new */
  const held = new Set<number>(input.heldChunks ?? []);
  let halt: { state: string; reason: string } | undefined;
  // a HALT announced by an earlier run is not announced again by this one (a long HALT continues-as-new)
  let haltAnnounced = input.haltAnnounced === true && held.size > 0;
  let resumeIds = 0;
  let resumed = false;
  setHandler(emergencyResumedSignal, () => {
    resumed = true;
  });

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
    ...(held.size ? { held: [...held], halt } : {}),
    nextChunk,
    run,
    throttle: progress.throttle,
  }));

  const absorb = (p: BatchProgress) => {
    const signalled = throttleChanged ? progress.throttle : undefined;
    progress = signalled ? { ...p, throttle: signalled } : p;
    throttleChanged = false;
  };
  const inTask = patched(LOCAL_PREPARE_FINISH_PATCH);
  // prepared at intake (nonces synced alongside it): the first chunks start in this first task.
  // Patched: a run whose first task an earlier worker took (it ignored `prepared` and ran
  // prepareBatch) replays the way it ran.
  const fromIntake = input.prepared !== undefined && patched(PREPARED_START_PATCH);
  absorb(fromIntake ? { exists: true, ...input.prepared! } : await (inTask ? local.prepareBatch : prepareBatch)(batchId));
  if (!progress.exists) throw ApplicationFailure.nonRetryable(`batch ${batchId} is not in the treasury store`, 'BatchNotFound');

  /** no free executor (other batches hold them all): wait for a chunk to finish, or poll */
  let starved = false;
  const start = (n: number, resume?: number) => {
    inFlight.add(n);
    const execute = chunkActivity(batchId, n, chunkTimeoutMs, resume);
    const req = { batchId, chunk: n, size: progress.throttle.chunkSize, budgetMs: chunkBudgetMs, correlationId };
    execute(resume === undefined ? req : { ...req, resume: true }).then(
      (summary) => completed.push({ n, summary }),
      (error: unknown) => completed.push({ n, error }),
    );
  };
  const launch = () => {
    const { counts, throttle } = progress;
    while (held.size === 0 && counts.QUEUED > 0 && progress.readyLeft > 0 && !starved && inFlight.size < throttle.maxInFlightChunks) {
      const n = nextChunk++;
      progress.readyLeft = Math.max(0, progress.readyLeft - throttle.chunkSize);
      start(n);
    }
  };
  const announceHalt = (h: { state: string; reason: string }) => {
    halt = h;
    if (haltAnnounced) return;
    haltAnnounced = true;
    emit({
      type: 'execution_halted',
      reason: `${h.state}: ${h.reason}; ${held.size} chunk(s) held with their items QUEUED, nothing new is submitted until RESUME`,
    });
  };
  const take = () => {
    const c = completed.shift()!;
    inFlight.delete(c.n);
    if (c.error !== undefined) {
      const h = haltOf(c.error);
      if (!h) throw c.error; // not reached while retries are unlimited; never swallowed
      held.add(c.n);
      announceHalt(h);
      return;
    }
    const s = c.summary!;
    // Counts only move forward (QUEUED only falls). A chunk that recorded its last round before
    // another chunk's but ended after it reports older counts: keep the newer ones (patched with the
    // local prepare/finish — before, the older counts could send a finished batch to the idle wait).
    if (inTask && s.counts.QUEUED > progress.counts.QUEUED) absorb({ ...progress, throttle: s.throttle });
    else absorb(s);
    starved = s.claimed === 0 && s.readyLeft > 0;
    for (const other of s.wake) wake(other);
  };
  const wantsNewRun = () => workflowInfo().historyLength >= maxHistoryEvents || workflowInfo().continueAsNewSuggested;

  for (;;) {
    if (progress.counts.QUEUED === 0 && inFlight.size === 0) {
      const fin = await (inTask ? local.finishBatch : finishBatch)(batchId);
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
      if (progress.counts.QUEUED > 0 || held.size > 0)
        await continueAsNew<typeof disburse>({
          ...input,
          prepared: undefined, // the next run reads the store (prepareBatch)
          nextChunk,
          run: run + 1,
          correlationId,
          heldChunks: [...held],
          haltAnnounced: haltAnnounced && held.size > 0,
        });
      continue;
    }
    if (held.size > 0) {
      // halted: let the chunks in flight finish (or be held too), then wait for RESUME
      while (inFlight.size > 0) {
        await condition(() => completed.length > 0);
        take();
      }
      const e = await checkEmergency();
      if (!e.allows) {
        announceHalt({ state: e.state, reason: e.reason });
        resumed = false;
        await condition(() => resumed, haltRecheckMs);
        continue; // (continues-as-new above when the history has grown)
      }
      // resumed: each held chunk resends its still-QUEUED items with their executors and nonces
      const chunks = [...held].sort((a, b) => a - b);
      held.clear();
      halt = undefined;
      haltAnnounced = false;
      for (const n of chunks) start(n, resumeIds++);
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
