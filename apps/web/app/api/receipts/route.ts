import { z } from 'zod';
import { formatUnits } from '@blockops/domain';
import { market, pageFields, pageQuery, unixSeconds } from '@/lib/server/api-schemas';
import { chainFailure, fromChain, unixNow } from '@/lib/server/chain-read';
import { receiptSchema } from '@/lib/server/chain-schemas';
import { endpoint, routeMethods } from '@/lib/server/endpoint';

export const dynamic = 'force-dynamic';

/**
 * Seed 002 /receipts: the chain's receipt audit trail (all accounts), newest first. The node pages
 * oldest first, so the page is mapped from the end of the range.
 */
const listReceipts = endpoint({
  method: 'GET',
  path: '/api/receipts',
  operationId: 'listReceipts',
  summary: "the chain's receipt audit trail (all accounts), newest first (seed 002 shape, Unix-second timestamps)",
  tags: ['chain'],
  access: 'viewer',
  query: z.object({ ...pageQuery(100), market: market.optional().describe('only this market') }),
  responses: {
    200: {
      description: 'a page of receipts',
      schema: z.object({ receipts: z.array(receiptSchema), ...pageFields, timestamp: unixSeconds }),
    },
    502: chainFailure,
  },
}).handle(async ({ services, query }) => {
  const { limit, offset, market } = query;
  const { chain } = services;
  const filter = market ? { market } : {};
  return fromChain(
    async () => {
      const head = (await chain.light.latestHeader()).height;
      const probe = await chain.receipt.audit({ from_height: 0, to_height: head, limit: 1, offset: 0, ...filter });
      const end = Math.max(0, probe.total - offset);
      const start = Math.max(0, end - limit);
      const page =
        end > start
          ? await chain.receipt.audit({ from_height: 0, to_height: head, limit: end - start, offset: start, ...filter })
          : { receipts: [] };
      return { total: probe.total, receipts: page.receipts };
    },
    ({ total, receipts }) => ({
      receipts: [...receipts].reverse().map((r) => ({
        ...r,
        amount: formatUnits(r.amount),
        subsidy: formatUnits(r.subsidy),
        estimated_cost: r.estimated_cost === null ? null : formatUnits(r.estimated_cost),
      })),
      total,
      limit,
      offset,
      timestamp: unixNow(),
    }),
  );
});

export const { GET, POST, PUT, PATCH, DELETE, OPTIONS } = routeMethods(listReceipts);
