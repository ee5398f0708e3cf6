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
  type Units,
} from '@blockops/domain';
import type { RedisClient } from '@blockops/events';
import { checkBatch, prepareBatch, prepareCharges, type ReceiptBatch } from './apply-batch';
import { ChainMismatchError, type ChainIdentity } from './chain-identity';
import { integerIn } from './checks';
import { STORE_FORMAT, StoreFormatError, decodePoint, decodeReceipt, decodeState, type SeriesPoint } from './codec';
import { accountingKeys } from './keys';
import { decodeRecord, type OperationRecord } from './operation-records';
import { createReservations } from './reservations';
import { applyBatchScript, bindChainScript } from './scripts';

export interface AccountingStoreOptions {
  redis: RedisClient;
  /** key prefix, e.g. `blockops:acct` */
  prefix: string;
  /** micro-token units */
  startingBalance: Units;
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
  /** the state after the call (as the store holds it when applied; as read when not), and the balance before it */
  state: AccountingState;
  balanceBefore: Units;
  /** operations this batch confirmed late (they had ended EXPIRED, FAILED or REJECTED): the records as now stored */
  lateConfirmed: OperationRecord[];
}

/** Operation records read before an apply changed meanwhile this many times in a row: give up (the activity is retried). */
const MAX_APPLY_ATTEMPTS = 20;

export type PositionSummary = Position & { pnl: Units; avgCostPerUnit: Units };

/**
 * Accounting state in Redis. The checkpoint height and the state live in one hash and change only
 * together, through one Lua script that compare-and-sets the checkpoint: a retried, raced or
 * replayed batch applies nothing twice, and the checkpoint never jumps over a batch.
 * Amounts are bigint units in Node and integer unit strings in Redis (codec.ts); a process checks
 * the store's format once at start (ensureStoreFormat) and every read checks it again.
 */
export function createAccountingStore(opts: AccountingStoreOptions) {
  const { redis, prefix, startingBalance } = opts;
  const seriesMaxLen = opts.seriesMaxLen ?? 10_000;
  const historyMaxLen = opts.historyMaxLen ?? 100_000;
  if (!prefix) throw new RangeError('prefix must not be empty');
  if (typeof startingBalance !== 'bigint' || startingBalance < 0n)
    throw new RangeError(`startingBalance must be a bigint count of units ≥ 0 (got ${String(startingBalance)})`);
  integerIn('seriesMaxLen', seriesMaxLen, 1, 10_000_000);
  integerIn('historyMaxLen', historyMaxLen, 1, 100_000_000);
  const keys = accountingKeys(prefix);
  const applyKeys = [
    keys.state,
    keys.history,
    ...keys.markets,
    keys.series,
    keys.ops.records,
    keys.ops.charges,
    keys.ops.announce,
    ...keys.ops.statusSets,
  ];

  async function snapshot(): Promise<{ checkpoint: number; state: AccountingState }> {
    const [cp, json, format] = await redis.hmGet(keys.state, ['checkpoint', 'state', 'format']);
    if (json && format !== STORE_FORMAT)
      throw new StoreFormatError(`${keys.state} has store format ${format ?? '1'}, not ${STORE_FORMAT}: run ensureStoreFormat first`);
    return { checkpoint: cp ? Number(cp) : 0, state: json ? decodeState(json, keys.state) : initialAccounting(startingBalance) };
  }

  const notApplied = ({ checkpoint, state }: { checkpoint: number; state: AccountingState }): ApplyResult => ({
    applied: false,
    checkpoint,
    count: 0,
    summary: pnlSummary(state),
    state,
    balanceBefore: state.balance,
    lateConfirmed: [],
  });

  async function chainIdentity(): Promise<ChainIdentity | undefined> {
    const [chainId, genesisHash] = await redis.hmGet(keys.state, ['chainId', 'genesisHash']);
    return genesisHash ? { chainId: chainId ?? '', genesisHash } : undefined;
  }

  return {
    snapshot,

    /** Last fully applied block height (0 before the first batch). */
    checkpoint: async (): Promise<number> => Number((await redis.hGet(keys.state, 'checkpoint')) ?? 0),

    /** The checkpoint and the genesis hash of the chain it belongs to (undefined until recorded), read together. */
    async position(): Promise<{ checkpoint: number; genesisHash?: string }> {
      const [cp, genesisHash] = await redis.hmGet(keys.state, ['checkpoint', 'genesisHash']);
      return { checkpoint: Number(cp ?? 0), genesisHash: genesisHash ?? undefined };
    },

    /**
     * Applies the receipts of blocks fromCheckpoint+1..toHeight and moves the checkpoint to
     * toHeight, all or nothing; applied:false (nothing changed) when the store is no longer at
     * fromCheckpoint — a retry of a batch already applied, a concurrent attempt, or a stale batch.
     */
    async applyBatch(batch: ReceiptBatch): Promise<ApplyResult> {
      const checked = checkBatch(batch);
      const ids = checked.charges.map((c) => c.operationId);
      for (let attempt = 0; attempt < MAX_APPLY_ATTEMPTS; attempt++) {
        // one round trip: the state and the records of the operations the batch charges, read together
        const [current, records] = await Promise.all([snapshot(), ids.length ? redis.hmGet(keys.ops.records, ids) : []]);
        if (current.checkpoint !== checked.fromCheckpoint) return notApplied(current);
        const now = Date.now();
        const prepared = prepareBatch(current.state, checked, { historyMaxLen, seriesMaxLen, now });
        const ops = prepareCharges(checked.charges, new Map(ids.map((id, i) => [id, records[i] ?? ''])), now);
        const outcome = await applyBatchScript(redis, applyKeys, prepared.args.concat(ops.args));
        if (outcome === -2) continue; // an operation record changed between our read and the script: read again
        if (outcome === -1) {
          const recorded = await chainIdentity();
          throw new ChainMismatchError(recorded, { chainId: '', genesisHash: checked.genesisHash ?? '' }, prefix);
        }
        if (outcome !== 1) return notApplied(await snapshot());
        return {
          applied: true,
          checkpoint: checked.toHeight,
          count: checked.receipts.length,
          summary: prepared.summary,
          state: prepared.next,
          balanceBefore: current.state.balance,
          lateConfirmed: ops.late,
        };
      }
      throw new Error(
        `operation records kept changing during ${MAX_APPLY_ATTEMPTS} attempts to apply blocks ${checked.fromCheckpoint + 1}–${checked.toHeight}`,
      );
    },

    /** The chain this state belongs to, once recorded. */
    chainIdentity,

    /**
     * Records the chain this state belongs to, or checks it is the one recorded: a store holding
     * another chain's state throws ChainMismatchError naming both (nothing is written). `adopted`:
     * the store had applied blocks before chains were recorded, and is now taken to be this chain's.
     */
    async bindChain(
      chain: ChainIdentity,
      opts: { nodeUrl?: string } = {},
    ): Promise<{ outcome: 'bound' | 'same' | 'adopted'; checkpoint?: number }> {
      if (!chain.chainId || !chain.genesisHash) throw new RangeError('chainId and genesisHash must be non-empty strings');
      const [outcome, a, b] = (await bindChainScript(redis, [keys.state], [chain.chainId, chain.genesisHash])) as string[];
      if (outcome === 'mismatch') throw new ChainMismatchError({ chainId: a ?? '', genesisHash: b ?? '' }, chain, prefix, opts.nodeUrl);
      if (outcome === 'adopted') return { outcome, checkpoint: Number(a) };
      return { outcome: outcome as 'bound' | 'same' };
    },

    /** Late confirmations not yet announced (the poller emits them, then acknowledges them by id). */
    async unannounced(limit = 100): Promise<OperationRecord[]> {
      const all = await redis.hVals(keys.ops.announce);
      return all.slice(0, limit).map((r) => decodeRecord(r, keys.ops.announce));
    },
    async acknowledgeAnnounced(operationIds: string[]): Promise<void> {
      if (operationIds.length) await redis.hDel(keys.ops.announce, operationIds);
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
      return { items: items.map((i) => decodeReceipt(i, key)), total, limit: q.limit, offset: q.offset };
    },

    /** The last `limit` P&L points (500, at most 10,000), oldest first: one per non-empty batch. */
    async series(q: { limit?: number } = {}): Promise<SeriesPoint[]> {
      const limit = q.limit ?? 500;
      integerIn('limit', limit, 1, 10_000);
      return (await redis.lRange(keys.series, -limit, -1)).map((p) => decodePoint(p, keys.series));
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
