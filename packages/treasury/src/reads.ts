import { formatUnits, unitsFromString, type DisbursementStatus } from '@blockops/domain';
import type { RedisClient } from '@blockops/events';
import { toCounts } from './changed';
import { decodeItemEntry } from './item-entry';
import type { TreasuryKeys } from './keys';
import type { BatchGraph, BatchSummaryCore, DisbursementItem } from './views';

const iso = (ms: string | undefined) => (ms ? new Date(Number(ms)).toISOString() : undefined);
const MAX_PAGE = 10_000;

function checkPage(limit: number, offset: number, max: number) {
  if (!Number.isInteger(limit) || limit < 1 || limit > max) throw new RangeError(`limit must be an integer from 1 to ${max}`);
  if (!Number.isInteger(offset) || offset < 0) throw new RangeError('offset must be an integer ≥ 0');
}

export function toSummary(h: Record<string, string>): BatchSummaryCore {
  const counts = toCounts([h.QUEUED, h.EXECUTED, h.CANCELLED, h.FAILED]);
  const first = h.firstSubmitAt ? Number(h.firstSubmitAt) : undefined;
  const last = h.lastExecutedAt ? Number(h.lastExecutedAt) : undefined;
  const seconds = first !== undefined && last !== undefined ? (last - first) / 1000 : 0;
  return {
    batchId: h.batchId!,
    workflowId: h.workflowId!,
    status: h.completedAt ? 'COMPLETED' : h.halted ? 'HALTED' : 'RUNNING',
    ...(h.halted && !h.completedAt ? { haltedReason: h.halted } : {}),
    createdAt: iso(h.createdAt)!,
    updatedAt: iso(h.updatedAt ?? h.createdAt)!,
    ...(h.completedAt ? { completedAt: iso(h.completedAt) } : {}),
    total: Number(h.total),
    counts,
    totalAmount: formatUnits(unitsFromString(h.totalUnits ?? '0')),
    executedAmount: formatUnits(unitsFromString(h.executedUnits ?? '0')),
    levels: Number(h.levels ?? 0),
    timings: {
      ...(first !== undefined ? { firstSubmitAt: iso(h.firstSubmitAt) } : {}),
      ...(last !== undefined ? { lastExecutedAt: iso(h.lastExecutedAt) } : {}),
      ...(seconds > 0 ? { itemsPerSecond: Math.round((counts.EXECUTED / seconds) * 10) / 10 } : {}),
    },
  };
}

function toItem(id: string, h: Record<string, string>, memo: string | null | undefined): DisbursementItem {
  const status = h.status as DisbursementStatus;
  return {
    id,
    batchId: h.batch!,
    destination: h.dest!,
    amount: formatUnits(unitsFromString(h.units!)),
    ...(memo ? { memo } : h.cmemo ? { memo: h.cmemo } : {}),
    dependsOn: h.deps ? h.deps.split(',') : [],
    status,
    ...(h.exec ? { executor: h.exec } : {}),
    ...(h.nonce ? { nonce: Number(h.nonce) } : {}),
    ...(h.tx ? { txHash: h.tx } : {}),
    ...(status === 'EXECUTED' && h.at ? { executedAt: iso(h.at) } : {}),
    attempts: Number(h.att ?? 0),
    ...(h.reason ? { reason: h.reason } : {}),
    ...(h.root ? { rootCause: h.root } : {}),
    ...(status === 'QUEUED' && h.err ? { lastError: h.err } : {}),
    level: Number(h.level ?? 0),
  };
}

/** An item not yet written, as its hash would hold it: its intake entry, QUEUED; `h` (e.g. 'xdn') is kept. */
function fromEntry(batchId: string, entry: string, h: Record<string, string>): Record<string, string> {
  return { ...h, ...decodeItemEntry(entry), batch: batchId, status: 'QUEUED', att: '0' };
}

export function createReads(redis: RedisClient, keys: TreasuryKeys) {
  // An id holding ':' (accepted before ':' was refused, or any path parameter) may name one of the
  // store's own keys — batch 'b:it' is batch b's entries, item 'x:dn' item x's dependents set: it
  // is read only if it was accepted as a batch or an item. Ids without ':' cannot.
  const isBatch = async (b: string) => !b.includes(':') || (await redis.zScore(keys.batches, b)) !== null;
  const isItem = async (id: string) => !id.includes(':') || (await redis.sIsMember(keys.ids, id)) === 1;

  const hashesOf = async (ids: string[]) => {
    const p = redis.multi();
    for (const id of ids) p.hGetAll(keys.item(id));
    return (await p.execAsPipeline()) as unknown as Record<string, string>[];
  };

  /**
   * Item hashes of one batch; an item not yet written is read from its intake entry. One written
   * between the two reads (its entry gone when its batch completed) is read again.
   */
  async function items(batchId: string, ids: string[]): Promise<Record<string, string>[]> {
    if (!ids.length) return [];
    const hashes = await hashesOf(ids);
    const unwritten = ids.flatMap((id, i) => (hashes[i]!.batch ? [] : [i]));
    if (!unwritten.length) return hashes;
    const found = await redis.hmGet(
      keys.items(batchId),
      unwritten.map((i) => ids[i]!),
    );
    const again = unwritten.filter((_, j) => !found[j]);
    const reread = again.length ? await hashesOf(again.map((i) => ids[i]!)) : [];
    unwritten.forEach((i, j) => {
      if (found[j]) hashes[i] = fromEntry(batchId, found[j], hashes[i]!);
    });
    again.forEach((i, j) => (hashes[i] = reread[j]!));
    return hashes;
  }

  return {
    async batchSummary(batchId: string): Promise<BatchSummaryCore | undefined> {
      if (!(await isBatch(batchId))) return undefined;
      const h = await redis.hGetAll(keys.batch(batchId));
      return h.batchId ? toSummary(h) : undefined;
    },

    /** Newest first. */
    async listBatches(limit = 50, offset = 0): Promise<{ batches: BatchSummaryCore[]; total: number }> {
      checkPage(limit, offset, 1000);
      const [ids, total] = await Promise.all([
        redis.zRange(keys.batches, offset, offset + limit - 1, { REV: true }),
        redis.zCard(keys.batches),
      ]);
      if (!ids.length) return { batches: [], total };
      const p = redis.multi();
      for (const b of ids) p.hGetAll(keys.batch(b));
      const hashes = (await p.execAsPipeline()) as unknown as Record<string, string>[];
      return { batches: hashes.filter((h) => h.batchId).map(toSummary), total };
    },

    /**
     * Batches not yet completed (oldest first); `created`: only those stored within this window (ms
     * since the epoch, inclusive), read from the creation-time index rather than every batch ever
     * stored; `withoutWorkflow`: only those whose workflow never ran (no `workflowStartedAt`).
     */
    async runningBatchIds(created?: { from?: number; to?: number }, opts: { withoutWorkflow?: boolean } = {}): Promise<string[]> {
      const ids = created
        ? await redis.zRange(keys.batches, created.from ?? '-inf', created.to ?? '+inf', { BY: 'SCORE' })
        : await redis.zRange(keys.batches, 0, -1);
      if (!ids.length) return [];
      const p = redis.multi();
      for (const b of ids) p.hmGet(keys.batch(b), ['completedAt', 'workflowStartedAt']);
      const rows = (await p.execAsPipeline()) as unknown as (string | null)[][];
      return ids.filter((_, i) => !rows[i]![0] && !(opts.withoutWorkflow && rows[i]![1]));
    },

    /**
     * Items of a batch in batch order (optionally one status). Lists carry the on-chain memo
     * (≤ 1,024 bytes); `item()` the full one (≤ 8 KiB).
     */
    async listItems(
      batchId: string,
      q: { status?: DisbursementStatus; limit?: number; offset?: number } = {},
    ): Promise<{ items: DisbursementItem[]; total: number }> {
      const limit = q.limit ?? 100;
      const offset = q.offset ?? 0;
      checkPage(limit, offset, MAX_PAGE);
      if (!(await isBatch(batchId))) return { items: [], total: 0 };
      const [ids, total] = q.status
        ? await Promise.all([
            redis.zRange(keys.byStatus(batchId, q.status), offset, offset + limit - 1),
            redis.zCard(keys.byStatus(batchId, q.status)),
          ])
        : await Promise.all([redis.lRange(keys.order(batchId), offset, offset + limit - 1), redis.lLen(keys.order(batchId))]);
      const hashes = await items(batchId, ids);
      return { items: ids.flatMap((id, i) => (hashes[i]!.batch ? [toItem(id, hashes[i]!, undefined)] : [])), total };
    },

    /** One item with its dependents (in any batch) and its full memo. */
    async item(id: string): Promise<(DisbursementItem & { dependents: string[] }) | undefined> {
      if (!(await isItem(id))) return undefined;
      const [written, dependents] = await Promise.all([redis.hGetAll(keys.item(id)), redis.sMembers(keys.dependents(id))]);
      let h = written;
      if (!h.batch) {
        const b = await redis.hGet(keys.itemBatch, id);
        const entry = b ? await redis.hGet(keys.items(b), id) : null;
        // no entry: unknown, or written (and its batch completed) since the first read
        h = b && entry ? fromEntry(b, entry, written) : await redis.hGetAll(keys.item(id));
        if (!h.batch) return undefined;
      }
      const memo = await redis.hGet(keys.memos(h.batch!), id);
      // its own batch's dependents are in the hash ('dn', since it exists); later batches' in the set, as '<batch> <id>'
      const all = [...(h.dn ? h.dn.split(',') : []), ...dependents.map((m) => m.slice(m.indexOf(' ') + 1))];
      return { ...toItem(id, h, memo), dependents: [...new Set(all)].sort() };
    },

    /** The whole batch as parallel arrays for the DAG view: one round trip per 10,000 items. */
    async graph(batchId: string): Promise<BatchGraph | undefined> {
      if (!(await isBatch(batchId))) return undefined;
      const ids = await redis.lRange(keys.order(batchId), 0, -1);
      if (!ids.length) return (await redis.exists(keys.batch(batchId))) ? { batchId, ids: [], status: [], edges: [] } : undefined;
      const p = redis.multi();
      for (const id of ids) p.hmGet(keys.item(id), ['status', 'deps']);
      const rows = (await p.execAsPipeline()) as unknown as [string | null, string | null][];
      // items not yet written: QUEUED, their dependencies in the intake entry
      const unwritten = ids.filter((_, i) => rows[i]![0] === null);
      if (unwritten.length) {
        const found = await redis.hmGet(keys.items(batchId), unwritten);
        const entries = new Map(unwritten.map((id, i) => [id, found[i]]));
        const again: number[] = [];
        rows.forEach((row, i) => {
          if (row[0] !== null) return;
          const e = entries.get(ids[i]!);
          if (e) rows[i] = ['QUEUED', decodeItemEntry(e).deps];
          else again.push(i); // written since the first read (its batch completed)
        });
        if (again.length) {
          const q = redis.multi();
          for (const i of again) q.hmGet(keys.item(ids[i]!), ['status', 'deps']);
          const reread = (await q.execAsPipeline()) as unknown as [string | null, string | null][];
          again.forEach((i, j) => (rows[i] = reread[j]!));
        }
      }
      const index = new Map(ids.map((id, i) => [id, i]));
      const edges: [number, number][] = [];
      rows.forEach(([, deps], i) => {
        if (!deps) return;
        for (const d of deps.split(',')) {
          const j = index.get(d);
          if (j !== undefined) edges.push([j, i]);
        }
      });
      return { batchId, ids, status: rows.map(([s]) => s as DisbursementStatus), edges };
    },
  };
}
