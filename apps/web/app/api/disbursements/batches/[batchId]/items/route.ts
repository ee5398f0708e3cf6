import { json, problem, route } from '@/lib/server/http';
import { intParam, statusParam } from '@/lib/server/disbursements';

export const dynamic = 'force-dynamic';

/** Items of a batch in batch order, optionally of one status; lists carry the on-chain memo (≤ 1,024 bytes). */
export const GET = route<{ batchId: string }>('viewer', async (req, { services, params }) => {
  const url = new URL(req.url);
  const status = statusParam(url);
  if (status instanceof Response) return status;
  const limit = intParam(url, 'limit', 100, 1, 10_000);
  if (limit instanceof Response) return limit;
  const offset = intParam(url, 'offset', 0, 0, Number.MAX_SAFE_INTEGER);
  if (offset instanceof Response) return offset;
  if (!(await services.treasury.batchSummary(params.batchId)))
    return problem(404, `batch ${JSON.stringify(params.batchId.slice(0, 64))} not found`);
  const page = await services.treasury.listItems(params.batchId, { status, limit, offset });
  return json({ ...page, limit, offset });
});
