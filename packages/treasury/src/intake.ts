import { unitsToString, type Units, type ValidatedDisbursement } from '@blockops/domain';
import type { RedisClient } from '@blockops/events';
import { toChanged } from './changed';
import type { TreasuryKeys } from './keys';
import { intakeScript } from './scripts';
import type { ChangedItem } from './views';

export type IntakeResult =
  | { ok: true; ready: number; cancelled: ChangedItem[] }
  | { ok: false; conflict: 'batch' }
  | { ok: false; conflict: 'ids'; ids: string[] }
  | { ok: false; unknown: { id: string; dependency: string } };

/** Largest total a batch may hold: the store sums units with HINCRBY (int64). */
export const MAX_BATCH_TOTAL_UNITS: Units = 2n ** 63n - 1n;
const SLICE = 5000;

export function createIntake(redis: RedisClient, keys: TreasuryKeys) {
  return {
    /** Which of `ids` were accepted before, and whether the batch id was used (one round trip per 5,000 ids). */
    async lookupUsed(ids: string[], batchId?: string): Promise<{ usedIds: Set<string>; batchUsed: boolean }> {
      const usedIds = new Set<string>();
      const slices: string[][] = [];
      for (let s = 0; s < ids.length; s += SLICE) slices.push(ids.slice(s, s + SLICE));
      const answers = await Promise.all(slices.map((slice) => redis.smIsMember(keys.ids, slice)));
      answers.forEach((a, s) => a.forEach((used, i) => used && usedIds.add(slices[s]![i]!)));
      const batchUsed = batchId ? (await redis.exists(keys.batch(batchId))) === 1 : false;
      return { usedIds, batchUsed };
    },

    /**
     * Stores a validated batch, all or nothing (one script): memos first go to a staging key that
     * the script renames into the batch, so a refused batch leaves nothing behind but an expiring key.
     */
    async intake(b: { batchId: string; workflowId: string; items: ValidatedDisbursement[]; totalUnits: Units; levels: number }) {
      if (b.totalUnits > MAX_BATCH_TOTAL_UNITS) throw new RangeError('batch total exceeds the int64 units the store can sum');
      const withMemo = b.items.filter((i) => i.memo !== undefined);
      const staging = withMemo.length ? keys.staging(`${b.batchId}:${Date.now()}:${Math.random().toString(36).slice(2)}`) : '';
      if (staging) {
        const m = redis.multi();
        for (let s = 0; s < withMemo.length; s += 1000) {
          m.hSet(staging, Object.fromEntries(withMemo.slice(s, s + 1000).map((i) => [i.id, i.memo!])));
        }
        m.expire(staging, 3600);
        await m.exec();
      }
      const args = [keys.prefix, b.batchId, b.workflowId, String(Date.now()), staging, unitsToString(b.totalUnits), String(b.levels)];
      for (const i of b.items)
        args.push(i.id, i.destination, unitsToString(i.units), i.chainMemo ?? '', i.dependsOn.join(','), String(i.level));
      const r = (await intakeScript(redis, [], args)) as unknown[];
      let result: IntakeResult;
      if (r[0] === 'ok') result = { ok: true, ready: Number(r[1]), cancelled: (r[2] as unknown[]).map(toChanged) };
      else if (r[0] === 'conflict_batch') result = { ok: false, conflict: 'batch' };
      else if (r[0] === 'conflict_ids') result = { ok: false, conflict: 'ids', ids: r.slice(1) as string[] };
      else result = { ok: false, unknown: { id: String(r[1]), dependency: String(r[2]) } };
      if (!result.ok && staging) await redis.del(staging);
      return result;
    },
  };
}
