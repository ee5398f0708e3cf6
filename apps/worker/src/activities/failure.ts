import { ApplicationFailure } from '@temporalio/common';
import { asDecimal, isClassifiedError } from '@blockops/domain';
import { ChainError } from '@blockops/chain';
import type { ClassifiedFailureDetails } from '@blockops/workflows/public';

/**
 * A classified error as a Temporal failure: its type is the error class name (retry policies list
 * the non-retryable ones) and its details carry the node's code and data (e.g. {need, available}),
 * so a workflow can answer precisely without parsing messages. Amounts in the data (bigint units
 * from the chain client) become decimal strings, like every amount in a Temporal payload.
 */
function asActivityFailure(err: unknown): unknown {
  if (!isClassifiedError(err)) return err;
  const chain = err instanceof ChainError ? err : undefined;
  return ApplicationFailure.create({
    type: err.name,
    message: err.message,
    nonRetryable: !err.retryable,
    details: [
      {
        reason: err.reason,
        rpcCode: chain?.rpcCode,
        data: asDecimal(chain?.data),
        method: chain?.method,
      } satisfies ClassifiedFailureDetails,
    ],
    cause: err,
  });
}

/** Runs `fn`, rethrowing a classified error as its Temporal failure. */
export async function classified<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    throw asActivityFailure(err);
  }
}
