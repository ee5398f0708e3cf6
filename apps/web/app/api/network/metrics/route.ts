import { networkStrength } from '@blockops/domain';
import { route } from '@/lib/server/http';
import { fromChain, now } from '@/lib/server/chain-read';

export const dynamic = 'force-dynamic';

/** Seed 002 /network/metrics: head, finality, peers, throughput and a 0–100 strength score. */
export const GET = route('viewer', async (_req, { services }) =>
  fromChain(
    () => Promise.all([services.chain.light.latestHeader(), services.chain.net.stats()]),
    ([h, s]) => ({
      network_strength: networkStrength({ height: h.height, peerCount: s.peer_count, tps: s.tps, finalityTimeS: h.finality_time }),
      block_height: h.height,
      finality_time: h.finality_time,
      peer_count: s.peer_count,
      tps: s.tps,
      bandwidth_in: s.bandwidth_in,
      bandwidth_out: s.bandwidth_out,
      active_connections: s.active_connections,
      timestamp: now(),
    }),
  ),
);
