import {
  condition,
  continueAsNew,
  getExternalWorkflowHandle,
  log,
  patched,
  proxyActivities,
  setCurrentDetails,
  setHandler,
  sleep,
  workflowInfo,
} from '@temporalio/workflow';
import { NON_RETRYABLE_ERROR_TYPES, operationWorkflowId, type ReceiptPollerInput } from '@blockops/domain';
import type { Confirmation, LateConfirmation, ReceiptActivities } from './activity-types';
import { receiptConfirmedSignal } from './operation-messages';
import { emit } from './emit';
import { EMERGENCY_CONTROLLER_ID, emergencyResumedSignal, riskBreachSignal } from './emergency-messages';

/**
 * Runs from before the poll moved into the activity (one activity and one timer per poll) take
 * the old path on replay; new runs poll inside a heartbeating activity.
 */
export const POLL_IN_ACTIVITY_PATCH = 'receipt-poller-polls-in-activity';
/**
 * Runs from before the activity signalled confirmations itself replay with the workflow signalling
 * each one (a SignalExternal command, an answer and a task per batch); new runs signal only what
 * the activity could not.
 */
export const SIGNAL_IN_ACTIVITY_PATCH = 'receipt-poller-signals-in-activity';

// A poller never gives up on a transient node or Redis problem: it backs off and keeps trying.
const retry = {
  initialInterval: '500 ms',
  backoffCoefficient: 2,
  maximumInterval: '30 seconds',
  nonRetryableErrorTypes: NON_RETRYABLE_ERROR_TYPES,
} as const;

export interface ReceiptPollerState extends ReceiptPollerInput {
  /** carried across continue-as-new for visibility; the authoritative checkpoint is in the store */
  checkpoint?: number;
  receiptsProcessed?: number;
  /** late confirmations announced (as events) that the store has not been told about yet */
  announced?: string[];
  /** while SHUTDOWN pauses it, the poller re-checks this often (a RESUME signal ends the wait early) */
  pauseRecheckMs?: number;
  /** P&L and receipt summaries at most this often while receipts of ours keep coming (confirmations go at once) */
  reportIntervalMs?: number;
}

/**
 * Singleton `receipt-poller`: one activity call fetches receipts after the checkpoint and applies
 * ours atomically with the new checkpoint (so a retried, raced or replayed batch never counts a
 * receipt twice and never skips one) and signals the operations those receipts confirm as soon as
 * each batch is applied (any it cannot reach, the workflow signals); the workflow announces
 * operations confirmed late. Receipts never pass through workflow history:
 * only the call's summary does. While nothing of ours happens the activity keeps polling inside
 * itself, heartbeating, for up to `idleMaxMs`: an idle poller writes ~6 history events per idle
 * period instead of ~11 per second (Temporal's guidance for frequent polling).
 */
export async function receiptPoller(input: ReceiptPollerState = {}): Promise<void> {
  const pollIntervalMs = input.pollIntervalMs ?? 1000;
  const batchSize = input.batchSize ?? 1000;
  const cyclesPerRun = input.cyclesPerRun ?? 500;
  const batchTimeoutMs = input.batchTimeoutMs ?? 60_000;
  const idleMaxMs = input.idleMaxMs ?? 60_000;
  const reportIntervalMs = input.reportIntervalMs ?? 1000;
  const inActivity = patched(POLL_IN_ACTIVITY_PATCH);
  const signalInActivity = inActivity && patched(SIGNAL_IN_ACTIVITY_PATCH);
  const { pollReceipts } = proxyActivities<ReceiptActivities>(
    inActivity
      ? // an attempt that stops heartbeating (dead worker, hung node) is retried elsewhere; it beats before each batch and after each wait
        { startToCloseTimeout: idleMaxMs + 2 * batchTimeoutMs, heartbeatTimeout: batchTimeoutMs + pollIntervalMs, retry }
      : { startToCloseTimeout: batchTimeoutMs, retry },
  );
  let checkpoint = input.checkpoint ?? 0;
  let receiptsProcessed = input.receiptsProcessed ?? 0;
  let announced = input.announced ?? [];
  const pauseRecheckMs = input.pauseRecheckMs ?? 30_000;
  let resumed = false;
  let pausedFor: string | undefined;
  setHandler(emergencyResumedSignal, () => {
    resumed = true;
  });

  for (let cycle = 0; cycle < cyclesPerRun; cycle++) {
    const r = await pollReceipts(
      inActivity
        ? { batchSize, idleMaxMs, pollIntervalMs, announced, ...(signalInActivity ? { signalConfirmations: true, reportIntervalMs } : {}) }
        : { batchSize },
    );
    announced = [];
    if (r.paused) {
      if (pausedFor === undefined) emit({ type: 'execution_halted', reason: `${r.paused.state}: ${r.paused.reason}` });
      pausedFor = r.paused.reason;
      resumed = false;
      await condition(() => resumed, pauseRecheckMs);
      if (workflowInfo().continueAsNewSuggested) break;
      continue;
    }
    pausedFor = undefined;
    checkpoint = r.toHeight;
    if (r.breaches?.length) await askToHalt(r.breaches[0]!);
    if (r.applied && r.seen > 0) {
      receiptsProcessed += r.seen;
      emit({ type: 'receipts_processed', count: r.seen, applied: r.count, from_height: r.fromHeight, to_height: r.toHeight });
      if (r.count > 0) emit({ type: 'pnl_updated', total: r.pnl.total, by_market: r.pnl.byMarket, balance: r.pnl.balance });
    }
    for (const late of r.late ?? []) {
      announceLate(late);
      announced.push(late.operationId);
    }
    await Promise.all(r.confirmations.map(signalOperation));
    if (inActivity) {
      // shown in Temporal Web; a query, not history
      setCurrentDetails(`Accounting at height **${checkpoint}** of ${r.head}; ${receiptsProcessed} receipts read by this run.`);
    }
    if (workflowInfo().continueAsNewSuggested) break;
    // idleMaxMs 0 (or a run from before the patch): the activity returns at once, the wait is a timer here
    if ((!inActivity || idleMaxMs === 0) && r.caughtUp) await sleep(pollIntervalMs);
  }
  await continueAsNew<typeof receiptPoller>({
    pollIntervalMs,
    batchSize,
    cyclesPerRun,
    batchTimeoutMs,
    idleMaxMs,
    checkpoint,
    receiptsProcessed,
    pauseRecheckMs,
    ...(input.reportIntervalMs !== undefined ? { reportIntervalMs } : {}),
    ...(announced.length ? { announced } : {}),
  });
}

/** Tells an operation its receipt arrived; an operation that already ended (or never ran here) is fine. */
async function signalOperation(c: Confirmation) {
  try {
    await getExternalWorkflowHandle(operationWorkflowId(c.operationId)).signal(receiptConfirmedSignal, c);
  } catch (err) {
    log.debug('operation not signalled', { operationId: c.operationId, error: err instanceof Error ? err.message : String(err) });
  }
}

/** An operation that had ended uncharged was charged by its receipt: the store has it CONFIRMED (late); say so. */
function announceLate(l: LateConfirmation) {
  emit({
    type: 'operation_status_changed',
    operation_id: l.operationId,
    status: 'CONFIRMED',
    details: {
      market: l.market,
      late: true,
      previous_status: l.lateFrom,
      block_height: l.blockHeight,
      actual_cost: l.actualCost,
      receipt_id: l.receiptId,
      workflow_id: operationWorkflowId(l.operationId),
    },
  });
}

/** A breached risk limit halts everything: the controller decides (it ignores a breach while already halted). */
async function askToHalt(breach: { limit: string; reason: string }) {
  try {
    await getExternalWorkflowHandle(EMERGENCY_CONTROLLER_ID).signal(riskBreachSignal, breach);
  } catch (err) {
    log.warn('emergency controller not reachable for a risk breach', { breach, error: err instanceof Error ? err.message : String(err) });
  }
}
