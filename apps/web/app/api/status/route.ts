import { z } from 'zod';
import { OPERATION_STATUSES, formatUnits } from '@blockops/domain';
import { amount, isoTime } from '@/lib/server/api-schemas';
import { balanceSchema } from '@/lib/server/accounting-views';
import { endpoint, routeMethods } from '@/lib/server/endpoint';
import { temporalRunUrl } from '@/lib/server/http';
import { pollerStatus, pollerStatusSchema } from '@/lib/server/poller-status';

export const dynamic = 'force-dynamic';

const statusSchema = z.object({
  chain: z.object({ url: z.url(), height: z.number().int().nonnegative().nullable(), reachable: z.boolean() }),
  poller: pollerStatusSchema.extend({ temporalUrl: z.url() }),
  accounting: z.object({
    account: z.string().describe('TB_ACCOUNT'),
    balance: balanceSchema,
    available: amount,
    pnl: amount,
    receiptsProcessed: z.number().int().nonnegative(),
    checkpoint: z.number().int().nonnegative(),
  }),
  operations: z
    .object(Object.fromEntries(OPERATION_STATUSES.map((s) => [s, z.number().int().nonnegative()])))
    .describe('operations per status'),
  timestamp: isoTime,
});

/** Seed 000 /status: every subsystem's figures in one answer. */
const getStatus = endpoint({
  method: 'GET',
  path: '/api/status',
  operationId: 'getStatus',
  summary: 'every subsystem: chain head, receipt poller and its lag, accounting, operation counts',
  tags: ['system'],
  access: 'viewer',
  responses: { 200: { description: 'the status', schema: statusSchema } },
}).handle(async ({ services }) => {
  const head = await services.chain.light.latestHeader().then(
    (h) => h.height,
    () => undefined,
  );
  const [poller, summary, operations, available] = await Promise.all([
    pollerStatus(services, head),
    services.store.summary(),
    services.operations.counts(),
    services.store.available(),
  ]);
  return {
    status: 200,
    body: {
      chain: { url: services.config.THEBLOCK_RPC_URL, height: head ?? null, reachable: head !== undefined },
      poller: { ...poller, temporalUrl: temporalRunUrl(services, poller.workflowId) },
      accounting: {
        account: services.config.TB_ACCOUNT,
        balance: { starting: formatUnits(summary.balance.starting), current: formatUnits(summary.balance.current) },
        available: formatUnits(available),
        pnl: formatUnits(summary.total),
        receiptsProcessed: summary.receiptsProcessed,
        checkpoint: summary.checkpoint,
      },
      operations,
      timestamp: new Date().toISOString(),
    },
  };
});

export const { GET, POST, PUT, PATCH, DELETE, OPTIONS } = routeMethods(getStatus);
