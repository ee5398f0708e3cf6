import { z } from 'zod';
import { unixSeconds } from '@/lib/server/api-schemas';
import { chainFailure, fromChain, unixNow } from '@/lib/server/chain-read';
import { peerSchema } from '@/lib/server/chain-schemas';
import { endpoint, routeMethods } from '@/lib/server/endpoint';

export const dynamic = 'force-dynamic';

/** Seed 002 /peers/list: the node's connected peers. */
const listPeers = endpoint({
  method: 'GET',
  path: '/api/peers',
  operationId: 'listPeers',
  summary: 'connected peers (seed 002 shape, Unix-second timestamps)',
  tags: ['chain'],
  access: 'viewer',
  responses: {
    200: {
      description: 'the peers',
      schema: z.object({ peers: z.array(peerSchema), total: z.number().int().nonnegative(), timestamp: unixSeconds }),
    },
    502: chainFailure,
  },
}).handle(async ({ services }) =>
  fromChain(
    () => services.chain.net.peers(),
    (p) => ({ peers: p.peers, total: p.peers.length, timestamp: unixNow() }),
  ),
);

export const { GET, POST, PUT, PATCH, DELETE, OPTIONS } = routeMethods(listPeers);
