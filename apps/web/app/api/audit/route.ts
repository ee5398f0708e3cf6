import { z } from 'zod';
import { streamIdSchema } from '@blockops/events';
import { isoTime } from '@/lib/server/api-schemas';
import { endpoint, routeMethods } from '@/lib/server/endpoint';

export const dynamic = 'force-dynamic';

const auditEntrySchema = z
  .object({
    id: z.string().describe('stream entry id; pass it as `before` for the next page'),
    timestamp: isoTime,
    actor: z.string().describe('<role>:<x-actor header>'),
    action: z.string().describe('e.g. operation.submit, workflow.start'),
    target: z.string().optional(),
    reason: z.string().optional(),
    outcome: z.enum(['accepted', 'rejected', 'failed']),
    details: z.record(z.string(), z.unknown()).optional(),
  })
  .meta({ id: 'AuditEntry' });

/** The audit log of control actions, newest first. */
const listAudit = endpoint({
  method: 'GET',
  path: '/api/audit',
  operationId: 'listAudit',
  summary: 'the audit log of control actions (accepted, rejected and failed), newest first',
  tags: ['audit'],
  access: 'viewer',
  query: z.object({
    limit: z.coerce.number().int('must be an integer').min(1, 'must be at least 1').max(1000, 'must be at most 1000').default(100),
    before: streamIdSchema.optional().describe('an audit entry id: entries older than it'),
  }),
  responses: { 200: { description: 'audit entries', schema: z.object({ entries: z.array(auditEntrySchema) }) } },
}).handle(async ({ services, query }) => ({
  status: 200,
  body: { entries: (await services.audit.list({ limit: query.limit, beforeId: query.before })).map((e) => ({ ...e, id: e.id! })) },
}));

export const { GET, POST, PUT, PATCH, DELETE, OPTIONS } = routeMethods(listAudit);
