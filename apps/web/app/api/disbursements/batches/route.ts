import { z } from 'zod';
import { pageFields, pageQuery } from '@/lib/server/api-schemas';
import { endpoint, routeMethods } from '@/lib/server/endpoint';
import { batchSummarySchema, withLinks } from '@/lib/server/disbursements';

export const dynamic = 'force-dynamic';

/** Batches, newest first, with counts, progress and timings. */
const listBatches = endpoint({
  method: 'GET',
  path: '/api/disbursements/batches',
  operationId: 'listDisbursementBatches',
  summary: 'disbursement batches, newest first: status, counts per status, amounts, timings, links',
  tags: ['treasury'],
  access: 'viewer',
  query: z.object(pageQuery(50)),
  responses: { 200: { description: 'a page of batches', schema: z.object({ batches: z.array(batchSummarySchema), ...pageFields }) } },
}).handle(async ({ services, query }) => {
  const { batches, total } = await services.treasury.listBatches(query.limit, query.offset);
  return { status: 200, body: { batches: batches.map((b) => withLinks(services, b)), total, limit: query.limit, offset: query.offset } };
});

export const { GET, POST, PUT, PATCH, DELETE, OPTIONS } = routeMethods(listBatches);
