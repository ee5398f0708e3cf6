import type { EmergencyState } from '@blockops/domain';
import type { EmergencyStore } from '@blockops/emergency';

/**
 * ─── THE SUBMIT DECISION POINT ─────────────────────────────────────────────────────────────────
 * "May these disbursements be submitted now?" Asked by every chunk right before its chain call
 * (and again on every retry), so nothing reaches the node without passing here.
 *
 * Wired:
 * - the emergency controller (issue 12): `emergency.permit(ids)` (packages/emergency: ONE Lua script
 *   checks the state and records the submission intents), so after a HALT or SHUTDOWN is
 *   acknowledged no round starts. A refusal is a `halt`: the chunk fails with the non-retryable
 *   `EmergencyHalted` (as an operation's submit does), its items stay QUEUED with their executors
 *   and nonces, and the `disburse` workflow emits `execution_halted`, waits for RESUME and then
 *   resends the held rounds (same ids, executors, nonces: the node answers a resend with the first
 *   result, so nothing is paid twice).
 *
 * - the shared circuit breaker (issue 11): not a decision taken here but around the call itself,
 *   because it must also learn each request's outcome. `createTreasuryActivities` sends every
 *   JSON-RPC request of a round through `guard.run(CHAIN_BREAKER, …)` (chain-write-guard.ts): while
 *   the breaker is open no request leaves the worker and the round fails with the retryable
 *   `BreakerOpen` whose next retry delay is the time left open (the batch shows it held, its items
 *   stay QUEUED with their nonces); request failures (timeout, refused, 5xx) count toward opening it,
 *   cancelled- and storage-class answers do not.
 * The `SubmissionHeld` decision below stays for any other time-bound hold a gate may add.
 * A refusal never fails or cancels an item.
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

export type SubmitDecision =
  | { allowed: true }
  /** the emergency controller is in HALT or SHUTDOWN: the workflow waits for RESUME */
  | { allowed: false; halt: { state: EmergencyState; reason: string } }
  /** held for a while (a breaker): the chunk is retried after `retryAfterMs` */
  | { allowed: false; reason: string; retryAfterMs: number };

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

/** How a disbursement's intent is named in the emergency intents list (operations use `op:<id>`). */
export const disbursementIntentId = (id: string) => `disb:${id}`;

/** The gate of the running system: the emergency permit (the breaker guards each request itself). */
export function createSubmitGate(deps: { emergency: Pick<EmergencyStore, 'permit'> }): SubmitGate {
  return {
    async maySubmit(req) {
      // the permit checks HALT/SHUTDOWN and records the intents in one step: after a HALT is acknowledged no round starts
      const permit = await deps.emergency.permit(req.ids.map(disbursementIntentId));
      if (!permit.ok) return { allowed: false, halt: { state: permit.state, reason: permit.reason } };
      return { allowed: true };
    },
    // the breaker counts request outcomes itself (around each request, see above)
    reportSubmission: async () => {},
  };
}
