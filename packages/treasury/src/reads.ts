import { formatUnits, unitsFromString, type DisbursementStatus } from '@blockops/domain';
import type { RedisClient } from '@blockops/events';
import { toCounts } from './changed';
import { decodeItemEntry } from './item-entry';
import { decodeItemState, decodeReason, type ItemState } from './state-entry';
import { idsWithStatus } from './status-scan';
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

/** An item as its batch's hashes hold it: intake entry, state, tx hash, reason, last error. */
interface ItemRecord {
  batchId: string;
  entry: ReturnType<typeof decodeItemEntry>;
  state: ItemState;
  tx?: string | null;
  why?: string | null;
  err?: string | null;
}

function toItem(id: string, r: ItemRecord, memo: string | null | undefined): DisbursementItem {
  const { entry: e, state: s } = r;
  return {
    id,
    batchId: r.batchId,
    destination: e.dest,
    amount: formatUnits(unitsFromString(e.units)),
    ...(memo ? { memo } : e.cmemo ? { memo: e.cmemo } : {}),
    dependsOn: e.deps ? e.deps.split(',') : [],
    status: s.status,
    ...(s.executor ? { executor: s.executor } : {}),
    ...(s.nonce !== undefined ? { nonce: s.nonce } : {}),
    ...(s.status === 'EXECUTED' && r.tx ? { txHash: r.tx } : {}),
    ...(s.status === 'EXECUTED' && s.at ? { executedAt: new Date(s.at).toISOString() } : {}),
    attempts: s.attempts,
    ...(s.status === 'CANCELLED' || s.status === 'FAILED' ? decodeReason(r.why) : {}),
    ...(s.status === 'QUEUED' && r.err ? { lastError: r.err } : {}),
    level: Number(e.level || 0),
  };
}

export function createReads(redis: RedisClient, keys: TreasuryKeys) {
  // An id holding ':' (accepted before ':' was refused, or any path parameter) may name one of the
  // store's own keys — batch 'b:it' is batch b's entries, item 'x:dn' item x's dependents set: it
  // is read only if it was accepted as a batch or an item. Ids without ':' cannot.
  const isBatch = async (b: string) => !b.includes(':') || (await redis.zScore(keys.batches, b)) !== null;
  const isItem = async (id: string) => !id.includes(':') || (await redis.sIsMember(keys.ids, id)) === 1;

  /** Items of one batch, read at one instant (MULTI: a state and its tx hash or reason always agree); undefined: not in it. */
  async function records(batchId: string, ids: string[]): Promise<(ItemRecord | undefined)[]> {
    if (!ids.length) return [];
    const [entries, states, txs, whys, errs] = (await redis
      .multi()
      .hmGet(keys.items(batchId), ids)
      .hmGet(keys.states(batchId), ids)
      .hmGet(keys.txs(batchId), ids)
      .hmGet(keys.reasons(batchId), ids)
      .hmGet(keys.errors(batchId), ids)
      .exec()) as unknown as (string | null)[][];
    return ids.map((_, i) =>
      entries![i]
        ? {
            batchId,
            entry: decodeItemEntry(entries![i]!),
            state: decodeItemState(states![i]),
            tx: txs![i],
            why: whys![i],
            err: errs![i],
          }
        : undefined,
    );
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
     * Batches not yet completed (oldest first), from their own index (never every batch ever
     * stored); `created`: only those stored within this window (ms since the epoch, inclusive);
     * `withoutWorkflow`: only those whose workflow never ran (no `workflowStartedAt`).
     */
    async runningBatchIds(created?: { from?: number; to?: number }, opts: { withoutWorkflow?: boolean } = {}): Promise<string[]> {
      const ids = created
        ? await redis.zRange(keys.running, created.from ?? '-inf', created.to ?? '+inf', { BY: 'SCORE' })
        : await redis.zRange(keys.running, 0, -1);
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
      let ids: string[];
      let total: number;
      if (q.status) {
        const all = await idsWithStatus(redis, keys, batchId, q.status);
        [ids, total] = [all.slice(offset, offset + limit), all.length];
      } else
        [ids, total] = await Promise.all([redis.lRange(keys.order(batchId), offset, offset + limit - 1), redis.lLen(keys.order(batchId))]);
      const found = await records(batchId, ids);
      return { items: ids.flatMap((id, i) => (found[i] ? [toItem(id, found[i]!, undefined)] : [])), total };
    },

    /** One item with its dependents (in any batch) and its full memo. */
    async item(id: string): Promise<(DisbursementItem & { dependents: string[] }) | undefined> {
      if (!(await isItem(id))) return undefined;
      const batchId = await redis.hGet(keys.itemBatch, id);
      if (!batchId) return undefined;
      const [[r], memo, dependents] = await Promise.all([
        records(batchId, [id]),
        redis.hGet(keys.memos(batchId), id),
        redis.sMembers(keys.dependents(id)),
      ]);
      if (!r) return undefined;
      // its own batch's dependents are in its entry; later batches' in the set, as '<batch> <id>'
      const all = [...(r.entry.dn ? r.entry.dn.split(',') : []), ...dependents.map((m) => m.slice(m.indexOf(' ') + 1))];
      return { ...toItem(id, r, memo), dependents: [...new Set(all)].sort() };
    },

    /** The whole batch as parallel arrays for the DAG view: one round trip per 10,000 items. */
    async graph(batchId: string): Promise<BatchGraph | undefined> {
      if (!(await isBatch(batchId))) return undefined;
      const ids = await redis.lRange(keys.order(batchId), 0, -1);
      if (!ids.length) return (await redis.exists(keys.batch(batchId))) ? { batchId, ids: [], status: [], edges: [] } : undefined;
      const [entries, states] = (await redis
        .multi()
        .hmGet(keys.items(batchId), ids)
        .hmGet(keys.states(batchId), ids)
        .exec()) as unknown as (string | null)[][];
      const rows = ids.map((_, i) => [decodeItemState(states![i]).status, entries![i] ? decodeItemEntry(entries![i]!).deps : ''] as const);
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
