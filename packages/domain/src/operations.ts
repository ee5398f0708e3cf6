import type { Units } from './money';

/**
 * An operation's life (DESIGN.md §3): SUBMITTED → CONFIRMED | EXPIRED; REJECTED (gate, balance)
 * or FAILED (chain) before it was submitted.
 */
export const OPERATION_STATUSES = ['SUBMITTED', 'CONFIRMED', 'EXPIRED', 'REJECTED', 'FAILED'] as const;
export type OperationStatus = (typeof OPERATION_STATUSES)[number];
/** How an operation ends: the statuses that settle (or release) its reservation. */
export type OperationOutcome = Exclude<OperationStatus, 'SUBMITTED'>;
/** Ended without a confirmation: listed together by `GET /api/operations/closed`. */
export const CLOSED_OPERATION_STATUSES = ['EXPIRED', 'REJECTED', 'FAILED'] as const satisfies readonly OperationOutcome[];

/**
 * The answer to reserving an operation's estimated cost against balance − reserved, in units; as
 * an activity's result (a Temporal payload) it is `AsDecimal<Reservation>`: decimal strings.
 */
export type Reservation = { ok: true; available: Units } | { ok: false; need: Units; available: Units };
