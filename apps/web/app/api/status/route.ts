import { json, route, temporalRunUrl } from '@/lib/server/http';
import { pollerStatus } from '@/lib/server/poller-status';

export const dynamic = 'force-dynamic';

/** Seed 000 /status: every subsystem's figures in one answer. */
export const GET = route('viewer', async (_req, { services }) => {
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
  return json({
    chain: { url: services.config.THEBLOCK_RPC_URL, height: head ?? null, reachable: head !== undefined },
    poller: { ...poller, temporalUrl: temporalRunUrl(services, poller.workflowId) },
    accounting: {
      account: services.config.TB_ACCOUNT,
      balance: summary.balance,
      available,
      pnl: summary.total,
      receiptsProcessed: summary.receiptsProcessed,
      checkpoint: summary.checkpoint,
    },
    operations,
    timestamp: new Date().toISOString(),
  });
});
