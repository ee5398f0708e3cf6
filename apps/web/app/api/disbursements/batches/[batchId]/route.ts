import { json, problem, route } from '@/lib/server/http';
import { withLinks } from '@/lib/server/disbursements';

export const dynamic = 'force-dynamic';

/** One batch: status, counts per status, progress, timings. */
export const GET = route<{ batchId: string }>('viewer', async (_req, { services, params }) => {
  const summary = await services.treasury.batchSummary(params.batchId);
  if (!summary) return problem(404, `batch ${JSON.stringify(params.batchId.slice(0, 64))} not found`);
  return json(withLinks(services, summary));
});
