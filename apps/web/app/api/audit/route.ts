import { z } from 'zod';
import { streamIdSchema } from '@blockops/events';
import { json, problem, route, zodIssues } from '@/lib/server/http';

export const dynamic = 'force-dynamic';

const query = z.object({
  limit: z.coerce.number().int().min(1, 'must be at least 1').max(1000, 'must be at most 1000').default(100),
  /** an audit entry id (entries are stream entries) */
  before: streamIdSchema.optional(),
});

/** The audit log of control actions, newest first. */
export const GET = route('viewer', async (req, { services }) => {
  const q = query.safeParse(Object.fromEntries(new URL(req.url).searchParams));
  if (!q.success) return problem(400, 'invalid query', { issues: zodIssues(q.error) });
  return json({ entries: await services.audit.list({ limit: q.data.limit, beforeId: q.data.before }) });
});
