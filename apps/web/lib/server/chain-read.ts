import { isClassifiedError } from '@blockops/domain';
import { z } from 'zod';
import { errorSchema } from './api-schemas';

/** A node failure as the API reports it (502): the classified error's message and class. */
export const chainErrorSchema = errorSchema
  .extend({ errorClass: z.enum(['storage', 'cancelled', 'transient']).describe('DESIGN.md §4 error class') })
  .meta({ id: 'ChainError' });

export const chainFailure = {
  description: 'The Block node failed or is unreachable; the message names the failure',
  schema: chainErrorSchema,
};

/** Answers 200 with the node's data shaped by `shape`, or 502 naming the node's failure. */
export async function fromChain<T, R>(
  read: () => Promise<T>,
  shape: (v: T) => R,
): Promise<{ status: 200; body: R } | { status: 502; body: z.input<typeof chainErrorSchema> }> {
  try {
    return { status: 200, body: shape(await read()) };
  } catch (err) {
    if (isClassifiedError(err)) return { status: 502, body: { error: `The Block node: ${err.message}`, errorClass: err.errorClass } };
    throw err;
  }
}

/** Unix seconds: the timestamp shape seed 002 defines for the node-derived answers. */
export const unixNow = () => Math.floor(Date.now() / 1000);
