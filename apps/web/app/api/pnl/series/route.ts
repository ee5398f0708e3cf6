import { z } from 'zod';
import { json, problem, route, zodIssues } from '@/lib/server/http';

export const dynamic = 'force-dynamic';

const query = z.object({ limit: z.coerce.number().int().min(1, 'must be at least 1').max(10_000, 'must be at most 10000').default(500) });

/** P&L time series for charts: one point per applied batch with receipts of ours, oldest first. */
export const GET = route('viewer', async (req, { services }) => {
  const q = query.safeParse(Object.fromEntries(new URL(req.url).searchParams));
  if (!q.success) return problem(400, 'invalid query', { issues: zodIssues(q.error) });
  return json({ points: await services.store.series({ limit: q.data.limit }) });
});
