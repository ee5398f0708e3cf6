import { z } from 'zod';
import { errorSchema } from '@/lib/server/api-schemas';
import { endpoint, routeMethods } from '@/lib/server/endpoint';
import { graphSchema, idParam } from '@/lib/server/disbursements';

export const dynamic = 'force-dynamic';

/** The batch's DAG in one answer: ids, statuses (parallel arrays) and [dependency, dependent] index pairs. */
const getGraph = endpoint({
  method: 'GET',
  path: '/api/disbursements/batches/{batchId}/graph',
  operationId: 'getDisbursementGraph',
  summary: 'the batch’s dependency DAG for the live view, in one answer (10,000 items)',
  tags: ['treasury'],
  access: 'viewer',
  params: z.object({ batchId: idParam }),
  badPathIsNotFound: true,
  responses: {
    200: { description: 'ids, statuses and edges', schema: graphSchema },
    404: { description: 'no batch with this id', schema: errorSchema },
  },
}).handle(async ({ services, params }) => {
  const graph = await services.treasury.graph(params.batchId);
  if (!graph) return { status: 404, body: { error: `batch "${params.batchId}" not found` } };
  return { status: 200, body: graph };
});

export const { GET, POST, PUT, PATCH, DELETE, OPTIONS } = routeMethods(getGraph);
