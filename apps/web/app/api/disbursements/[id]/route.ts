import { json, problem, route } from '@/lib/server/http';

export const dynamic = 'force-dynamic';

/** One disbursement: its dependencies and dependents, nonce, tx hash, attempts, reason, root cause, the full memo. */
export const GET = route<{ id: string }>('viewer', async (_req, { services, params }) => {
  const item = await services.treasury.item(params.id);
  if (!item) return problem(404, `disbursement ${JSON.stringify(params.id.slice(0, 64))} not found`);
  return json(item);
});
