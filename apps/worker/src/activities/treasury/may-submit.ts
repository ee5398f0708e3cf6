/**
 * ─── THE SUBMIT DECISION POINT ─────────────────────────────────────────────────────────────────
 * "May these disbursements be submitted now?" Asked by every chunk right before its chain call
 * (and again on every retry), so nothing reaches the node without passing here.
 *
 * Plugs in here at merge (the lead wires them; nothing is wired yet, so every chunk is allowed):
 * - the emergency controller (issue 12): `emergency.permit(req.ids)` (packages/emergency: state
 *   check + intent in one Lua script); refuse while HALT or SHUTDOWN with retryAfterMs ≈ 1 s;
 *   items stay QUEUED and the batch shows HALTED with the reason.
 * - the shared circuit breaker (issue 11): refuse while Open with retryAfterMs = the remaining open
 *   time (the chunk retries then, burning no attempt budget); in HalfOpen admit a probe. It learns
 *   the outcome through `reportSubmission` below (transient failures count, cancelled/storage do not).
 * A refusal never fails or cancels anything: the chunk activity fails with a retryable
 * `SubmissionHeld` whose next retry delay is `retryAfterMs`.
 * ────────────────────────────────────────────────────────────────────────────────────────────────
 */
export interface SubmitRequest {
  batchId: string;
  chunk: number;
  /** items about to be sent */
  items: number;
  /** their disbursement ids (the emergency permit records them as submission intents) */
  ids: string[];
  /** which activity attempt this is */
  attempt: number;
}

export type SubmitDecision = { allowed: true } | { allowed: false; reason: string; retryAfterMs: number };

/** What the node did with an allowed submission, for whoever decides (the breaker counts transient failures). */
export interface SubmissionReport {
  executed: number;
  cancelled: number;
  failed: number;
  transient: number;
  /** a failure of a whole request (timeout, refused, 5xx, auth), classified */
  requestFailures: { errorClass: 'transient' | 'cancelled' | 'storage'; reason: string }[];
}

export interface SubmitGate {
  maySubmit(req: SubmitRequest): Promise<SubmitDecision>;
  reportSubmission(req: SubmitRequest, report: SubmissionReport): Promise<void>;
}

/** Today's gate: everything may go. Replace (or compose with) the emergency check and the breaker here. */
export const openSubmitGate: SubmitGate = {
  maySubmit: async () => ({ allowed: true }),
  reportSubmission: async () => {},
};
