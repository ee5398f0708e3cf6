import { route } from '@/lib/server/http';
import { fromChain, now } from '@/lib/server/chain-read';

export const dynamic = 'force-dynamic';

export const GET = route('viewer', async (_req, { services }) =>
  fromChain(
    () => services.chain.net.peers(),
    (p) => ({ peers: p.peers, total: p.peers.length, timestamp: now() }),
  ),
);
