import type { DisbursementStatus } from '@blockops/domain';
import type { RedisClient } from '@blockops/events';
import type { TreasuryKeys } from './keys';
import { statusOfEntry } from './state-entry';

/**
 * The ids of a batch's items in one status, in batch order: its order list and its state hash, read
 * in one step (a batch holds at most 10,000 items). No set per status is kept: each transition
 * would write one more structure, on the path of every payment, for the sake of this read.
 */
export async function idsWithStatus(
  redis: RedisClient,
  keys: TreasuryKeys,
  batchId: string,
  status: DisbursementStatus,
): Promise<string[]> {
  const [ids, states] = (await redis.multi().lRange(keys.order(batchId), 0, -1).hGetAll(keys.states(batchId)).exec()) as unknown as [
    string[],
    Record<string, string>,
  ];
  // an item never claimed has no state entry: QUEUED
  return ids.filter((id) => statusOfEntry(states[id]) === status);
}
