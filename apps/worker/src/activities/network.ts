import type { NetworkActivities } from '@blockops/workflows/public';
import type { ChainClient } from '@blockops/chain';

/** Network reads for the networkCheck workflow; errors arrive already classified by the chain client. */
export function createNetworkActivities(chain: Pick<ChainClient, 'light' | 'net'>): NetworkActivities {
  return {
    async readLatestHeader() {
      const h = await chain.light.latestHeader();
      return { height: h.height, hash: h.hash, finalityTimeS: h.finality_time };
    },
    async readNetStats() {
      const s = await chain.net.stats();
      return { peerCount: s.peer_count, tps: s.tps };
    },
  };
}
