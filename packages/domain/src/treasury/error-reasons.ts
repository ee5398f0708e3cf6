/**
 * Why a disbursement submission did not execute, as a bounded set (a metric label:
 * `treasury_execution_errors_total{reason}`). Node reasons outside the set count as `other`.
 */
export const EXECUTION_ERROR_REASONS = [
  // cancelled-class: the item is cancelled with its dependents
  'insufficient_balance',
  'invalid_destination',
  'nonce_conflict',
  'invalid_params',
  // transient: retried
  'unavailable',
  'timeout',
  'unreachable',
  'http_5xx',
  // storage-class: the item FAILED
  'storage_failure',
  'auth',
  'bad_response',
  // the decision point held the chunk (HALT, breaker open): retried later, nothing failed
  'held',
  'other',
] as const;
export type ExecutionErrorReason = (typeof EXECUTION_ERROR_REASONS)[number];

export const executionErrorReason = (reason: string | undefined): ExecutionErrorReason =>
  (EXECUTION_ERROR_REASONS as readonly string[]).includes(reason ?? '') ? (reason as ExecutionErrorReason) : 'other';
