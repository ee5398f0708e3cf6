import { z } from 'zod';
import { byMarket, isoTime } from '@/lib/server/api-schemas';
import { chainFailure, fromChain } from '@/lib/server/chain-read';
import { gateSchema } from '@/lib/server/chain-schemas';
import { endpoint, routeMethods } from '@/lib/server/endpoint';

export const dynamic = 'force-dynamic';

/** Governor gate per market, straight from the node (operations see them through a short cache). */
const getGates = endpoint({
  method: 'GET',
  path: '/api/gates',
  operationId: 'getGates',
  summary: 'governor gate per market, from the node',
  tags: ['chain'],
  access: 'viewer',
  responses: {
    200: { description: 'the gates', schema: z.object({ gates: byMarket(gateSchema), timestamp: isoTime }) },
    502: chainFailure,
  },
}).handle(async ({ services }) =>
  fromChain(
    () => services.chain.governor.status(),
    (s) => ({ gates: s.gates, timestamp: new Date().toISOString() }),
  ),
);

export const { GET, POST, PUT, PATCH, DELETE, OPTIONS } = routeMethods(getGates);
