import { getServices } from '@/lib/server/services';
import { pollerStatus } from '@/lib/server/poller-status';

export const dynamic = 'force-dynamic';

type Check = { ok: boolean; detail: string };

async function check(fn: () => Promise<string>): Promise<Check> {
  try {
    return { ok: true, detail: await fn() };
  } catch (err) {
    return { ok: false, detail: (err as Error).message };
  }
}

/** Accounting trailing the chain head by more blocks than this is degraded. */
const MAX_LAG_BLOCKS = 100;

/**
 * Open (no key) so load balancers can probe it. healthy: everything answers; degraded: the node
 * is unreachable (runs that need it will retry) or the receipt poller is not running or lags
 * (gate states are reported, a closed gate is not ill health); unhealthy: Redis or Temporal is down.
 */
export async function GET() {
  let services;
  try {
    services = await getServices();
  } catch (err) {
    return Response.json({ status: 'unhealthy', reasons: [(err as Error).message] }, { status: 503 });
  }
  const [redis, temporal, chain] = await Promise.all([
    check(async () => `ping ${await services.redis.ping()}`),
    check(async () => {
      await services.temporal.workflowService.getSystemInfo({});
      return 'reachable';
    }),
    check(async () => `height ${(await services.chain.light.latestHeader()).height}`),
  ]);
  const head = chain.ok ? Number(chain.detail.split(' ')[1]) : undefined;
  const [poller, gates] = await Promise.all([
    redis.ok && temporal.ok ? pollerStatus(services, head).catch(() => undefined) : undefined,
    chain.ok
      ? services.chain.governor.status().then(
          (g) => g.gates,
          () => undefined,
        )
      : undefined,
  ]);
  const pollerProblem = !poller
    ? undefined
    : poller.status !== 'RUNNING'
      ? `receipt poller: ${poller.status.toLowerCase()}`
      : poller.lag !== null && poller.lag > MAX_LAG_BLOCKS
        ? `receipt poller: ${poller.lag} blocks behind the chain head`
        : undefined;
  const reasons = [
    !redis.ok && `redis: ${redis.detail}`,
    !temporal.ok && `temporal: ${temporal.detail}`,
    !chain.ok && `chain: ${chain.detail}`,
    pollerProblem,
  ].filter(Boolean);
  const status = !redis.ok || !temporal.ok ? 'unhealthy' : reasons.length ? 'degraded' : 'healthy';
  return Response.json(
    { status, reasons, checks: { redis, temporal, chain }, poller, gates, timestamp: new Date().toISOString() },
    { status: status === 'unhealthy' ? 503 : 200 },
  );
}
