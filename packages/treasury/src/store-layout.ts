import { randomUUID } from 'node:crypto';
import type { RedisClient } from '@blockops/events';
import type { TreasuryKeys } from './keys';
import { encodeItemState, encodeReason } from './state-entry';

/** The layout the scripts read: item state in per-batch hashes (keys.ts), no hash per item. */
export const STORE_LAYOUT = '2';
const SLICE = 1000;

/**
 * Moves items stored by earlier versions — a hash per item (`<prefix>:i:<id>`), some with their own
 * batch's dependents in their ':dn' set — into their batches' hashes, one batch per MULTI, then
 * marks the store upgraded; once marked, one GET. Batches not yet completed get their index. One process moves at a time (a lock, refreshed
 * per batch; another process waits for the mark): two reading the same item at once could each
 * write what the other had already moved. Workers of an earlier version must be stopped first:
 * they write item hashes.
 */
export async function upgradeStoreLayout(
  redis: RedisClient,
  keys: TreasuryKeys,
  opts: { lockMs?: number; pollMs?: number } = {},
): Promise<{ batches: number; items: number }> {
  const lockMs = opts.lockMs ?? 60_000;
  const lock = `${keys.layout}:lock`;
  const token = randomUUID();
  for (;;) {
    if ((await redis.get(keys.layout)) === STORE_LAYOUT) return { batches: 0, items: 0 };
    if ((await redis.set(lock, token, { NX: true, PX: lockMs })) === 'OK') break;
    await new Promise((r) => setTimeout(r, opts.pollMs ?? 200));
  }
  try {
    let batches = 0;
    let items = 0;
    for (const { value: b, score: createdAt } of await redis.zRangeWithScores(keys.batches, 0, -1)) {
      await redis.pExpire(lock, lockMs);
      // the index of batches not yet completed (it came with this layout)
      if (!(await redis.hExists(keys.batch(b), 'completedAt'))) await redis.zAdd(keys.running, { score: createdAt, value: b });
      const moved = await upgradeBatch(redis, keys, b);
      if (moved) batches++;
      items += moved;
    }
    await redis.set(keys.layout, STORE_LAYOUT);
    return { batches, items };
  } finally {
    if ((await redis.get(lock)) === token) await redis.del(lock);
  }
}

async function upgradeBatch(redis: RedisClient, keys: TreasuryKeys, b: string): Promise<number> {
  const [ids, completedAt] = await Promise.all([redis.lRange(keys.order(b), 0, -1), redis.hGet(keys.batch(b), 'completedAt')]);
  let moved = 0;
  for (let s = 0; s < ids.length; s += SLICE) {
    const slice = ids.slice(s, s + SLICE);
    const p = redis.multi();
    for (const id of slice) p.hGetAll(keys.item(id));
    const hashes = (await p.execAsPipeline()) as unknown as Record<string, string>[];
    // a hash with no 'batch' is an item not yet written whose later-batch dependents were noted ('xdn' only)
    const old = slice.flatMap((id, i) => (hashes[i]!.batch === b || hashes[i]!.xdn ? [{ id, h: hashes[i]! }] : []));
    if (!old.length) continue;
    const entries = await redis.hmGet(
      keys.items(b),
      old.map((o) => o.id),
    );
    const w = redis.multi();
    for (const [k, { id, h }] of old.entries()) {
      if (h.batch !== b) {
        w.hSet(keys.laterDependents(b), id, '1');
        w.del(keys.item(id));
        continue;
      }
      if (!entries[k]) {
        // the layout before ':it' entries: no 'dn' field meant the item's ':dn' set held every dependent, its own batch's too
        let dn = h.dn;
        if (dn === undefined) {
          const members = await redis.sMembers(keys.dependents(id));
          const own = members.filter((m) => m.startsWith(`${b} `));
          dn = own.map((m) => m.slice(b.length + 1)).join(',');
          if (own.length) w.sRem(keys.dependents(id), own);
          if (own.length < members.length) w.hSet(keys.laterDependents(b), id, '1');
        }
        w.hSet(keys.items(b), id, `${h.idx} ${h.dest} ${h.units} ${h.level ?? '0'} ${h.deps ?? ''} ${dn} ${h.cmemo ?? ''}`);
      }
      if (h.status !== 'QUEUED' || h.exec) {
        const state = encodeItemState({
          status: h.status as never,
          ...(h.exec ? { executor: h.exec } : {}),
          ...(h.nonce ? { nonce: Number(h.nonce) } : {}),
          ...(h.chunk ? { claim: h.chunk } : {}),
          ...(h.claimedAt ? { claimedAt: Number(h.claimedAt) } : {}),
          attempts: Number(h.att ?? 0),
          ...(h.at && h.status !== 'QUEUED' ? { at: Number(h.at) } : {}),
        });
        w.hSet(keys.states(b), id, state);
      }
      if (h.tx) w.hSet(keys.txs(b), id, h.tx);
      if (h.reason || h.root) w.hSet(keys.reasons(b), id, encodeReason(h.root, h.reason));
      if (h.err) w.hSet(keys.errors(b), id, h.err);
      if (h.xdn) w.hSet(keys.laterDependents(b), id, '1');
      if (h.rem !== undefined && !completedAt) w.hSet(keys.remaining(b), id, h.rem);
      w.hSet(keys.itemBatch, id, b);
      w.del(keys.item(id));
    }
    await w.exec();
    moved += old.length;
  }
  return moved;
}
