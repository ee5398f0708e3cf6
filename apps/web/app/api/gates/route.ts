import { route } from '@/lib/server/http';
import { fromChain, now } from '@/lib/server/chain-read';

export const dynamic = 'force-dynamic';

/** Governor gate per market, straight from the node (operations see them through a short cache). */
export const GET = route('viewer', async (_req, { services }) =>
  fromChain(
    () => services.chain.governor.status(),
    (s) => ({ gates: s.gates, timestamp: now() }),
  ),
);
