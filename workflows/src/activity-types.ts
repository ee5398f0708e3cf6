import type { AsDecimal, DecimalAmount, GateState, Market, OperationOutcome, Reservation } from '@blockops/domain';

/**
 * Amounts cross Temporal payloads as exact decimal strings (DecimalAmount, "7016.06"): workflow
 * code only passes them along; activities parse them into bigint units.
 *
 * The activities workflows may call, as types only: apps/worker implements them
 * (factories typed by these interfaces), so dependencies point apps → workflows, never back.
 */
import type { EmergencyStatus, EmergencyTransition } from '@blockops/domain';

export interface LatestHeader {
  height: number;
  hash: string;
  finalityTimeS: number;
}

export interface NetStats {
  peerCount: number;
  tps: number;
}

export interface NetworkActivities {
  readLatestHeader(): Promise<LatestHeader>;
  readNetStats(): Promise<NetStats>;
}

/** A receipt that confirms one of our operations, as the poller hands it to the operation workflow. */
export interface Confirmation {
  operationId: string;
  blockHeight: number;
  actualCost: DecimalAmount;
  receiptId: string;
}

/** An operation that had ended (EXPIRED, FAILED, REJECTED) when its receipt was applied: now CONFIRMED (late). */
export interface LateConfirmation {
  operationId: string;
  market: string;
  blockHeight: number;
  actualCost: DecimalAmount;
  receiptId: string;
  /** how it had ended */
  lateFrom: string;
}

export interface PollInput {
  batchSize: number;
  /**
   * While nothing of ours happens on the chain the activity keeps polling inside itself
   * (heartbeating), for up to this long, so an idle poller writes no history. Absent or 0: one
   * batch per call (runs started before this existed).
   */
  idleMaxMs?: number;
  /** wait between head checks inside the activity once caught up (ms) */
  pollIntervalMs?: number;
  /** late confirmations the workflow has announced since the last call: acknowledged, not returned again */
  announced?: string[];
  /**
   * The activity signals the operations its receipts confirm as soon as each batch is applied;
   * `confirmations` then holds only those it could not signal (the workflow signals them).
   */
  signalConfirmations?: boolean;
  /**
   * With signalConfirmations: once something of ours was applied, the call keeps polling for up to
   * this long before it returns the summary the workflow announces (receipts_processed,
   * pnl_updated), so a busy chain costs one activity per interval, not one per poll.
   */
  reportIntervalMs?: number;
}

export interface PollResult {
  /** false when this height range had already been applied (a retried or raced attempt): nothing changed */
  applied: boolean;
  fromHeight: number;
  /** the new checkpoint */
  toHeight: number;
  head: number;
  /** receipts read from the chain */
  seen: number;
  /** of those, ours (applied to accounting) */
  count: number;
  caughtUp: boolean;
  /** confirmations for the workflow to signal: all of them, or (signalConfirmations) those the activity could not */
  confirmations: Confirmation[];
  /** confirmations the activity signalled itself (signalConfirmations) */
  signalled?: number;
  /** late confirmations to announce (absent from activities older than this field) */
  late?: LateConfirmation[];
  /** head checks that found nothing new during this call */
  idleChecks?: number;
  /** after this batch (all "0" when nothing was read) */
  pnl: { total: DecimalAmount; byMarket: Record<string, DecimalAmount>; balance: DecimalAmount };
  /** set when the emergency state pauses the poller (SHUTDOWN): nothing was read or applied */
  paused?: { state: string; reason: string };
  /** risk limits this batch's P&L breached (the poller asks the emergency controller to halt) */
  breaches?: { limit: string; reason: string }[];
}

export interface ReceiptActivities {
  /**
   * Fetches receipts after the checkpoint and applies ours atomically with the new checkpoint;
   * with `idleMaxMs`, keeps doing so until something of ours was applied or the time is up.
   */
  pollReceipts(input: PollInput): Promise<PollResult>;
}

/**
 * `details[0]` of an activity failure raised from a classified error (the worker's
 * `classified()`): its type is the error class name (`CancelledError`, ...), and this names the
 * reason and carries the node's data, e.g. {need, available} or {market, state, reason}.
 */
export interface ClassifiedFailureDetails {
  reason: string;
  rpcCode?: number;
  data?: unknown;
  method?: string;
}

/**
 * Details of a `BreakerOpen` failure (the chain write guard refused the call: nothing was sent).
 * `attempt` is the refused attempt: above 1, an earlier attempt failed transiently.
 */
export interface BreakerRefusalDetails {
  breaker: string;
  state: string;
  /** ISO time from which a call may be admitted again */
  retryAt: string;
  retryAfterMs: number;
  attempt: number;
}

export type GateCheck = { admits: true } | { admits: false; state: GateState; reason: string };

export interface SubmitRequest {
  operationId: string;
  market: Market;
  estimatedCost: DecimalAmount;
  units: number;
}

export interface OperationSettlement {
  operationId: string;
  market: Market;
  estimatedCost: DecimalAmount;
  outcome: OperationOutcome;
  blockHeight?: number;
  actualCost?: DecimalAmount;
  reason?: string;
}

export type EmergencyCheck = { allows: true } | { allows: false; state: string; reason: string };

export interface SettledOperation {
  status: OperationSettlement['outcome'];
  blockHeight?: number;
  actualCost?: DecimalAmount;
}

export interface OperationActivities {
  /** HALT and SHUTDOWN refuse new operations (409 naming the halt and its reason). */
  checkEmergency(): Promise<EmergencyCheck>;
  checkGate(market: Market): Promise<GateCheck>;
  /** The reservation in units, as decimal strings (a Temporal payload). */
  reserveFunds(operationId: string, amount: DecimalAmount): Promise<AsDecimal<Reservation>>;
  /** Submits once per operation id (the node is idempotent by it); cancelled-class errors are not retried. */
  submitOperation(req: SubmitRequest): Promise<{ txHash: string; submittedHeight: number }>;
  readOperationStatus(operationId: string): Promise<{
    status: 'pending' | 'confirmed' | 'unknown';
    txHash?: string;
    blockHeight?: number;
    actualCost?: DecimalAmount;
    receiptId?: string;
  }>;
  /**
   * Releases the reservation and records the outcome; a confirmation waits (retries) until
   * accounting has applied its block. Returns the outcome as recorded: an EXPIRED, FAILED or
   * REJECTED outcome over a charge the chain already booked is recorded CONFIRMED.
   */
  settleOperation(s: OperationSettlement): Promise<SettledOperation>;
}

export interface EmergencyActivities {
  /** The state every activity reads (Redis); NORMAL when nothing was ever written. */
  readEmergencyStatus(): Promise<EmergencyStatus>;
  /** Writes the new state and its history entry; the update is acknowledged after this. */
  recordEmergencyTransition(t: EmergencyTransition): Promise<void>;
}

/** Item counts per status (DISBURSEMENT_STATUSES). */
export interface DisbursementCounts {
  QUEUED: number;
  EXECUTED: number;
  CANCELLED: number;
  FAILED: number;
}

/** The executor throttle: chunks in flight per batch, items per chunk. */
export interface ThrottleView {
  maxInFlightChunks: number;
  chunkSize: number;
}

/** Where a batch stands (the store is the truth; the workflow keeps only this). */
export interface BatchProgress {
  exists: boolean;
  counts: DisbursementCounts;
  readyLeft: number;
  throttle: ThrottleView;
}

/** What one chunk did: a summary, never its items (they live in the treasury store). */
export interface ChunkSummary extends BatchProgress {
  chunk: number;
  /** rounds claimed (each one JSON-RPC submission of up to the chunk size) */
  rounds: number;
  claimed: number;
  executed: number;
  cancelled: number;
  failed: number;
  /** other batches whose items this chunk made ready or cancelled: their workflows are signalled */
  wake: string[];
}

export interface ChunkRequest {
  batchId: string;
  chunk: number;
  /** items per round until an operator sets the throttle's chunk size */
  size: number;
  /** keep claiming rounds of newly ready items for this long (0 = one round) */
  budgetMs: number;
  correlationId: string;
  /** re-run of a chunk held by a HALT: walk its claimed rounds only (same items, executors, nonces), claim nothing new */
  resume?: boolean;
}

export interface TreasuryActivities {
  /** Reads the batch's progress and raises our executor nonce counters to the node's (a store restored from an older copy never reuses a nonce). */
  prepareBatch(batchId: string): Promise<BatchProgress>;
  /**
   * Runs chunk `n`: rounds of claim (once per round: a retry gets the same items, executors and
   * nonces) → the decision point → one JSON-RPC submission → every answer recorded atomically,
   * while items are ready and the budget lasts. Throws a retryable failure when an item got a
   * transient error (the retry resends the still-queued ones, with their nonces), and the
   * non-retryable `EmergencyHalted` when the emergency permit refuses a round (HALT/SHUTDOWN:
   * nothing sent, its items stay QUEUED; the workflow resumes the chunk after RESUME).
   */
  executeChunk(req: ChunkRequest): Promise<ChunkSummary>;
  batchProgress(batchId: string): Promise<BatchProgress>;
  /** COMPLETED once nothing is queued. */
  finishBatch(batchId: string): Promise<{ completed: boolean; counts: DisbursementCounts }>;
}
