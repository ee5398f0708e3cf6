import { Context, log } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import { BREAKER_OPEN, CHAIN_BREAKER, executionErrorReason } from '@blockops/domain';
import { executorNonces, type ChainClient } from '@blockops/chain';
import type { ChangedItem, Claim, ClaimedItem, RecordOutcome, StatusCounts, TreasuryStore } from '@blockops/treasury';
import type { BatchProgress, ChunkSummary, TreasuryActivities } from '@blockops/workflows/public';
import type { WorkerMetrics } from '../../metrics';
import type { Publish } from '../../publish';
import type { ChainWriteGuard } from '../../chain-write-guard';
import { classified } from '../failure';
import { disbursementEvents } from './disbursement-events';
import { createSubmitGate, type SubmitGate } from './may-submit';
import type { EmergencyStore } from '@blockops/emergency';
import { submitItems } from './submit-items';

export {
  createSubmitGate,
  disbursementIntentId,
  type SubmitGate,
  type SubmitDecision,
  type SubmitRequest,
  type SubmissionReport,
} from './may-submit';

export interface TreasuryDeps {
  chain: Pick<ChainClient, 'treasury'>;
  treasury: TreasuryStore;
  publish: Publish;
  metrics: WorkerMetrics;
  /** the emergency state: every round takes its permit (may-submit.ts) */
  emergency: Pick<EmergencyStore, 'permit'>;
  /** the submit decision point (may-submit.ts); by default the emergency permit (the breaker guards each request: `guard`) */
  submitGate?: SubmitGate;
  /** TREASURY_RPC_MAX_BYTES */
  rpcMaxBytes?: number;
  /** the shared circuit breaker: every JSON-RPC request of a round goes through it (absent: unguarded, unit tests) */
  guard?: Pick<ChainWriteGuard, 'run'>;
}

/** A round refused by the emergency permit (the operations' submit uses the same type). */
export const EMERGENCY_HALTED = 'EmergencyHalted';

export function createTreasuryActivities(deps: TreasuryDeps): TreasuryActivities {
  const { treasury, publish, metrics } = deps;
  const guard = deps.guard;
  // Every submit request goes through the chain's breaker: while it is open none leaves this
  // worker, and the round fails with the retryable BreakerOpen whose next retry delay is the time
  // left open (the items stay QUEUED). Request failures (timeout, refused, 5xx) count toward it.
  const chain: Pick<ChainClient, 'treasury'> = guard
    ? {
        treasury: {
          ...deps.chain.treasury,
          submitDisbursements: (items, o) => guard.run(CHAIN_BREAKER, () => deps.chain.treasury.submitDisbursements(items, o)),
        },
      }
    : deps.chain;
  const gate = deps.submitGate ?? createSubmitGate({ emergency: deps.emergency });
  const maxBytes = deps.rpcMaxBytes ?? 512 * 1024;

  const progressOf = async (batchId: string): Promise<BatchProgress> => {
    const [p, t] = await Promise.all([treasury.progress(batchId), treasury.throttle()]);
    return { ...p, throttle: { maxInFlightChunks: t.maxInFlightChunks, chunkSize: t.chunkSize } };
  };

  const activities: TreasuryActivities = {
    async prepareBatch(batchId) {
      // the batch's workflow runs: the periodic check for stored batches without one leaves it alone
      // (whatever Temporal's retention remembers of its workflow id later)
      // only our pool's executors (the node may know thousands of others); raiseNonces keeps ours
      const [nonces] = await Promise.all([
        classified(() => executorNonces(chain, `${treasury.executors.prefix}-`)),
        treasury.markWorkflowStarted(batchId),
      ]);
      await treasury.raiseNonces(nonces);
      return progressOf(batchId);
    },

    batchProgress: progressOf,

    async finishBatch(batchId) {
      const fin = await treasury.finish(batchId);
      return { completed: fin.completed, counts: (await treasury.progress(batchId)).counts };
    },

    async executeChunk({ batchId, chunk, size, budgetMs, correlationId, resume }): Promise<ChunkSummary> {
      const info = Context.current().info;
      const deadline = Date.now() + budgetMs;
      const tally = { rounds: 0, claimed: 0, executed: 0, cancelled: 0, failed: 0 };
      const wake = new Set<string>();
      let last: RecordOutcome | undefined;
      // Rounds of one chunk, claimed while items are ready and the budget lasts. A retry only walks
      // the rounds claimed before (same items, executors, nonces; resolved ones skipped) and claims
      // nothing new, so its attempts stay bounded by one round's transient errors. A chunk resumed
      // after a HALT does the same: its held rounds go out with the nonces they were claimed with.
      const replayOnly = info.attempt > 1 || resume === true;
      // a replay publishes its rounds' resolved items again only when the attempt before it died
      // (timed out: it may have recorded rounds without publishing them); one that ended, even by
      // throwing, published everything first (see finally)
      const republish = replayOnly && !(await treasury.takeChunkEnded(batchId, chunk));
      // the batch's cancelled items, read once per replay (a lost record's cascade happened before it)
      let cancelled: Promise<ChangedItem[]> | undefined;
      // The first round is claimed here; each later one by the script that records the round before
      // (one Redis step per round), except on a retry or resume, which walks what was claimed.
      const published: Promise<void>[] = [];
      try {
        let claim: Claim = await treasury.claimChunk(batchId, `${chunk}.0`, size, { replayOnly });
        for (let round = 0; claim.items.length > 0; round++) {
          const claimKey = `${chunk}.${round}`;
          const nextKey = `${chunk}.${round + 1}`;
          const budgetLeft = () => !(claim.fresh && Date.now() >= deadline);
          tally.rounds++;
          tally.claimed += claim.items.length;
          const pending = claim.items.filter((i) => i.status === 'QUEUED');
          // a replayed round's resolved items are published again (the attempt that recorded them
          // may have died before it published; the console applies a status it already shows as a
          // no-op); metrics are not counted again
          if (republish && !claim.fresh && pending.length < claim.items.length) {
            const resolved = await treasury.resolvedOf(
              batchId,
              claim.items.filter((i) => i.status !== 'QUEUED').map((i) => i.id),
            );
            // and the dependents those records cancelled with them (this batch's; a later batch's show on reload)
            const roots = new Set(resolved.filter((c) => c.status === 'CANCELLED' || c.status === 'FAILED').map((c) => c.id));
            const cascaded = roots.size
              ? (await (cancelled ??= treasury.cancelledItems(batchId))).filter((c) => c.rootCause !== undefined && roots.has(c.rootCause))
              : [];
            const { counts } = await treasury.progress(batchId);
            const runId = info.workflowExecution?.runId ?? '';
            for (const e of disbursementEvents([...resolved, ...cascaded], (b) => (b === batchId ? counts : undefined), {
              batchId,
              runId,
              correlationId,
            }))
              published.push(publish(e));
          }
          let next: Claim | undefined;
          if (pending.length) {
            const r = await submitRound({
              batchId,
              chunk,
              claimKey,
              attempt: info.attempt,
              resumed: replayOnly,
              pending,
              correlationId,
              runId: info.workflowExecution?.runId ?? '',
              published,
              // a first attempt claims its next round with this round's record (never after a transient error)
              next: () => (!replayOnly && budgetLeft() ? { claim: nextKey, size } : undefined),
            });
            last = r.record;
            next = r.record.next;
            for (const c of r.record.changed) {
              if (c.batchId !== batchId) continue;
              if (c.status === 'EXECUTED') tally.executed++;
              else if (c.status === 'CANCELLED') tally.cancelled++;
              else if (c.status === 'FAILED') tally.failed++;
            }
            for (const o of r.record.others) wake.add(o.batchId);
            if (r.transient) {
              // the retry resends only the items still QUEUED, each with its executor and nonce
              throw ApplicationFailure.retryable(
                `${r.transient.count} of ${pending.length} disbursements got a transient error (${r.transient.first}); they are resent with the same nonces`,
                'TransientError',
              );
            }
          }
          if (!next) {
            if (!budgetLeft()) break;
            next = await treasury.claimChunk(batchId, nextKey, size, { replayOnly });
          }
          claim = next;
        }
      } finally {
        await Promise.all(published);
        // failing to mark it costs only duplicate events on the next replay (the console ignores a status it shows)
        await treasury.markChunkEnded(batchId, chunk).catch(() => undefined);
      }
      const progress = last ? { counts: last.counts, readyLeft: last.readyLeft } : await treasury.progress(batchId);
      const t = await treasury.throttle();
      return {
        exists: true,
        chunk,
        ...tally,
        counts: progress.counts,
        readyLeft: progress.readyLeft,
        throttle: { maxInFlightChunks: t.maxInFlightChunks, chunkSize: t.chunkSize },
        wake: [...wake],
      };
    },
  };
  return activities;

  /** One round: the decision point, one submission (split by size), every answer recorded, metrics, events. */
  async function submitRound(r: {
    batchId: string;
    chunk: number;
    claimKey: string;
    attempt: number;
    /** a retry or a resumed chunk: the batch may show HALTED from an earlier refusal */
    resumed: boolean;
    pending: ClaimedItem[];
    correlationId: string;
    runId: string;
    /** the chunk's event publications (never rejected: see safePublisher) */
    published: Promise<void>[];
    /** the round to claim with this one's record, if any (asked once the answers are in) */
    next: () => { claim: string; size: number } | undefined;
  }): Promise<{ record: RecordOutcome; transient?: { count: number; first: string } }> {
    const req = { batchId: r.batchId, chunk: r.chunk, items: r.pending.length, ids: r.pending.map((i) => i.id), attempt: r.attempt };
    const decision = await gate.maySubmit(req);
    if (!decision.allowed) {
      metrics.treasuryErrors.inc({ reason: 'held' });
      if ('halt' in decision) {
        // HALT / SHUTDOWN: nothing was sent; the items stay QUEUED with their executors and nonces,
        // and the workflow waits for RESUME (not retried here: the run decides when to go on)
        const { state, reason } = decision.halt;
        await treasury.markHalted(r.batchId, `${state}: ${reason}`);
        throw ApplicationFailure.create({
          type: EMERGENCY_HALTED,
          message: `halted: ${state} (${reason}); ${r.pending.length} disbursements stay QUEUED until RESUME`,
          nonRetryable: true,
          details: [{ state, reason }],
        });
      }
      await treasury.markHalted(r.batchId, decision.reason);
      throw ApplicationFailure.create({
        type: 'SubmissionHeld',
        message: `submission held: ${decision.reason}`,
        nextRetryDelay: decision.retryAfterMs,
      });
    }
    // held before, allowed now: the mark is cleared alongside the send, never between the permit and it
    // (its failure is held as a value: never an unhandled rejection when the send fails first)
    const cleared = r.resumed
      ? treasury.markHalted(r.batchId, '').then(
          () => undefined,
          (err: unknown) => err,
        )
      : undefined;
    const sub = await submitItems(chain, r.pending, { maxBytes }).catch(async (err: unknown) => {
      if (err instanceof ApplicationFailure && err.type === BREAKER_OPEN) {
        metrics.treasuryErrors.inc({ reason: 'held' });
        await treasury.markHalted(r.batchId, err.message); // shown on the batch until a round goes again
      }
      throw err;
    });
    // only the batch's display depends on it (the next allowed round or the batch's end clears it): the answers are recorded regardless
    const clearFailed = await cleared;
    if (clearFailed !== undefined)
      log.warn('the batch still shows HALTED: clearing the mark failed', { batchId: r.batchId, error: String(clearFailed) });
    const anyTransient = sub.answers.some((a) => a.result.kind === 'T');
    const record = await treasury.recordResults(
      r.batchId,
      r.claimKey,
      sub.answers.map((a) => a.result),
      anyTransient ? undefined : r.next(),
    );
    const now = Date.now();
    const claimedAt = new Map(r.pending.map((i) => [i.id, i.claimedAt]));
    const byStatus = new Map<string, number>();
    for (const c of record.changed) {
      byStatus.set(c.status, (byStatus.get(c.status) ?? 0) + 1);
      const at = claimedAt.get(c.id);
      if (c.status === 'EXECUTED' && at) metrics.treasuryLatency.observe((now - at) / 1000);
    }
    for (const [status, n] of byStatus) metrics.treasuryDisbursements.inc({ status }, n);
    const tally = { executed: 0, cancelled: 0, failed: 0, transient: 0 };
    let first: string | undefined;
    // a cancel or failure is counted by the record that made it (two attempts of a round sending at
    // once both get the answer, one records it); a transient error each time it is met
    const resolvedHere = new Set(record.changed.map((c) => c.id));
    for (const { result, reason } of sub.answers) {
      if (result.kind === 'T' || (result.kind !== 'E' && resolvedHere.has(result.id)))
        metrics.treasuryErrors.inc({ reason: executionErrorReason(reason) });
      if (result.kind === 'T') {
        tally.transient++;
        first ??= result.error;
      } else if (result.kind === 'E') tally.executed++;
      else if (result.kind === 'C') tally.cancelled++;
      else tally.failed++;
    }
    await gate.reportSubmission(req, { ...tally, requestFailures: sub.requestFailures });
    const counts = new Map<string, StatusCounts>([[r.batchId, record.counts], ...record.others.map((o) => [o.batchId, o.counts] as const)]);
    // published while the next round goes on (in order, on one connection); the chunk awaits them before it ends
    for (const e of disbursementEvents(record.changed, (b) => counts.get(b), {
      batchId: r.batchId,
      runId: r.runId,
      correlationId: r.correlationId,
    }))
      r.published.push(publish(e));
    return { record, ...(tally.transient ? { transient: { count: tally.transient, first: first! } } : {}) };
  }
}
