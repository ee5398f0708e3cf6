import type { Reservation } from '@blockops/domain';
import type { RedisClient } from '@blockops/events';
import { positiveFinite } from './checks';
import type { AccountingKeys } from './keys';
import { availableScript, releaseScript, reserveScript } from './scripts';

/**
 * Funds held for operations in flight (DESIGN §3): available = balance − reserved. The reserved
 * total lives in the state hash beside the balance, so a reservation is one O(1) script that
 * compares and reserves atomically: concurrent reserves never over-reserve.
 */
export function createReservations(opts: { redis: RedisClient; keys: AccountingKeys; startingBalance: number }) {
  const { redis, keys } = opts;
  const scriptKeys = [keys.state, keys.reservations];
  const starting = String(opts.startingBalance);

  return {
    /** Reserves `amount` under `id`; an id already reserved answers ok with nothing added. */
    async reserve(id: string, amount: number): Promise<Reservation> {
      if (typeof id !== 'string' || id === '') throw new RangeError('id must be a non-empty string');
      positiveFinite('amount', amount);
      const [ok, available] = (await reserveScript(redis, scriptKeys, [id, String(amount), starting])) as [number, string];
      return ok === 1 ? { ok: true, available: Number(available) } : { ok: false, need: amount, available: Number(available) };
    },

    /** Removes the reservation; releasing an unknown id does nothing. */
    async release(id: string): Promise<void> {
      await releaseScript(redis, scriptKeys, [id]);
    },

    async reservations(): Promise<Record<string, number>> {
      const all = await redis.hGetAll(keys.reservations);
      return Object.fromEntries(Object.entries(all).map(([k, v]) => [k, Number(v)]));
    },

    async available(): Promise<number> {
      return Number(await availableScript(redis, scriptKeys, [starting]));
    },
  };
}
