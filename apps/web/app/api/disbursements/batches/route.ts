import { json, route } from '@/lib/server/http';
import { intParam, withLinks } from '@/lib/server/disbursements';

export const dynamic = 'force-dynamic';

/** Batches, newest first, with counts, progress and timings. */
export const GET = route('viewer', async (req, { services }) => {
  const url = new URL(req.url);
  const limit = intParam(url, 'limit', 50, 1, 1000);
  if (limit instanceof Response) return limit;
  const offset = intParam(url, 'offset', 0, 0, Number.MAX_SAFE_INTEGER);
  if (offset instanceof Response) return offset;
  const { batches, total } = await services.treasury.listBatches(limit, offset);
  return json({ batches: batches.map((b) => withLinks(services, b)), total, limit, offset });
});
