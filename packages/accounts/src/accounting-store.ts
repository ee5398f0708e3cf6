import {
  MARKETS,
  applyReceipts,
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
import { APPLY_BATCH, RESERVE } from './scripts';

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

export interface SeriesPoint {
  /** ms since the epoch */
  t: number;
  height: number;
  total: number;
  byMarket: Record<Market, number>;
  balance: number;
}

export interface ApplyResult {
  applied: boolean;
  checkpoint: number;
  count: number;
  summary: PnlSummary;
}

export type Reservation = { ok: true; available: number } | { ok: false; need: number; available: number };

const range = (name: string, value: number, min: number, max: number) => {
  if (!Number.isInteger(value) || value < min || value > max) throw new RangeError(`${name} must be an integer from ${min} to ${max} (got ${value})`);
};

/**
 * Accounting state in Redis. The checkpoint height and the state live in one hash and change only
 * together, through one Lua script that compare-and-sets the checkpoint: a retried, raced or
 * replayed batch applies nothing twice, and the checkpoint never jumps over a batch.
 */
export function createAccountingStore(opts: AccountingStoreOptions) {
  const { redis, prefix, startingBalance } = opts;
  const seriesMaxLen = opts.seriesMaxLen ?? 10_000;
  const historyMaxLen = opts.historyMaxLen ?? 100_000;
  const keys = {
    state: `${prefix}:state`,
    history: `${prefix}:history`,
    market: (m: Market) => `${prefix}:history:${m}`,
    series: `${prefix}:series`,
    reservations: `${prefix}:reservations`,
  };

  async function snapshot(): Promise<{ checkpoint: number; state: AccountingState }> {
    const [cp, json] = await redis.hmGet(keys.state, ['checkpoint', 'state']);
    return { checkpoint: cp ? Number(cp) : 0, state: json ? (JSON.parse(json) as AccountingState) : initialAccounting(startingBalance) };
  }

  async function reservations(): Promise<Record<string, number>> {
    const all = await redis.hGetAll(keys.reservations);
    return Object.fromEntries(Object.entries(all).map(([k, v]) => [k, Number(v)]));
  }

  async function available(): Promise<number> {
    const [{ state }, r] = await Promise.all([snapshot(), reservations()]);
    return state.balance - Object.values(r).reduce((a, b) => a + b, 0);
  }

  return {
    snapshot,
    checkpoint: async () => (await snapshot()).checkpoint,

    async applyBatch(batch: { fromCheckpoint: number; toHeight: number; receipts: AccountingReceipt[] }): Promise<ApplyResult> {
      if (!(batch.toHeight >= batch.fromCheckpoint)) throw new RangeError(`toHeight must be ≥ fromCheckpoint (${batch.fromCheckpoint}), got ${batch.toHeight}`);
      const current = await snapshot();
      if (current.checkpoint !== batch.fromCheckpoint) return { applied: false, checkpoint: current.checkpoint, count: 0, summary: pnlSummary(current.state) };
      const next = applyReceipts(current.state, batch.receipts);
      const summary = pnlSummary(next);
      const point: SeriesPoint | undefined = batch.receipts.length
        ? { t: Date.now(), height: batch.toHeight, total: summary.total, byMarket: summary.byMarket, balance: next.balance }
        : undefined;
      const args = [
        String(batch.fromCheckpoint),
        String(batch.toHeight),
        String(next.balance),
        JSON.stringify(next),
        String(historyMaxLen),
        String(seriesMaxLen),
        point ? JSON.stringify(point) : '',
        String(batch.receipts.length),
      ];
      for (const r of batch.receipts) args.push(String(MARKETS.indexOf(r.market) + 1), JSON.stringify(r));
      const ok = await redis.eval(APPLY_BATCH, { keys: [keys.state, keys.history, ...MARKETS.map(keys.market), keys.series], arguments: args });
      if (ok !== 1) {
        const now = await snapshot();
        return { applied: false, checkpoint: now.checkpoint, count: 0, summary: pnlSummary(now.state) };
      }
      return { applied: true, checkpoint: batch.toHeight, count: batch.receipts.length, summary };
    },

    async summary(): Promise<PnlSummary & { checkpoint: number; positions: Record<Market, Position & { pnl: number; avgCostPerUnit: number }> }> {
      const { checkpoint, state } = await snapshot();
      const positions = Object.fromEntries(MARKETS.map((m) => [m, { ...state.positions[m], pnl: marketPnl(state.positions[m]), avgCostPerUnit: avgCostPerUnit(state.positions[m]) }])) as Record<
        Market,
        Position & { pnl: number; avgCostPerUnit: number }
      >;
      return { ...pnlSummary(state), checkpoint, positions };
    },

    /** Our receipts, newest first. */
    async history(q: { limit: number; offset: number; market?: Market }) {
      range('limit', q.limit, 1, 1000);
      range('offset', q.offset, 0, Number.MAX_SAFE_INTEGER);
      const key = q.market ? keys.market(q.market) : keys.history;
      const [items, total] = await Promise.all([redis.lRange(key, q.offset, q.offset + q.limit - 1), redis.lLen(key)]);
      return { items: items.map((i) => JSON.parse(i) as AccountingReceipt), total, limit: q.limit, offset: q.offset };
    },

    /** The last `limit` P&L points, oldest first. */
    async series(q: { limit?: number } = {}): Promise<SeriesPoint[]> {
      const limit = q.limit ?? 500;
      range('limit', limit, 1, 10_000);
      return (await redis.lRange(keys.series, -limit, -1)).map((p) => JSON.parse(p) as SeriesPoint);
    },

    /** Reserves `amount` for `id` against balance − reserved, atomically; idempotent by id. */
    async reserve(id: string, amount: number): Promise<Reservation> {
      if (!(Number.isFinite(amount) && amount > 0)) throw new RangeError(`amount must be a finite number > 0 (got ${amount})`);
      if (!id) throw new RangeError('id must not be empty');
      const ok = await redis.eval(RESERVE, { keys: [keys.state, keys.reservations], arguments: [id, String(amount), String(startingBalance)] });
      const left = await available();
      return ok === 1 ? { ok: true, available: left } : { ok: false, need: amount, available: left };
    },
    release: async (id: string) => {
      await redis.hDel(keys.reservations, id);
    },
    reservations,
    available,

    /** Deletes every key of the prefix (tests, dev resets). */
    async reset() {
      const found: string[] = [];
      for await (const batch of redis.scanIterator({ MATCH: `${prefix}:*`, COUNT: 1000 })) found.push(...(batch as unknown as string[]));
      if (found.length) await redis.del(found);
    },
  };
}
export type AccountingStore = ReturnType<typeof createAccountingStore>;
