import { getServices } from '@/lib/server/services';

export const dynamic = 'force-dynamic';

type Check = { ok: boolean; detail: string };

async function check(fn: () => Promise<string>): Promise<Check> {
  try {
    return { ok: true, detail: await fn() };
  } catch (err) {
    return { ok: false, detail: (err as Error).message };
  }
}

/**
 * Open (no key) so load balancers can probe it. healthy: everything answers; degraded: the node
 * is unreachable (runs that need it will retry); unhealthy: Redis or Temporal is down.
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
  const reasons = [
    !redis.ok && `redis: ${redis.detail}`,
    !temporal.ok && `temporal: ${temporal.detail}`,
    !chain.ok && `chain: ${chain.detail}`,
  ].filter(Boolean);
  const status = !redis.ok || !temporal.ok ? 'unhealthy' : !chain.ok ? 'degraded' : 'healthy';
  return Response.json(
    { status, reasons, checks: { redis, temporal, chain }, timestamp: new Date().toISOString() },
    { status: status === 'unhealthy' ? 503 : 200 },
  );
}
