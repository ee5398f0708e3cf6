import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import { executionErrorReason } from '@blockops/domain';
import type { ChainClient } from '@blockops/chain';
import type { RecordOutcome, StatusCounts, TreasuryStore } from '@blockops/treasury';
import type { BatchProgress, ChunkSummary, TreasuryActivities } from '@blockops/workflows/public';
import type { WorkerMetrics } from '../../metrics';
import type { Publish } from '../../publish';
import { classified } from '../failure';
import { disbursementEvents } from './disbursement-events';
import { openSubmitGate, type SubmitGate } from './may-submit';
import { submitItems } from './submit-items';

export { openSubmitGate, type SubmitGate, type SubmitDecision, type SubmitRequest, type SubmissionReport } from './may-submit';

export interface TreasuryDeps {
  chain: Pick<ChainClient, 'treasury'>;
  treasury: TreasuryStore;
  publish: Publish;
  metrics: WorkerMetrics;
  /** the submit decision point (may-submit.ts); open unless the emergency controller or breaker is wired in */
  submitGate?: SubmitGate;
  /** TREASURY_RPC_MAX_BYTES */
  rpcMaxBytes?: number;
}

export function createTreasuryActivities(deps: TreasuryDeps): TreasuryActivities {
  const { chain, treasury, publish, metrics } = deps;
  const gate = deps.submitGate ?? openSubmitGate;
  const maxBytes = deps.rpcMaxBytes ?? 512 * 1024;

  const progressOf = async (batchId: string): Promise<BatchProgress> => {
    const [p, t] = await Promise.all([treasury.progress(batchId), treasury.throttle()]);
    return { ...p, throttle: { maxInFlightChunks: t.maxInFlightChunks, chunkSize: t.chunkSize } };
  };

  return {
    async prepareBatch(batchId) {
      const { nonces } = await classified(() => chain.treasury.balance());
      await treasury.raiseNonces(nonces);
      return progressOf(batchId);
    },

    batchProgress: progressOf,

    async finishBatch(batchId) {
      const fin = await treasury.finish(batchId);
      return { completed: fin.completed, counts: (await treasury.progress(batchId)).counts };
    },

    async executeChunk({ batchId, chunk, size, correlationId }): Promise<ChunkSummary> {
      const info = Context.current().info;
      const claim = await treasury.claimChunk(batchId, chunk, size);
      const pending = claim.items.filter((i) => i.status === 'QUEUED');
      let rec: RecordOutcome | undefined;
      if (pending.length) {
        const req = { batchId, chunk, items: pending.length, attempt: info.attempt };
        const decision = await gate.maySubmit(req);
        if (!decision.allowed) {
          await treasury.markHalted(batchId, decision.reason);
          metrics.treasuryErrors.inc({ reason: 'held' });
          throw ApplicationFailure.create({
            type: 'SubmissionHeld',
            message: `submission held: ${decision.reason}`,
            nextRetryDelay: decision.retryAfterMs,
          });
        }
        if (info.attempt > 1) await treasury.markHalted(batchId, ''); // held before, allowed now

        const sub = await submitItems(chain, pending, { maxBytes });
        rec = await treasury.recordResults(
          batchId,
          chunk,
          sub.answers.map((a) => a.result),
        );
        const now = Date.now();
        const claimedAt = new Map(pending.map((i) => [i.id, i.claimedAt]));
        for (const c of rec.changed) {
          metrics.treasuryDisbursements.inc({ status: c.status });
          const at = claimedAt.get(c.id);
          if (c.status === 'EXECUTED' && at) metrics.treasuryLatency.observe((now - at) / 1000);
        }
        const tally = { executed: 0, cancelled: 0, failed: 0, transient: 0 };
        for (const a of sub.answers) {
          if (a.result.kind === 'E') tally.executed++;
          else {
            metrics.treasuryErrors.inc({ reason: executionErrorReason(a.reason) });
            if (a.result.kind === 'C') tally.cancelled++;
            else if (a.result.kind === 'F') tally.failed++;
            else tally.transient++;
          }
        }
        await gate.reportSubmission(req, { ...tally, requestFailures: sub.requestFailures });

        const counts = new Map<string, StatusCounts>([[batchId, rec.counts], ...rec.others.map((o) => [o.batchId, o.counts] as const)]);
        const events = disbursementEvents(rec.changed, (b) => counts.get(b), {
          batchId,
          runId: info.workflowExecution?.runId ?? '',
          correlationId,
        });
        for (const e of events) await publish(e);

        if (tally.transient) {
          const first = sub.answers.find((a) => a.result.kind === 'T')!.result as { error: string };
          // the retry resends only the items still QUEUED, each with its executor and nonce
          throw ApplicationFailure.retryable(
            `${tally.transient} of ${pending.length} disbursements got a transient error (${first.error}); they are resent with the same nonces`,
            'TransientError',
          );
        }
      }
      const progress = rec ? undefined : await treasury.progress(batchId);
      const t = await treasury.throttle();
      return {
        exists: true,
        chunk,
        claimed: claim.items.length,
        executed: rec?.changed.filter((c) => c.batchId === batchId && c.status === 'EXECUTED').length ?? 0,
        cancelled: rec?.changed.filter((c) => c.batchId === batchId && c.status === 'CANCELLED').length ?? 0,
        failed: rec?.changed.filter((c) => c.batchId === batchId && c.status === 'FAILED').length ?? 0,
        counts: rec?.counts ?? progress!.counts,
        readyLeft: rec?.readyLeft ?? progress!.readyLeft,
        throttle: { maxInFlightChunks: t.maxInFlightChunks, chunkSize: t.chunkSize },
        wake: rec?.others.map((o) => o.batchId) ?? [],
      };
    },
  };
}
