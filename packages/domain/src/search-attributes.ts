/**
 * blockops' custom search attributes: how an operator finds runs in Temporal Web and with
 * `temporal workflow list -q`, e.g. `BlockopsMarket='compute' AND BlockopsStatus='EXPIRED'`.
 * The one list: the dev server registers them at start (packages/stack), a cluster with
 * `temporal operator search-attribute create` (README), the worker checks they exist, workflows
 * upsert them (workflows/src/search-attributes.ts) and the console filters by them.
 */
export const SEARCH_ATTRIBUTES = {
  /** the market an operation runs on: compute, storage, energy, ad */
  market: { name: 'BlockopsMarket', type: 'Keyword' },
  /** the business outcome, which Temporal's own status cannot say (EXPIRED completes, a 402 fails): ADMITTING, SUBMITTED, CONFIRMED, EXPIRED, REJECTED, FAILED */
  status: { name: 'BlockopsStatus', type: 'Keyword' },
  /** the correlation id of the request that started the run (x-correlation-id), also in every event and log line */
  correlationId: { name: 'BlockopsCorrelationId', type: 'Keyword' },
  /** the treasury batch a run belongs to */
  batchId: { name: 'BlockopsBatchId', type: 'Keyword' },
} as const;

export type SearchAttributeField = keyof typeof SEARCH_ATTRIBUTES;
export const SEARCH_ATTRIBUTE_LIST = Object.values(SEARCH_ATTRIBUTES);
