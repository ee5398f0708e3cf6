import {
  condition,
  continueAsNew,
  getExternalWorkflowHandle,
  log,
  proxyActivities,
  proxySinks,
  setHandler,
  sleep,
  workflowInfo,
} from '@temporalio/workflow';
import { NON_RETRYABLE_ERROR_TYPES, operationWorkflowId, type ReceiptPollerInput } from '@blockops/domain';
import type { Confirmation, ReceiptActivities } from './activity-types';
import { receiptConfirmedSignal } from './operation-messages';
import type { EventSinks } from './sinks';
import { EMERGENCY_CONTROLLER_ID, emergencyResumedSignal, riskBreachSignal } from './emergency-messages';

const { events } = proxySinks<EventSinks>();

// A poller never gives up on a transient node or Redis problem: it backs off and keeps trying.
const pollerActivities = (batchTimeoutMs: number) =>
  proxyActivities<ReceiptActivities>({
    startToCloseTimeout: batchTimeoutMs,
    retry: {
      initialInterval: '500 ms',
      backoffCoefficient: 2,
      maximumInterval: '30 seconds',
      nonRetryableErrorTypes: NON_RETRYABLE_ERROR_TYPES,
    },
  });

export interface ReceiptPollerState extends ReceiptPollerInput {
  /** carried across continue-as-new for visibility; the authoritative checkpoint is in the store */
  checkpoint?: number;
  receiptsProcessed?: number;
  /** while SHUTDOWN pauses it, the poller re-checks this often (a RESUME signal ends the wait early) */
  pauseRecheckMs?: number;
}

/**
 * Singleton `receipt-poller`: one activity per batch fetches receipts after the checkpoint and
 * applies ours atomically with the new checkpoint (so a retried, raced or replayed batch never
 * counts a receipt twice and never skips one), then signals the operations those receipts confirm.
 * Receipts never pass through workflow history: only the batch's summary does.
 */
export async function receiptPoller(input: ReceiptPollerState = {}): Promise<void> {
  const pollIntervalMs = input.pollIntervalMs ?? 1000;
  const batchSize = input.batchSize ?? 1000;
  const cyclesPerRun = input.cyclesPerRun ?? 500;
  const batchTimeoutMs = input.batchTimeoutMs ?? 60_000;
  const { pollReceipts } = pollerActivities(batchTimeoutMs);
  let checkpoint = input.checkpoint ?? 0;
  let receiptsProcessed = input.receiptsProcessed ?? 0;
  const pauseRecheckMs = input.pauseRecheckMs ?? 30_000;
  let resumed = false;
  let pausedFor: string | undefined;
  setHandler(emergencyResumedSignal, () => {
    resumed = true;
  });

  for (let cycle = 0; cycle < cyclesPerRun; cycle++) {
    const r = await pollReceipts({ batchSize });
    if (r.paused) {
      if (pausedFor === undefined) events.emit({ type: 'execution_halted', reason: `${r.paused.state}: ${r.paused.reason}` });
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
      events.emit({ type: 'receipts_processed', count: r.seen, applied: r.count, from_height: r.fromHeight, to_height: r.toHeight });
      if (r.count > 0) events.emit({ type: 'pnl_updated', total: r.pnl.total, by_market: r.pnl.byMarket, balance: r.pnl.balance });
    }
    await Promise.all(r.confirmations.map(signalOperation));
    if (workflowInfo().continueAsNewSuggested) break;
    if (r.caughtUp) await sleep(pollIntervalMs);
  }
  await continueAsNew<typeof receiptPoller>({
    pollIntervalMs,
    batchSize,
    cyclesPerRun,
    batchTimeoutMs,
    checkpoint,
    receiptsProcessed,
    pauseRecheckMs,
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

/** A breached risk limit halts everything: the controller decides (it ignores a breach while already halted). */
async function askToHalt(breach: { limit: string; reason: string }) {
  try {
    await getExternalWorkflowHandle(EMERGENCY_CONTROLLER_ID).signal(riskBreachSignal, breach);
  } catch (err) {
    log.warn('emergency controller not reachable for a risk breach', { breach, error: err instanceof Error ? err.message : String(err) });
  }
}
