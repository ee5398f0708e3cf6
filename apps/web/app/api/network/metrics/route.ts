import { z } from 'zod';
import { networkStrength } from '@blockops/domain';
import { unixSeconds } from '@/lib/server/api-schemas';
import { chainFailure, fromChain, unixNow } from '@/lib/server/chain-read';
import { endpoint, routeMethods } from '@/lib/server/endpoint';

export const dynamic = 'force-dynamic';

const networkMetricsSchema = z.object({
  network_strength: z.number().int().min(0).max(100).describe('0–100 score from height, peers, tps and finality'),
  block_height: z.number().int().nonnegative(),
  finality_time: z.number().nonnegative().describe('seconds'),
  peer_count: z.number().int().nonnegative(),
  tps: z.number().nonnegative(),
  bandwidth_in: z.number().nonnegative().describe('bytes per second'),
  bandwidth_out: z.number().nonnegative().describe('bytes per second'),
  active_connections: z.number().int().nonnegative(),
  timestamp: unixSeconds,
});

/** Seed 002 /network/metrics: head, finality, peers, throughput and a 0–100 strength score. */
const getNetworkMetrics = endpoint({
  method: 'GET',
  path: '/api/network/metrics',
  operationId: 'getNetworkMetrics',
  summary: 'network strength, head, finality, peers, tps, bandwidth (seed 002 shape, Unix-second timestamp)',
  tags: ['chain'],
  access: 'viewer',
  responses: { 200: { description: 'network metrics', schema: networkMetricsSchema }, 502: chainFailure },
}).handle(async ({ services }) =>
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
      timestamp: unixNow(),
    }),
  ),
);

export const { GET, POST, PUT, PATCH, DELETE, OPTIONS } = routeMethods(getNetworkMetrics);
