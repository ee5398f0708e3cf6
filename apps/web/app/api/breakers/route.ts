import { z } from 'zod';
import { endpoint, routeMethods } from '@/lib/server/endpoint';
import { isoTime } from '@/lib/server/api-schemas';
import { breakerSchema, listBreakers } from '@/lib/server/breakers';

export const dynamic = 'force-dynamic';

/** Every circuit breaker: state, counts, thresholds, opened-at, next probe time, last transition. */
const list = endpoint({
  method: 'GET',
  path: '/api/breakers',
  operationId: 'listBreakers',
  summary: 'every circuit breaker: state, counts, thresholds, opened-at, next probe time, last transition',
  tags: ['breakers'],
  access: 'viewer',
  responses: {
    200: {
      description: 'the breakers (always the chain’s, `theblock`)',
      schema: z.object({ now: isoTime.nullable(), breakers: z.array(breakerSchema) }),
    },
  },
}).handle(async ({ services }) => ({ status: 200, body: await listBreakers(services.breakers) }));

export const { GET, POST, PUT, PATCH, DELETE, OPTIONS } = routeMethods(list);
