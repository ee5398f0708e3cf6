import { MAX_AMOUNT_UNITS, type Reservation, type Units } from '@blockops/domain';
import type { RedisClient } from '@blockops/events';
import { unitsIn } from './codec';
import type { AccountingKeys } from './keys';
import { releaseScript, reserveScript } from './scripts';

/**
 * Funds held for operations in flight (DESIGN §3): available = balance − reserved. The reserved
 * total lives in the state hash beside the balance, so a reservation is one O(1) script that
 * compares and reserves atomically: concurrent reserves never over-reserve. All in units, exact.
 */
export function createReservations(opts: { redis: RedisClient; keys: AccountingKeys; startingBalance: Units }) {
  const { redis, keys } = opts;
  const scriptKeys = [keys.state, keys.reservations];
  const starting = opts.startingBalance.toString();
  const availableOf = (balance: unknown, reserved: unknown) =>
    unitsIn(balance ?? starting, `${keys.state} balance`) - unitsIn(reserved ?? '0', `${keys.state} reserved`);

  return {
    /** Reserves `amount` units under `id`; an id already reserved answers ok with nothing added. */
    async reserve(id: string, amount: Units): Promise<Reservation> {
      if (typeof id !== 'string' || id === '') throw new RangeError('id must be a non-empty string');
      if (typeof amount !== 'bigint' || amount <= 0n || amount > MAX_AMOUNT_UNITS)
        throw new RangeError(`amount must be a bigint count of units from 1 to ${MAX_AMOUNT_UNITS} (got ${String(amount)})`);
      const [ok, balance, reserved] = (await reserveScript(redis, scriptKeys, [id, amount.toString(), starting])) as [
        number,
        string,
        string,
      ];
      const available = availableOf(balance, reserved);
      return ok === 1 ? { ok: true, available } : { ok: false, need: amount, available };
    },

    /** Removes the reservation; releasing an unknown id does nothing. */
    async release(id: string): Promise<void> {
      await releaseScript(redis, scriptKeys, [id]);
    },

    async reservations(): Promise<Record<string, Units>> {
      const all = await redis.hGetAll(keys.reservations);
      return Object.fromEntries(Object.entries(all).map(([k, v]) => [k, unitsIn(v, `${keys.reservations} ${k}`)]));
    },

    /** The reserved total (units). */
    async reserved(): Promise<Units> {
      return unitsIn((await redis.hGet(keys.state, 'reserved')) ?? '0', `${keys.state} reserved`);
    },

    /** balance − reserved (units), read in one command. */
    async available(): Promise<Units> {
      const [balance, reserved] = await redis.hmGet(keys.state, ['balance', 'reserved']);
      return availableOf(balance ?? undefined, reserved ?? undefined);
    },
  };
}
