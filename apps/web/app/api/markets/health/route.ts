import { z } from 'zod';
import { unixSeconds } from '@/lib/server/api-schemas';
import { chainFailure, fromChain, unixNow } from '@/lib/server/chain-read';
import { marketStatsSchema } from '@/lib/server/chain-schemas';
import { endpoint, routeMethods } from '@/lib/server/endpoint';

export const dynamic = 'force-dynamic';

const marketsHealthSchema = z.object({
  overall_status: z
    .enum(['healthy', 'degraded', 'unhealthy'])
    .describe('healthy when all four are; unhealthy when one is halted or fewer than two are healthy'),
  markets: marketStatsSchema,
  healthy_markets: z.number().int().min(0).max(4),
  total_markets: z.literal(4),
  timestamp: unixSeconds,
});

/** Seed 002 /markets/health: the four markets' stats; overall healthy only when all are. */
const getMarketsHealth = endpoint({
  method: 'GET',
  path: '/api/markets/health',
  operationId: 'getMarketsHealth',
  summary: "the four markets' status and statistics (seed 002 shape, Unix-second timestamp)",
  tags: ['chain'],
  access: 'viewer',
  responses: { 200: { description: 'market health', schema: marketsHealthSchema }, 502: chainFailure },
}).handle(async ({ services }) => {
  const { chain } = services;
  return fromChain(
    () => Promise.all([chain.computeMarket.stats(), chain.storage.stats(), chain.energy.marketState(), chain.adMarket.stats()]),
    ([compute, storage, energy, ads]) => {
      const markets = { compute, storage, energy, ads };
      const healthy = Object.values(markets).filter((m) => m.status === 'healthy').length;
      const anyHalted = Object.values(markets).some((m) => m.status === 'halted');
      return {
        overall_status: healthy === 4 ? 'healthy' : anyHalted || healthy < 2 ? 'unhealthy' : 'degraded',
        markets,
        healthy_markets: healthy,
        total_markets: 4,
        timestamp: unixNow(),
      } as const;
    },
  );
});

export const { GET, POST, PUT, PATCH, DELETE, OPTIONS } = routeMethods(getMarketsHealth);
