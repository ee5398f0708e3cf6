import { z } from 'zod';
import { errorSchema } from '@/lib/server/api-schemas';
import { endpoint, routeMethods } from '@/lib/server/endpoint';
import { idParam, itemSchema } from '@/lib/server/disbursements';

export const dynamic = 'force-dynamic';

/** One disbursement: its dependencies and dependents, nonce, tx hash, attempts, reason, root cause, the full memo. */
const getDisbursement = endpoint({
  method: 'GET',
  path: '/api/disbursements/{id}',
  operationId: 'getDisbursement',
  summary: 'one disbursement: dependencies, dependents (in any batch), executor, nonce, tx hash, attempts, reason, root cause, full memo',
  tags: ['treasury'],
  access: 'viewer',
  params: z.object({ id: idParam }),
  badPathIsNotFound: true,
  responses: {
    200: { description: 'the item', schema: itemSchema.extend({ dependents: z.array(z.string()) }) },
    404: { description: 'no disbursement with this id', schema: errorSchema },
  },
}).handle(async ({ services, params }) => {
  const item = await services.treasury.item(params.id);
  if (!item) return { status: 404, body: { error: `disbursement "${params.id}" not found` } };
  return { status: 200, body: item };
});

export const { GET, POST, PUT, PATCH, DELETE, OPTIONS } = routeMethods(getDisbursement);
