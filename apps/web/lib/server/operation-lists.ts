import { z } from 'zod';
import type { OperationStatus } from '@blockops/domain';
import { json, problem, route, temporalRunUrl, zodIssues } from './http';

const pageQuery = z.object({
  limit: z.coerce.number().int().min(1, 'must be at least 1').max(1000, 'must be at most 1000').default(50),
  offset: z.coerce.number().int().min(0, 'must be at least 0').default(0),
});

/** GET handler listing operations in `status` (or in ?status= among `allowed`), newest first. */
export function operationList(allowed: readonly [OperationStatus, ...OperationStatus[]]) {
  const query = pageQuery.extend({ status: z.enum(allowed).default(allowed[0]) });
  return route('viewer', async (req, { services }) => {
    const q = query.safeParse(Object.fromEntries(new URL(req.url).searchParams));
    if (!q.success) return problem(400, 'invalid query', { issues: zodIssues(q.error) });
    const page = await services.operations.list(q.data.status, { limit: q.data.limit, offset: q.data.offset });
    return json({
      items: page.items.map((o) => ({ ...o, temporalUrl: temporalRunUrl(services, o.workflowId) })),
      total: page.total,
      limit: q.data.limit,
      offset: q.data.offset,
      status: q.data.status,
    });
  });
}
