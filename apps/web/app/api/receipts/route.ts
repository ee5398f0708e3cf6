import { z } from 'zod';
import { MARKETS } from '@blockops/domain';
import { problem, route, zodIssues } from '@/lib/server/http';
import { fromChain, now } from '@/lib/server/chain-read';

export const dynamic = 'force-dynamic';

const query = z.object({
  limit: z.coerce.number().int().min(1, 'must be at least 1').max(1000, 'must be at most 1000').default(100),
  offset: z.coerce.number().int().min(0, 'must be at least 0').default(0),
  market: z.enum(MARKETS).optional(),
});

/**
 * Seed 002 /receipts: the chain's receipt audit trail (all accounts), newest first. The node pages
 * oldest first, so the page is mapped from the end of the range.
 */
export const GET = route('viewer', async (req, { services }) => {
  const q = query.safeParse(Object.fromEntries(new URL(req.url).searchParams));
  if (!q.success) return problem(400, 'invalid query', { issues: zodIssues(q.error) });
  const { limit, offset, market } = q.data;
  const { chain } = services;
  return fromChain(async () => {
    const head = (await chain.light.latestHeader()).height;
    const probe = await chain.receipt.audit({ from_height: 0, to_height: head, limit: 1, offset: 0, ...(market ? { market } : {}) });
    const total = probe.total;
    const end = Math.max(0, total - offset);
    const start = Math.max(0, end - limit);
    const page =
      end > start
        ? await chain.receipt.audit({ from_height: 0, to_height: head, limit: end - start, offset: start, ...(market ? { market } : {}) })
        : { receipts: [] };
    return { receipts: [...page.receipts].reverse(), total, limit, offset, timestamp: now() };
  });
});
