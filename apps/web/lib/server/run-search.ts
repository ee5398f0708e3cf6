import { z } from 'zod';
import type { WorkflowExecutionInfo } from '@temporalio/client';
import { MARKETS, SEARCH_ATTRIBUTES } from '@blockops/domain';
import { BATCH_ID_KEY, CORRELATION_ID_KEY, MARKET_KEY, STATUS_KEY } from '@blockops/workflows/search-attributes';

/** Business statuses a run's BlockopsStatus search attribute takes (operations today). */
export const BUSINESS_STATUSES = ['ADMITTING', 'SUBMITTED', 'CONFIRMED', 'EXPIRED', 'REJECTED', 'FAILED'] as const;

/** A visibility-safe keyword: no quotes or operators can reach the query. */
const keyword = (what: string) =>
  z
    .string()
    .regex(/^[\w.:@/-]{1,200}$/, `must be a ${what}: 1–200 letters, digits or _ . : @ / -`)
    .optional();

/** `/api/runs` filters by blockops' search attributes (what Temporal Web's query box takes, as fields). */
export const runSearchQuery = z.object({
  market: z.enum(MARKETS).optional().describe(`${SEARCH_ATTRIBUTES.market.name}: the operation's market`),
  businessStatus: z
    .enum(BUSINESS_STATUSES)
    .optional()
    .describe(`${SEARCH_ATTRIBUTES.status.name}: the business outcome (an EXPIRED operation completes in Temporal)`),
  correlationId: keyword('correlation id').describe(`${SEARCH_ATTRIBUTES.correlationId.name}: the request that started the run`),
  batchId: keyword('batch id').describe(`${SEARCH_ATTRIBUTES.batchId.name}: the treasury batch`),
});
export type RunSearch = z.infer<typeof runSearchQuery>;

/** What the runs list reports of them: null where a run has none. */
export const runSearchAttributesSchema = z.object({
  market: z.string().nullable().describe(`${SEARCH_ATTRIBUTES.market.name}`),
  businessStatus: z.string().nullable().describe(`${SEARCH_ATTRIBUTES.status.name}: the business outcome`),
  correlationId: z.string().nullable().describe(`${SEARCH_ATTRIBUTES.correlationId.name}`),
  batchId: z.string().nullable().describe(`${SEARCH_ATTRIBUTES.batchId.name}`),
});

/** The visibility query clauses for the filters given, e.g. `BlockopsMarket = 'compute'`. */
export function searchClauses(q: RunSearch): string[] {
  const clauses: string[] = [];
  if (q.market) clauses.push(`${SEARCH_ATTRIBUTES.market.name} = '${q.market}'`);
  if (q.businessStatus) clauses.push(`${SEARCH_ATTRIBUTES.status.name} = '${q.businessStatus}'`);
  if (q.correlationId) clauses.push(`${SEARCH_ATTRIBUTES.correlationId.name} = '${q.correlationId}'`);
  if (q.batchId) clauses.push(`${SEARCH_ATTRIBUTES.batchId.name} = '${q.batchId}'`);
  return clauses;
}

/** A run's blockops search attributes, null where unset. */
export function searchAttributesOf(wf: Pick<WorkflowExecutionInfo, 'typedSearchAttributes'>) {
  const sa = wf.typedSearchAttributes;
  return {
    market: sa.get(MARKET_KEY) ?? null,
    businessStatus: sa.get(STATUS_KEY) ?? null,
    correlationId: sa.get(CORRELATION_ID_KEY) ?? null,
    batchId: sa.get(BATCH_ID_KEY) ?? null,
  };
}
