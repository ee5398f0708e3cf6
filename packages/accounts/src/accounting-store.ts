import {
  MARKETS,
  avgCostPerUnit,
  initialAccounting,
  marketPnl,
  pnlSummary,
  type AccountingReceipt,
  type AccountingState,
  type Market,
  type PnlSummary,
  type Position,
} from '@blockops/domain';
import type { RedisClient } from '@blockops/events';
import { checkBatch, prepareBatch, type ReceiptBatch, type SeriesPoint } from './apply-batch';
import { integerIn } from './checks';
import { accountingKeys } from './keys';
import { createReservations } from './reservations';
import { applyBatchScript } from './scripts';

export interface AccountingStoreOptions {
  redis: RedisClient;
  /** key prefix, e.g. `blockops:acct` */
  prefix: string;
  startingBalance: number;
  /** P&L series points kept (10,000) */
  seriesMaxLen?: number;
  /** history receipts kept per list (100,000) */
  historyMaxLen?: number;
}

export interface ApplyResult {
  applied: boolean;
  /** the store's checkpoint after the call */
  checkpoint: number;
  /** receipts applied by this call (0 when not applied) */
  count: number;
  summary: PnlSummary;
}

export type PositionSummary = Position & { pnl: number; avgCostPerUnit: number };

/**
 * Accounting state in Redis. The checkpoint height and the state live in one hash and change only
 * together, through one Lua script that compare-and-sets the checkpoint: a retried, raced or
 * replayed batch applies nothing twice, and the checkpoint never jumps over a batch.
 */
export function createAccountingStore(opts: AccountingStoreOptions) {
  const { redis, prefix, startingBalance } = opts;
  const seriesMaxLen = opts.seriesMaxLen ?? 10_000;
  const historyMaxLen = opts.historyMaxLen ?? 100_000;
  if (!prefix) throw new RangeError('prefix must not be empty');
  if (!(Number.isFinite(startingBalance) && startingBalance >= 0))
    throw new RangeError(`startingBalance must be a finite number ≥ 0 (got ${startingBalance})`);
  integerIn('seriesMaxLen', seriesMaxLen, 1, 10_000_000);
  integerIn('historyMaxLen', historyMaxLen, 1, 100_000_000);
  const keys = accountingKeys(prefix);
  const applyKeys = [keys.state, keys.history, ...keys.markets, keys.series];

  async function snapshot(): Promise<{ checkpoint: number; state: AccountingState }> {
    const [cp, json] = await redis.hmGet(keys.state, ['checkpoint', 'state']);
    return { checkpoint: cp ? Number(cp) : 0, state: json ? (JSON.parse(json) as AccountingState) : initialAccounting(startingBalance) };
  }

  const notApplied = ({ checkpoint, state }: { checkpoint: number; state: AccountingState }): ApplyResult => ({
    applied: false,
    checkpoint,
    count: 0,
    summary: pnlSummary(state),
  });

  return {
    snapshot,

    /** Last fully applied block height (0 before the first batch). */
    checkpoint: async (): Promise<number> => Number((await redis.hGet(keys.state, 'checkpoint')) ?? 0),

    /**
     * Applies the receipts of blocks fromCheckpoint+1..toHeight and moves the checkpoint to
     * toHeight, all or nothing; applied:false (nothing changed) when the store is no longer at
     * fromCheckpoint — a retry of a batch already applied, a concurrent attempt, or a stale batch.
     */
    async applyBatch(batch: ReceiptBatch): Promise<ApplyResult> {
      const checked = checkBatch(batch);
      const current = await snapshot();
      if (current.checkpoint !== checked.fromCheckpoint) return notApplied(current);
      const prepared = prepareBatch(current.state, checked, { historyMaxLen, seriesMaxLen, now: Date.now() });
      if ((await applyBatchScript(redis, applyKeys, prepared.args)) !== 1) return notApplied(await snapshot());
      return { applied: true, checkpoint: checked.toHeight, count: checked.receipts.length, summary: prepared.summary };
    },

    async summary(): Promise<PnlSummary & { positions: Record<Market, PositionSummary>; checkpoint: number }> {
      const { checkpoint, state } = await snapshot();
      const positions = Object.fromEntries(
        MARKETS.map((m) => [
          m,
          { ...state.positions[m], pnl: marketPnl(state.positions[m]), avgCostPerUnit: avgCostPerUnit(state.positions[m]) },
        ]),
      ) as Record<Market, PositionSummary>;
      return { ...pnlSummary(state), positions, checkpoint };
    },

    /** Our receipts, newest first; `total` counts the list read (one market's when filtered). */
    async history(q: {
      limit: number;
      offset: number;
      market?: Market;
    }): Promise<{ items: AccountingReceipt[]; total: number; limit: number; offset: number }> {
      integerIn('limit', q.limit, 1, 1000);
      integerIn('offset', q.offset, 0, Number.MAX_SAFE_INTEGER);
      if (q.market !== undefined && !MARKETS.includes(q.market))
        throw new RangeError(`market must be one of ${MARKETS.join(', ')} (got ${String(q.market)})`);
      const key = q.market ? keys.market(q.market) : keys.history;
      // one MULTI: items and total from the same moment
      const [items, total] = (await redis
        .multi()
        .lRange(key, q.offset, q.offset + q.limit - 1)
        .lLen(key)
        .exec()) as unknown as [string[], number];
      return { items: items.map((i) => JSON.parse(i) as AccountingReceipt), total, limit: q.limit, offset: q.offset };
    },

    /** The last `limit` P&L points (500, at most 10,000), oldest first: one per non-empty batch. */
    async series(q: { limit?: number } = {}): Promise<SeriesPoint[]> {
      const limit = q.limit ?? 500;
      integerIn('limit', limit, 1, 10_000);
      return (await redis.lRange(keys.series, -limit, -1)).map((p) => JSON.parse(p) as SeriesPoint);
    },

    ...createReservations({ redis, keys, startingBalance }),

    /** Deletes every key of the prefix (tests, dev resets). */
    async reset(): Promise<void> {
      for await (const found of redis.scanIterator({ MATCH: keys.all, COUNT: 1000 })) {
        const batch = found as unknown as string[];
        if (batch.length) await redis.del(batch);
      }
    },
  };
}
export type AccountingStore = ReturnType<typeof createAccountingStore>;
