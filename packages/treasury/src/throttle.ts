import type { ThrottleSetting, ThrottleUpdate } from '@blockops/domain';
import type { RedisClient } from '@blockops/events';
import type { TreasuryKeys } from './keys';

/** The executor throttle as stored: set live by an operator, read by every chunk. */
export interface Throttle extends ThrottleSetting {
  /** ISO time of the last change; absent while the configured defaults apply */
  updatedAt?: string;
  /** who set it (`operator:<name>`), or `config` for the defaults */
  actor: string;
  reason?: string;
}

export function createThrottle(redis: RedisClient, keys: TreasuryKeys, defaults: ThrottleSetting) {
  const read = (h: Record<string, string>): Throttle => ({
    maxInFlightChunks: Number(h.maxInFlightChunks ?? defaults.maxInFlightChunks),
    chunkSize: Number(h.chunkSize ?? defaults.chunkSize),
    ...(h.updatedAt ? { updatedAt: new Date(Number(h.updatedAt)).toISOString() } : {}),
    actor: h.actor ?? 'config',
    ...(h.reason ? { reason: h.reason } : {}),
  });
  return {
    async throttle(): Promise<Throttle> {
      return read(await redis.hGetAll(keys.throttle));
    },
    /** Sets one or both values (validated by the caller with throttleUpdateSchema). */
    async setThrottle(update: ThrottleUpdate, actor: string): Promise<Throttle> {
      const fields: Record<string, string> = { updatedAt: String(Date.now()), actor, reason: update.reason ?? '' };
      if (update.maxInFlightChunks !== undefined) fields.maxInFlightChunks = String(update.maxInFlightChunks);
      if (update.chunkSize !== undefined) fields.chunkSize = String(update.chunkSize);
      await redis.hSet(keys.throttle, fields);
      return read(await redis.hGetAll(keys.throttle));
    },
  };
}
