import { json, problem, route } from '@/lib/server/http';

export const dynamic = 'force-dynamic';

/** The batch's DAG in one answer: ids, statuses (parallel arrays) and [dependency, dependent] index pairs. */
export const GET = route<{ batchId: string }>('viewer', async (_req, { services, params }) => {
  const graph = await services.treasury.graph(params.batchId);
  if (!graph) return problem(404, `batch ${JSON.stringify(params.batchId.slice(0, 64))} not found`);
  return json(graph);
});
