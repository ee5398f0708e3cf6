import { route } from '@/lib/server/http';
import { fromChain, now } from '@/lib/server/chain-read';

export const dynamic = 'force-dynamic';

/** Seed 002 /markets/health: the four markets' stats; overall healthy only when all are. */
export const GET = route('viewer', async (_req, { services }) => {
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
        timestamp: now(),
      };
    },
  );
});
