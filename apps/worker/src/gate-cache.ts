import type { Gates } from '@blockops/domain';
import type { RedisClient } from '@blockops/events';

/**
 * Gate states cached briefly in Redis (shared by all workers), refreshed from `governor.status`:
 * a burst of operations costs one node call per `ttlMs`, and a gate change is seen within it.
 */
export function createGateCache(opts: { redis: RedisClient; key: string; ttlMs: number; fetch: () => Promise<Gates> }) {
  return {
    async get(): Promise<Gates> {
      const cached = await opts.redis.get(opts.key);
      if (cached) return JSON.parse(cached) as Gates;
      const gates = await opts.fetch();
      await opts.redis.set(opts.key, JSON.stringify(gates), { PX: opts.ttlMs });
      return gates;
    },
    invalidate: () => opts.redis.del(opts.key),
  };
}
export type GateCache = ReturnType<typeof createGateCache>;
