import { z } from 'zod';
import { errorSchema } from '@/lib/server/api-schemas';
import { endpoint, routeMethods } from '@/lib/server/endpoint';
import { batchSummarySchema, idParam, withLinks } from '@/lib/server/disbursements';

export const dynamic = 'force-dynamic';

/** One batch: status, counts per status, progress, timings. */
const getBatch = endpoint({
  method: 'GET',
  path: '/api/disbursements/batches/{batchId}',
  operationId: 'getDisbursementBatch',
  summary: 'one batch: status (RUNNING, HALTED, COMPLETED), counts per status, amounts, timings',
  tags: ['treasury'],
  access: 'viewer',
  params: z.object({ batchId: idParam }),
  badPathIsNotFound: true,
  responses: {
    200: { description: 'the batch', schema: batchSummarySchema },
    404: { description: 'no batch with this id', schema: errorSchema },
  },
}).handle(async ({ services, params }) => {
  const summary = await services.treasury.batchSummary(params.batchId);
  if (!summary) return { status: 404, body: { error: `batch "${params.batchId}" not found` } };
  return { status: 200, body: withLinks(services, summary) };
});

export const { GET, POST, PUT, PATCH, DELETE, OPTIONS } = routeMethods(getBatch);
