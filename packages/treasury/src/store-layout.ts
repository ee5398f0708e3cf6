import { randomUUID } from 'node:crypto';
import { luaScript, type RedisClient } from '@blockops/events';
import type { TreasuryKeys } from './keys';
import { encodeItemState, encodeReason } from './state-entry';

/**
 * The layout the scripts read: item state in per-batch hashes (keys.ts), no hash per item (2), the
 * index of batches not yet completed (3), no sorted set per status (4). A store marked with
 * anything else is upgraded.
 */
export const STORE_LAYOUT = '4';
const SLICE = 1000;

/** Refreshes the upgrade lock if this process still holds it (KEYS: lock; ARGV: token, ms). 1 | 0. */
const refreshLock = luaScript(`
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
redis.call('PEXPIRE', KEYS[1], ARGV[2])
return 1
`);
/** Releases the upgrade lock if this process holds it (KEYS: lock; ARGV: token). */
const releaseLock = luaScript(`
if redis.call('GET', KEYS[1]) == ARGV[1] then redis.call('DEL', KEYS[1]) end
return 1
`);
/**
 * Writes one slice of moved items only while this process holds the lock (KEYS: lock; ARGV:
 * token, then operations: 'H' key field value | 'S' key member (SREM) | 'D' key). 1 | 0 (lock
 * lost: nothing written, for another process may have moved them and workers changed them since).
 */
const writeIfHeld = luaScript(`
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
local i = 2
while i <= #ARGV do
  local op = ARGV[i]
  if op == 'H' then
    redis.call('HSET', ARGV[i + 1], ARGV[i + 2], ARGV[i + 3])
    i = i + 4
  elseif op == 'S' then
    redis.call('SREM', ARGV[i + 1], ARGV[i + 2])
    i = i + 3
  else
    redis.call('DEL', ARGV[i + 1])
    i = i + 2
  end
end
return 1
`);

class LockLost extends Error {
  constructor() {
    super('treasury store upgrade: the upgrade lock expired or another process took it; nothing more was written (start again)');
  }
}

/**
 * Brings a store to today's layout. Items stored by earlier versions — a hash per item
 * (`<prefix>:i:<id>`), some with their own batch's dependents in their ':dn' set — move into their
 * batches' hashes, and batches not yet completed get their index; then the store is marked. Once
 * marked, one GET. Idempotent. One process moves at a time: a lock (refreshed per batch and per
 * slice; another process waits for the mark), and each slice is written by a script that first
 * checks this process still holds it — a process that paused past the lock's life writes nothing
 * and fails, rather than overwrite what another moved and workers have changed since. Workers of
 * an earlier version must be stopped first: they write item hashes.
 */
export async function upgradeStoreLayout(
  redis: RedisClient,
  keys: TreasuryKeys,
  opts: { lockMs?: number; pollMs?: number; /** tests: runs before each batch moves */ beforeBatch?: () => Promise<void> } = {},
): Promise<{ batches: number; items: number }> {
  const lockMs = opts.lockMs ?? 60_000;
  const lock = `${keys.layout}:lock`;
  const token = randomUUID();
  const marked = async () => (await redis.get(keys.layout)) === STORE_LAYOUT;
  for (;;) {
    if (await marked()) return { batches: 0, items: 0 };
    if ((await redis.set(lock, token, { NX: true, PX: lockMs })) === 'OK') break;
    await new Promise((r) => setTimeout(r, opts.pollMs ?? 200));
  }
  const held = async () => {
    if (Number(await refreshLock(redis, [lock], [token, String(lockMs)])) !== 1) throw new LockLost();
  };
  try {
    // another process may have finished between our last look and taking the lock
    if (await marked()) return { batches: 0, items: 0 };
    // a store at layout 3 has its items in place and its running index: only the status sets go
    const itemsInPlace = (await redis.get(keys.layout)) === '3';
    let batches = 0;
    let items = 0;
    for (const { value: b, score: createdAt } of await redis.zRangeWithScores(keys.batches, 0, -1)) {
      await opts.beforeBatch?.();
      await held();
      const write = async (ops: string[]) => {
        await held();
        if (Number(await writeIfHeld(redis, [lock], [token, ...ops])) !== 1) throw new LockLost();
      };
      await write(keys.legacyStatusSets(b).flatMap((k) => ['D', k]));
      if (itemsInPlace) continue;
      // the index of batches not yet completed (it came with layout 3)
      if (!(await redis.hExists(keys.batch(b), 'completedAt'))) await redis.zAdd(keys.running, { score: createdAt, value: b });
      const moved = await upgradeBatch(redis, keys, b, write);
      if (moved) batches++;
      items += moved;
    }
    await held();
    await redis.set(keys.layout, STORE_LAYOUT);
    return { batches, items };
  } finally {
    await releaseLock(redis, [lock], [token]);
  }
}

async function upgradeBatch(redis: RedisClient, keys: TreasuryKeys, b: string, write: (ops: string[]) => Promise<void>): Promise<number> {
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
    const ops: string[] = [];
    const hset = (key: string, field: string, value: string) => ops.push('H', key, field, value);
    for (const [k, { id, h }] of old.entries()) {
      if (h.batch !== b) {
        hset(keys.laterDependents(b), id, '1');
        ops.push('D', keys.item(id));
        continue;
      }
      if (!entries[k]) {
        // the layout before ':it' entries: no 'dn' field meant the item's ':dn' set held every dependent, its own batch's too
        let dn = h.dn;
        if (dn === undefined) {
          const members = await redis.sMembers(keys.dependents(id));
          const own = members.filter((m) => m.startsWith(`${b} `));
          dn = own.map((m) => m.slice(b.length + 1)).join(',');
          for (const m of own) ops.push('S', keys.dependents(id), m);
          if (own.length < members.length) hset(keys.laterDependents(b), id, '1');
        }
        hset(keys.items(b), id, `${h.idx} ${h.dest} ${h.units} ${h.level ?? '0'} ${h.deps ?? ''} ${dn} ${h.cmemo ?? ''}`);
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
        hset(keys.states(b), id, state);
      }
      if (h.tx) hset(keys.txs(b), id, h.tx);
      if (h.reason || h.root) hset(keys.reasons(b), id, encodeReason(h.root, h.reason));
      if (h.err) hset(keys.errors(b), id, h.err);
      if (h.xdn) hset(keys.laterDependents(b), id, '1');
      if (h.rem !== undefined && !completedAt) hset(keys.remaining(b), id, h.rem);
      hset(keys.itemBatch, id, b);
      ops.push('D', keys.item(id));
    }
    await write(ops);
    moved += old.length;
  }
  return moved;
}
