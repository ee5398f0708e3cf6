import { z } from 'zod';
import { breakerNameSchema } from '@blockops/domain';
import { endpoint, routeMethods } from '@/lib/server/endpoint';
import { BREAKER_ACTIONS, breakerControlSchema, breakerSchema, controlBreaker } from '@/lib/server/breakers';
import { errorSchema } from '@/lib/server/api-schemas';

export const dynamic = 'force-dynamic';

const AUDIT_ACTION: Record<string, string> = {
  'force-open': 'breaker.force_open',
  'force-close': 'breaker.force_close',
  reset: 'breaker.reset',
};

/**
 * POST /api/breakers/{name}/force-open|force-close|reset with `{ "reason" }`: operator key, audited
 * (refusals of the path or body too). A forced state holds until reset.
 */
const control = endpoint({
  method: 'POST',
  path: '/api/breakers/{name}/{action}',
  operationId: 'controlBreaker',
  summary: 'force a circuit breaker open or closed, or reset it, with a reason',
  description:
    '`force-open` holds the breaker open (no chain write goes) and `force-close` holds it closed (every write goes, nothing counted) until `reset`, which returns it to closed with every count cleared.',
  tags: ['breakers'],
  access: 'operator',
  params: z.object({ name: breakerNameSchema, action: z.enum(BREAKER_ACTIONS).describe('force-open, force-close or reset') }),
  badPathIsNotFound: true,
  body: breakerControlSchema,
  audit: (p) => AUDIT_ACTION[p.action ?? ''] ?? `breaker.${p.action ?? ''}`,
  responses: {
    200: {
      description: 'the breaker after the action; `changed` is false when it already was in that state',
      schema: z.object({ changed: z.boolean(), breaker: breakerSchema }),
    },
    404: { description: 'no breaker of that name (the message lists the known ones), or an unknown action', schema: errorSchema },
  },
}).handle(async ({ services, caller, params: { name, action }, body: { reason } }) =>
  controlBreaker(services, action, name, reason, caller),
);

export const { GET, POST, PUT, PATCH, DELETE, OPTIONS } = routeMethods(control);
