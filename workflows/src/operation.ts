import {
  type ActivityOptions,
  ApplicationFailure,
  allHandlersFinished,
  condition,
  patched,
  proxyActivities,
  proxyLocalActivities,
  setCurrentDetails,
  setHandler,
  upsertSearchAttributes,
} from '@temporalio/workflow';
import {
  BREAKER_OPEN,
  ERROR_NAMES,
  NON_RETRYABLE_ERROR_TYPES,
  type DecimalAmount,
  type GateRefusal,
  type OperationInput,
  type OperationStatus,
} from '@blockops/domain';
import type {
  BreakerRefusalDetails,
  ClassifiedFailureDetails,
  Confirmation,
  OperationActivities,
  OperationSettlement,
} from './activity-types';
import { operationStatusQuery, receiptConfirmedSignal, submitUpdate, type OperationView, type SubmitAnswer } from './operation-messages';
import { MARKET_KEY, STATUS_KEY } from './search-attributes';
import { emit } from './emit';

// Gate (cached) and reservation (one Redis script) are quick local reads/writes.
const { checkEmergency, checkGate, reserveFunds } = proxyLocalActivities<OperationActivities>({
  startToCloseTimeout: '5 seconds',
  retry: { initialInterval: '100 ms', maximumAttempts: 5, nonRetryableErrorTypes: NON_RETRYABLE_ERROR_TYPES },
});
// The submit is answered to an HTTP caller that waits: a few quick retries, then the answer. A
// refusal by the open circuit breaker is not waited out (it may be 60 s): it is answered at once,
// 503 with the retry time.
const SUBMIT_OPTIONS: ActivityOptions = {
  startToCloseTimeout: '10 seconds',
  retry: {
    initialInterval: '200 ms',
    backoffCoefficient: 2,
    maximumInterval: '2 seconds',
    maximumAttempts: 4,
    nonRetryableErrorTypes: [...NON_RETRYABLE_ERROR_TYPES, BREAKER_OPEN],
  },
};
const { submitOperation: submitRemotely } = proxyActivities<OperationActivities>(SUBMIT_OPTIONS);
// As a local activity the submit runs inside the first workflow task with the gate and the
// reservation, so admission is answered without a round trip through the server per step. Safe to
// run again after a lost task: the permit and the node are idempotent on the operation id.
const { submitOperation: submitLocally } = proxyLocalActivities<OperationActivities>(SUBMIT_OPTIONS);
// After the breaker refused a retry, did an earlier attempt reach the node? Asked briefly: the node is
// probably down and the caller waits.
const { readOperationStatus: readStatusBriefly } = proxyActivities<OperationActivities>({
  startToCloseTimeout: '5 seconds',
  retry: { initialInterval: '200 ms', maximumAttempts: 2, nonRetryableErrorTypes: NON_RETRYABLE_ERROR_TYPES },
});
const SETTLE_OPTIONS: ActivityOptions = {
  startToCloseTimeout: '10 seconds',
  retry: {
    initialInterval: '500 ms',
    backoffCoefficient: 2,
    maximumInterval: '10 seconds',
    nonRetryableErrorTypes: NON_RETRYABLE_ERROR_TYPES,
  },
};
// While accounting is behind, settling retries for as long as that takes: a remote activity, so no
// workflow task (and no query) is held meanwhile.
const { readOperationStatus, settleOperation } = proxyActivities<OperationActivities>(SETTLE_OPTIONS);
// First, though, settling is tried as a local activity, inside the task that took the confirmation
// (one Redis script; the poller signals only after applying the receipt's batch, so accounting is
// rarely behind). Any retryable failure, AccountingBehind included, hands over to the remote one.
const { settleOperation: settleLocally } = proxyLocalActivities<OperationActivities>({
  startToCloseTimeout: '5 seconds',
  retry: { initialInterval: '100 ms', maximumAttempts: 2, nonRetryableErrorTypes: [...NON_RETRYABLE_ERROR_TYPES, 'AccountingBehind'] },
});

/**
 * Runs recorded before this change replay without it. With it: the run's market, status and
 * correlation id are search attributes (Temporal Web, `temporal workflow list -q`), the node is
 * asked once more before an operation expires, and the outcome is the one the store recorded (an
 * EXPIRED over a charge already booked is CONFIRMED).
 */
export const INSPECTABLE_PATCH = 'operation-search-attributes-and-charge-check';
/** Runs recorded before this change submitted with a remote activity; they replay that way. */
export const LOCAL_SUBMIT_PATCH = 'operation-local-submit';
/** Runs recorded before this change settled with a remote activity only; they replay that way. */
export const LOCAL_SETTLE_PATCH = 'operation-local-settle';

export interface OperationResult {
  operationId: string;
  status: OperationStatus;
  txHash?: string;
  blockHeight?: number;
  actualCost?: DecimalAmount;
  reason?: string;
}

/** Details of a failed activity, as Temporal hands them to workflow code. */
function failureOf(err: unknown): { type?: string; message: string; details?: ClassifiedFailureDetails } {
  let e = err as { cause?: unknown; type?: string; message?: string; details?: unknown[] } | undefined;
  while (e?.cause && !e.type) e = e.cause as typeof e;
  return { type: e?.type, message: e?.message ?? String(err), details: e?.details?.[0] as ClassifiedFailureDetails | undefined };
}

/**
 * `op-<operationId>`: gate must be Trade → reserve the estimated cost → submit once (idempotency
 * key = operation id) → wait for the confirming receipt (the poller's signal, with a fallback
 * poll) up to a timeout → CONFIRMED | EXPIRED, the reservation settled or released either way.
 * The `submit` update answers the HTTP caller as soon as admission is decided.
 */
export async function operation(input: OperationInput): Promise<OperationResult> {
  const { operationId, market, estimatedCost } = input;
  const units = input.units ?? 1;
  const confirmTimeoutMs = input.confirmTimeoutMs ?? 120_000;
  const pollIntervalMs = input.pollIntervalMs ?? 5000;
  const view: OperationView = { operationId, market, estimatedCost, units, status: 'ADMITTING' };
  let answer: SubmitAnswer | undefined;
  let confirmation: Confirmation | undefined;
  const inspectable = patched(INSPECTABLE_PATCH);
  const settleFirstLocally = patched(LOCAL_SETTLE_PATCH);
  /** The business status, for Temporal Web: a search attribute (history) and the current details (a query, no history). */
  const show = (status: OperationView['status'], details: string) => {
    if (!inspectable) return;
    upsertSearchAttributes([{ key: STATUS_KEY, value: status }]);
    setCurrentDetails(`**${status}** — ${details}`);
  };
  if (inspectable) {
    // (the correlation id is set at start, or by the workflow interceptor)
    upsertSearchAttributes([
      { key: MARKET_KEY, value: market },
      { key: STATUS_KEY, value: 'ADMITTING' },
    ]);
    setCurrentDetails(`**ADMITTING** — ${market} operation ${operationId}, estimated cost ${estimatedCost}: checking gate and balance`);
  }

  setHandler(submitUpdate, async () => {
    await condition(() => answer !== undefined);
    return answer!;
  });
  setHandler(receiptConfirmedSignal, (c) => {
    confirmation ??= c;
  });
  setHandler(operationStatusQuery, () => view);

  const settle = async (
    s: Omit<OperationSettlement, 'operationId' | 'market' | 'estimatedCost'>,
    details: Record<string, unknown> = {},
  ): Promise<OperationResult> => {
    const recorded = await settleOnce({ operationId, market, estimatedCost, ...s });
    // the store has the last word: an outcome that claims no charge over a booked one is CONFIRMED
    const final =
      inspectable && recorded && recorded.status !== s.outcome
        ? { outcome: recorded.status, blockHeight: recorded.blockHeight, actualCost: recorded.actualCost, reason: undefined }
        : s;
    const said = final === s ? details : { block_height: final.blockHeight, actual_cost: final.actualCost, charged_before: s.outcome };
    Object.assign(view, { status: final.outcome, blockHeight: final.blockHeight, actualCost: final.actualCost, reason: final.reason });
    emit({
      type: 'operation_status_changed',
      operation_id: operationId,
      status: final.outcome,
      details: { market, ...said, ...(final.reason ? { reason: final.reason } : {}) },
    });
    show(
      final.outcome,
      final.outcome === 'CONFIRMED'
        ? `block ${final.blockHeight}, actual cost ${final.actualCost}`
        : (final.reason ?? final.outcome.toLowerCase()),
    );
    return {
      operationId,
      status: final.outcome,
      txHash: view.txHash,
      blockHeight: final.blockHeight,
      actualCost: final.actualCost,
      reason: final.reason,
    };
  };
  const settleOnce = async (args: OperationSettlement) => {
    if (!settleFirstLocally) return settleOperation(args);
    try {
      return await settleLocally(args);
    } catch (err) {
      // a refusal that no retry changes is the answer; anything else is retried remotely
      const type = failureOf(err).type;
      if (NON_RETRYABLE_ERROR_TYPES.includes(type ?? '')) throw err;
      return settleOperation(args);
    }
  };
  /** Ends the run as failed (so the same operation id may be submitted again once it has ended) after answering. */
  const refuse = async (a: SubmitAnswer & { message: string }, outcome: 'REJECTED' | 'FAILED'): Promise<never> => {
    // release first: when the caller reads the refusal, nothing of it is left reserved
    await settle({ outcome, reason: a.message });
    answer = a;
    await condition(allHandlersFinished);
    throw ApplicationFailure.nonRetryable(a.message, outcome === 'REJECTED' ? 'OperationRejected' : 'OperationFailed');
  };

  // 0. the emergency controller: HALT and SHUTDOWN refuse everything new (patched: runs started
  // before the controller existed replay without the check)
  const emergency = patched('emergency-check') ? await checkEmergency() : { allows: true as const };
  if (!emergency.allows) {
    const message = `halted: the emergency controller is in ${emergency.state} (${emergency.reason}); no new operations until RESUME`;
    return refuse(
      { status: 'rejected', code: 409, operationId, message, halt: { state: emergency.state, reason: emergency.reason } },
      'REJECTED',
    );
  }
  // 1. gate
  const gate = await checkGate(market);
  if (!gate.admits) {
    const message = `gate closed: ${market} is ${gate.state} (${gate.reason})`;
    return refuse(
      { status: 'rejected', code: 409, operationId, message, gate: { market, state: gate.state, reason: gate.reason } },
      'REJECTED',
    );
  }
  // 2. balance, with a reservation
  const reservation = await reserveFunds(operationId, estimatedCost);
  if (!reservation.ok) {
    const message = `insufficient balance: need ${reservation.need}, available ${reservation.available}`;
    return refuse(
      { status: 'rejected', code: 402, operationId, message, need: reservation.need, available: reservation.available },
      'REJECTED',
    );
  }
  // 3. submit once; a transient failure after the retries may still have reached the node
  try {
    const submitOperation = patched(LOCAL_SUBMIT_PATCH) ? submitLocally : submitRemotely;
    const { txHash } = await submitOperation({ operationId, market, estimatedCost, units });
    view.txHash = txHash;
  } catch (err) {
    const f = failureOf(err);
    if (f.type === 'EmergencyHalted') {
      // a HALT acknowledged between admission and submit: the permit refused, nothing reached the node
      const d = f.details as { state: string; reason: string };
      return refuse(
        { status: 'rejected', code: 409, operationId, message: f.message, halt: { state: d.state, reason: d.reason } },
        'REJECTED',
      );
    }
    if (f.type === ERROR_NAMES.cancelled && f.details?.reason === 'gate_closed') {
      const g = f.details.data as GateRefusal;
      return refuse({ status: 'rejected', code: 409, operationId, message: f.message, gate: g }, 'REJECTED');
    }
    if (f.type === ERROR_NAMES.cancelled && f.details?.reason === 'insufficient_balance') {
      const d = f.details.data as { need: DecimalAmount; available: DecimalAmount };
      return refuse({ status: 'rejected', code: 402, operationId, message: f.message, need: d.need, available: d.available }, 'REJECTED');
    }
    if (f.type === BREAKER_OPEN) {
      // The breaker refused this attempt: nothing was sent. An earlier attempt failed transiently and
      // may still have reached the node (a timeout), so the node is asked, briefly: the caller waits.
      const b = f.details as unknown as BreakerRefusalDetails;
      const earlier = b.attempt > 1 ? await readStatusBriefly(operationId).catch(() => undefined) : undefined;
      if (!earlier || earlier.status === 'unknown') {
        const unsure = b.attempt > 1 && !earlier;
        const message = unsure
          ? `The Block node is unavailable (circuit breaker ${b.breaker} open); an earlier attempt failed and the node cannot say whether it arrived: ` +
            `submit the same operationId again after ${b.retryAt} (the node is idempotent on it)`
          : `The Block node is unavailable (circuit breaker ${b.breaker} open): nothing was submitted; submit again after ${b.retryAt}`;
        const a = {
          status: 'unavailable',
          code: 503,
          operationId,
          message,
          breaker: b.breaker,
          retryAt: b.retryAt,
          retryAfterMs: b.retryAfterMs,
        } as const;
        return refuse(a, unsure ? 'FAILED' : 'REJECTED');
      }
      view.txHash = earlier.txHash; // the node has it: submitted after all
    } else {
      const known = f.type === ERROR_NAMES.transient ? await readOperationStatus(operationId) : undefined;
      if (!known || known.status === 'unknown') {
        return refuse({ status: 'failed', code: known ? 502 : 422, operationId, message: f.message }, 'FAILED');
      }
      view.txHash = known.txHash;
    }
  }
  answer = { status: 'submitted', code: 202, operationId, txHash: view.txHash ?? '' };
  view.status = 'SUBMITTED';
  show('SUBMITTED', `tx ${view.txHash ?? '?'}; waiting up to ${confirmTimeoutMs} ms for its receipt`);
  emit({
    type: 'operation_status_changed',
    operation_id: operationId,
    status: 'SUBMITTED',
    details: { market, estimated_cost: estimatedCost, tx_hash: view.txHash },
  });

  // 4. wait for the receipt: the poller's signal, or a fallback poll of tx.status
  const deadline = Date.now() + confirmTimeoutMs;
  while (!confirmation) {
    const remaining = deadline - Date.now();
    if (remaining <= 0) break;
    if (await condition(() => confirmation !== undefined, Math.min(pollIntervalMs, remaining))) break;
    const s = await readOperationStatus(operationId);
    if (s.status === 'confirmed' && s.blockHeight !== undefined) {
      confirmation = { operationId, blockHeight: s.blockHeight, actualCost: s.actualCost ?? estimatedCost, receiptId: s.receiptId ?? '' };
    }
  }
  // EXPIRED must never hide a charge: ask the node once more before giving up on the receipt
  let onChain = 'unknown';
  if (!confirmation && inspectable) {
    const s = await readOperationStatus(operationId);
    onChain = s.status;
    if (s.status === 'confirmed' && s.blockHeight !== undefined) {
      confirmation = { operationId, blockHeight: s.blockHeight, actualCost: s.actualCost ?? estimatedCost, receiptId: s.receiptId ?? '' };
    }
  }
  const result = confirmation
    ? await settle(
        { outcome: 'CONFIRMED', blockHeight: confirmation.blockHeight, actualCost: confirmation.actualCost },
        { block_height: confirmation.blockHeight, actual_cost: confirmation.actualCost },
      )
    : await settle({
        outcome: 'EXPIRED',
        reason: `no confirming receipt within ${confirmTimeoutMs} ms${inspectable ? ` (the node reports it ${onChain})` : ''}`,
      });
  await condition(allHandlersFinished);
  return result;
}
