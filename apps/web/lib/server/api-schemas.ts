/**
 * The shared vocabulary of /api answers (zod): error bodies, timestamps, amounts, pages. Route
 * files compose their response schemas from these; the OpenAPI document is generated from them.
 */
import { z } from 'zod';
import { MARKETS, decimalAmountSchema } from '@blockops/domain';

/** Every amount in an answer: an exact decimal string ("7016.06"), never a float. */
export const amount = decimalAmountSchema;

/** blockops' own timestamps: ISO 8601 in UTC. */
export const isoTime = z.iso.datetime({ offset: true }).describe('ISO 8601 date-time (UTC)');

/** Where a seed defines the shape with Unix seconds (the node's receipts, seed 002's answers), it is kept. */
export const unixSeconds = z.number().int().nonnegative().describe('Unix time in seconds (the shape seed 002 / the node defines)');

export const market = z.enum(MARKETS);
export const byMarket = <T extends z.ZodType>(value: T) => z.object({ compute: value, storage: value, energy: value, ad: value });

export const issueSchema = z.object({
  field: z.string().describe('the offending field, dotted path ("(body)" for the whole body)'),
  message: z.string().describe('what is wrong, with the limit'),
});

/** An error answer: `error` is one readable sentence; `issues` name fields and limits. */
export const errorSchema = z
  .object({
    error: z.string().describe('one readable sentence'),
    issues: z.array(issueSchema).optional(),
  })
  .meta({ id: 'Error' });

/** Links every answer about a run carries. */
export const runLinks = {
  workflowId: z.string(),
  temporalUrl: z.url().describe('the run in Temporal Web'),
  consoleUrl: z.string().describe('the run in this console (path)'),
};

export const pageFields = {
  total: z.number().int().nonnegative().describe('items in the whole list'),
  limit: z.number().int().positive(),
  offset: z.number().int().nonnegative(),
};

/** Query parameters of a paged list. */
export const pageQuery = (defaultLimit: number, maxLimit = 1000) => ({
  limit: z.coerce
    .number()
    .int('must be an integer')
    .min(1, 'must be at least 1')
    .max(maxLimit, `must be at most ${maxLimit}`)
    .default(defaultLimit)
    .describe('items per page'),
  offset: z.coerce.number().int('must be an integer').min(0, 'must be at least 0').default(0).describe('items to skip'),
});
