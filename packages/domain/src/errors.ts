/**
 * The error taxonomy of DESIGN.md §4 (seed 003). Every failure that crosses a downstream boundary
 * is classified so retry policies and circuit breakers can act on it without string matching:
 *
 * - `transient`  timeout, refused, 5xx, unavailable — counted by the breaker, retried.
 * - `cancelled`  business rejection (insufficient balance, invalid destination, nonce conflict,
 *                invalid params) — not counted, not retried; the item is cancelled with the reason.
 * - `storage`    fatal (storage failure, misconfiguration such as a rejected auth token or an
 *                unknown method) — not counted, not retried; an operator must act.
 */
export type ErrorClass = 'transient' | 'cancelled' | 'storage';

/** Error names double as Temporal ApplicationFailure types, so retry policies can list them. */
export const ERROR_NAMES = {
  transient: 'TransientError',
  cancelled: 'CancelledError',
  storage: 'StorageError',
} as const satisfies Record<ErrorClass, string>;

/** Error types a Temporal retry policy must never retry. */
export const NON_RETRYABLE_ERROR_TYPES: string[] = [ERROR_NAMES.cancelled, ERROR_NAMES.storage];

/** Marks classified errors across copies of this module (the web's route bundles and its custom server load separate ones). */
const CLASSIFIED = Symbol.for('blockops.classifiedError');

export class ClassifiedError extends Error {
  readonly [CLASSIFIED] = true;

  constructor(
    message: string,
    readonly errorClass: ErrorClass,
    /** A short, bounded, machine-readable reason (safe as a metric label), e.g. `insufficient_balance`. */
    readonly reason: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = ERROR_NAMES[errorClass];
  }

  get retryable(): boolean {
    return this.errorClass === 'transient';
  }

  /** Whether a circuit breaker counts this failure (seed 003: only transient ones). */
  get countsForBreaker(): boolean {
    return this.errorClass === 'transient';
  }
}

export function isClassifiedError(err: unknown): err is ClassifiedError {
  return (
    err instanceof ClassifiedError || (typeof err === 'object' && err !== null && (err as { [CLASSIFIED]?: boolean })[CLASSIFIED] === true)
  );
}
