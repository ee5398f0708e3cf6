import { z } from 'zod';
import { DISBURSEMENT_STATUSES } from '@blockops/domain';
import { errorSchema, pageFields, pageQuery } from '@/lib/server/api-schemas';
import { endpoint, routeMethods } from '@/lib/server/endpoint';
import { idParam, itemSchema } from '@/lib/server/disbursements';

export const dynamic = 'force-dynamic';

/** Items of a batch in batch order, optionally of one status; lists carry the on-chain memo (≤ 1,024 bytes). */
const listItems = endpoint({
  method: 'GET',
  path: '/api/disbursements/batches/{batchId}/items',
  operationId: 'listDisbursements',
  summary: 'the items of a batch in batch order, optionally of one status (up to 10,000 per page)',
  tags: ['treasury'],
  access: 'viewer',
  params: z.object({ batchId: idParam }),
  badPathIsNotFound: true,
  query: z.object({ status: z.enum(DISBURSEMENT_STATUSES).optional().describe('only items of this status'), ...pageQuery(100, 10_000) }),
  responses: {
    200: { description: 'a page of items', schema: z.object({ items: z.array(itemSchema), ...pageFields }) },
    404: { description: 'no batch with this id', schema: errorSchema },
  },
}).handle(async ({ services, params, query }) => {
  if (!(await services.treasury.batchSummary(params.batchId)))
    return { status: 404, body: { error: `batch "${params.batchId}" not found` } };
  const page = await services.treasury.listItems(params.batchId, { status: query.status, limit: query.limit, offset: query.offset });
  return { status: 200, body: { ...page, limit: query.limit, offset: query.offset } };
});

export const { GET, POST, PUT, PATCH, DELETE, OPTIONS } = routeMethods(listItems);
