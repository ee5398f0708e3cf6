import { ApplicationFailure } from '@temporalio/common';
import { parseAmount, unitsFromJsonNumber, type Units } from '@blockops/domain';

/**
 * An amount from a workflow payload: an exact decimal string ("25.5"). Runs started before amounts
 * were strings still carry JSON numbers; those are read as the decimal they were written as, or
 * refused — never rounded. A bad amount fails the activity for good (retrying cannot fix it).
 */
export function amountFromPayload(v: unknown, field: string): Units {
  try {
    if (typeof v === 'number') return unitsFromJsonNumber(v);
    if (typeof v === 'string') return parseAmount(v);
  } catch (err) {
    throw ApplicationFailure.nonRetryable(`${field}: ${(err as Error).message}`, 'InvalidAmount');
  }
  throw ApplicationFailure.nonRetryable(`${field}: must be a decimal string like "12.34" (got ${typeof v})`, 'InvalidAmount');
}
