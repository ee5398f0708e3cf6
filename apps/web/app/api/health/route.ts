import { z } from 'zod';
import { byMarket, isoTime } from '@/lib/server/api-schemas';
import { endpoint, routeMethods } from '@/lib/server/endpoint';
import { getServices } from '@/lib/server/services';
import { pollerStatus, pollerStatusSchema } from '@/lib/server/poller-status';
import { gateSchema } from '@/lib/server/chain-schemas';

export const dynamic = 'force-dynamic';

type Check = { ok: boolean; detail: string };
const checkSchema = z.object({ ok: z.boolean(), detail: z.string() });

async function check(fn: () => Promise<string>): Promise<Check> {
  try {
    return { ok: true, detail: await fn() };
  } catch (err) {
    return { ok: false, detail: (err as Error).message };
  }
}

/** Accounting trailing the chain head by more blocks than this is degraded. */
const MAX_LAG_BLOCKS = 100;

const healthSchema = z
  .object({
    status: z.enum(['healthy', 'degraded', 'unhealthy']),
    reasons: z.array(z.string()).describe('why it is not healthy; empty when healthy'),
    checks: z
      .object({ redis: checkSchema, temporal: checkSchema, chain: checkSchema })
      .optional()
      .describe('absent when the web process could not start its services'),
    poller: pollerStatusSchema.optional().describe('absent when Redis or Temporal is down'),
    gates: byMarket(gateSchema).optional().describe('absent when the node is unreachable'),
    timestamp: isoTime.optional(),
  })
  .meta({ id: 'Health' });

/**
 * Open (no key) so load balancers can probe it. healthy: everything answers; degraded: the node
 * is unreachable (runs that need it will retry) or the receipt poller is not running or lags
 * (gate states are reported, a closed gate is not ill health); unhealthy: Redis or Temporal is down.
 */
const health = endpoint({
  method: 'GET',
  path: '/api/health',
  operationId: 'getHealth',
  summary: 'healthy / degraded / unhealthy, with reasons (open: for probes)',
  tags: ['system'],
  access: 'public',
  responses: {
    200: { description: 'healthy or degraded', schema: healthSchema },
    503: { description: 'unhealthy: Redis or Temporal is down, or the configuration is invalid', schema: healthSchema },
  },
}).handle(async () => {
  let services;
  try {
    services = await getServices();
  } catch (err) {
    return { status: 503, body: { status: 'unhealthy', reasons: [(err as Error).message] } };
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
  ].filter((r): r is string => Boolean(r));
  const status = !redis.ok || !temporal.ok ? 'unhealthy' : reasons.length ? 'degraded' : 'healthy';
  const body = { status, reasons, checks: { redis, temporal, chain }, poller, gates, timestamp: new Date().toISOString() } as const;
  return status === 'unhealthy' ? { status: 503, body } : { status: 200, body };
});

export const { GET, POST, PUT, PATCH, DELETE, OPTIONS } = routeMethods(health);
