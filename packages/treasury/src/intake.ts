import { unitsToString, type Units, type ValidatedDisbursement } from '@blockops/domain';
import type { RedisClient } from '@blockops/events';
import { parseChanged } from './changed';
import { encodeItemEntry } from './item-entry';
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
     * Stores a validated batch, all or nothing (one script). The item's ':it' entry keeps the chain memo (the
     * memo cut to 1,024 bytes); only memos longer than that go to the batch's memo hash, through a
     * staging key the script renames into the batch, so a refused batch leaves nothing behind but an
     * expiring key. A read falls back to the chain memo, which is the whole memo when none is kept.
     */
    async intake(b: { batchId: string; workflowId: string; items: ValidatedDisbursement[]; totalUnits: Units; levels: number }) {
      if (b.totalUnits > MAX_BATCH_TOTAL_UNITS) throw new RangeError('batch total exceeds the int64 units the store can sum');
      const withMemo = b.items.filter((i) => i.memo !== undefined && i.memo !== i.chainMemo);
      const staging = withMemo.length ? keys.staging(`${b.batchId}:${Date.now()}:${Math.random().toString(36).slice(2)}`) : '';
      // sent ahead of the script on the same connection (no wait for its answer): Redis runs them in order
      let staged: Promise<unknown> = Promise.resolve();
      if (staging) {
        const m = redis.multi();
        for (let s = 0; s < withMemo.length; s += 1000) {
          m.hSet(staging, Object.fromEntries(withMemo.slice(s, s + 1000).map((i) => [i.id, i.memo!])));
        }
        m.expire(staging, 3600);
        staged = m.exec();
      }
      // each item's dependents inside the batch (the DAG is known here; the script keeps them in the item's entry)
      const dependents = new Map<string, string[]>();
      for (const i of b.items) dependents.set(i.id, []);
      const args = [keys.prefix, b.batchId, b.workflowId, String(Date.now()), staging, unitsToString(b.totalUnits), String(b.levels)];
      for (const i of b.items) for (const d of i.dependsOn) dependents.get(d)?.push(i.id);
      b.items.forEach((i, k) => {
        const inside = i.dependsOn.filter((d) => dependents.has(d));
        const outside = inside.length === i.dependsOn.length ? '' : i.dependsOn.filter((d) => !dependents.has(d)).join(',');
        args.push(i.id, encodeItemEntry(k, i, dependents.get(i.id)!), `${inside.length} ${outside}`);
      });
      const [r] = (await Promise.all([intakeScript(redis, [], args), staged])) as [unknown[], unknown];
      let result: IntakeResult;
      if (r[0] === 'ok') result = { ok: true, ready: Number(r[1]), cancelled: parseChanged(r[2]) };
      else if (r[0] === 'conflict_batch') result = { ok: false, conflict: 'batch' };
      else if (r[0] === 'conflict_ids') result = { ok: false, conflict: 'ids', ids: r.slice(1) as string[] };
      else result = { ok: false, unknown: { id: String(r[1]), dependency: String(r[2]) } };
      if (!result.ok && staging) await redis.del(staging);
      return result;
    },
  };
}
