import { z } from 'zod';
import { json, problem, route, zodIssues } from '@/lib/server/http';

export const dynamic = 'force-dynamic';

const query = z.object({
  history: z.coerce.number().int().min(0, 'must be at least 0').max(1000, 'must be at most 1000').default(50),
});

/** Alerts Alertmanager delivered to the console: those firing now, and recent changes of state. */
export const GET = route('viewer', async (req, { services }) => {
  const q = query.safeParse(Object.fromEntries(new URL(req.url).searchParams));
  if (!q.success) return problem(400, 'invalid query', { issues: zodIssues(q.error) });
  const [firing, history] = await Promise.all([
    services.alerts.firing(),
    q.data.history > 0 ? services.alerts.history(q.data.history) : Promise.resolve([]),
  ]);
  return json({ firing, history });
});
